// onShutdownSignals (libs/ops/src/shutdown.ts): a second SIGTERM during shutdown is logged and ignored
// (Node's default would kill the process, exit 143), and a shutdown stuck past twice the grace period
// says so on stderr and exits 1. The app is a real Nest HTTP app in its own process whose module never
// finishes closing (test/support/hung-shutdown.process.ts).
import { spawn } from 'node:child_process';

describe('shutdown signals', () => {
  it('ignores a second SIGTERM and exits 1 when the shutdown passes its bound', async () => {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/ts-source-register.mjs', 'test/support/hung-shutdown.process.ts', '300'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const until = async (text: string) => {
      while (!out.includes(text)) {
        if (child.exitCode !== null) throw new Error(`exited before "${text}":\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until('ready');
    child.kill('SIGTERM');
    await until('SIGTERM: shutting down');
    child.kill('SIGTERM');
    await until('SIGTERM again: already shutting down (exit within 600 ms of the first signal)');
    await expect(exited).resolves.toEqual({ code: 1, signal: null });
    expect(err.trim().split('\n')).toEqual(['shutdown after SIGTERM did not finish within 600 ms; exiting']);
  }, 60_000);
});
