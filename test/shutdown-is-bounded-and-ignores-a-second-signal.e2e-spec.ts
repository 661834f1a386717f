// onShutdownSignals (libs/ops/src/shutdown.ts): a second SIGTERM during shutdown is logged and ignored
// (Node's default would kill the process, exit 143), and a shutdown stuck past twice the grace period
// says so on stderr and exits 1. The app is a real Nest HTTP app in its own process whose module never
// finishes closing (test/support/hung-shutdown.process.ts).
import { spawnFromSources } from './support/child-process.js';

describe('shutdown signals', () => {
  it('ignores a second SIGTERM and exits 1 when the shutdown passes its bound', async () => {
    const app = spawnFromSources('test/support/hung-shutdown.process.ts', { args: ['300'] });
    const until = (text: string) => app.until((line) => line.includes(text));
    await until('ready');
    app.kill('SIGTERM');
    await until('SIGTERM: shutting down');
    app.kill('SIGTERM');
    await until('SIGTERM again: already shutting down (exit within 600 ms of the first signal)');
    await expect(app.exited).resolves.toEqual({ code: 1, signal: null });
    expect(app.err).toEqual(['shutdown after SIGTERM did not finish within 600 ms; exiting']);
  }, 60_000);
});
