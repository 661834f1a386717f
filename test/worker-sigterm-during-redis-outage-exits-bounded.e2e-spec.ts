import { spawn, type ChildProcess } from 'node:child_process';
import { testEnv } from './support/boot.js';
import { PrivateRedis } from './support/redis-server.js';

/** A process's output, line by line, with a way to wait for a line. */
class Output {
  readonly lines: string[] = [];
  private partial = '';
  private waiters: { test: (line: string) => boolean; resolve: () => void }[] = [];

  feed(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts.filter(Boolean)) {
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.test(line) ? (w.resolve(), false) : true));
    }
  }

  until(test: (line: string) => boolean): Promise<void> {
    if (this.lines.some(test)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

const msgOf = (line: string): string => {
  try {
    const { msg } = JSON.parse(line) as { msg?: unknown };
    return typeof msg === 'string' ? msg : '';
  } catch {
    return '';
  }
};

// The worker runs as its own process from the TypeScript sources (what `npm start` runs, built), so
// real signals reach it; Redis is a private redis-server this test stops.
describe('worker: SIGTERM while Redis is down', () => {
  let redis: PrivateRedis | undefined;
  let child: ChildProcess | undefined;

  // Here, not in a finally: after a test timeout Jest still runs afterAll, and a worker left running
  // would keep Jest from exiting.
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // The worker's keys were on the private Redis, gone with it.
    await redis?.stop();
  });

  it('logs each queue error once and the reconnect once, and exits 0 promptly on SIGTERM while Redis is down', async () => {
    redis = await PrivateRedis.start();
    const env = testEnv('worker-outage', { REDIS_URL: redis.url, LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '500' });
    const worker = spawn(
      process.execPath,
      ['--import', './scripts/ts-source-register.mjs', 'apps/worker/src/main.ts'],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = worker;
    const out = new Output();
    const err = new Output();
    worker.stdout.on('data', (d: Buffer) => out.feed(d));
    worker.stderr.on('data', (d: Buffer) => err.feed(d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      worker.once('exit', (code, signal) => resolve({ code, signal })),
    );

    await out.until((l) => msgOf(l) === 'Nest application successfully started');
    await redis.stop();
    // The callback queue and its @Processor worker say they lost Redis, in the JSON log.
    await out.until((l) => msgOf(l).startsWith('queue dialer-callbacks: '));
    await out.until((l) => msgOf(l).startsWith('worker dialer-callbacks: '));
    // Back up: the reconnect is said once per connection, with how many errors it ended.
    await redis.start();
    await out.until((l) => /^queue dialer-callbacks: Redis connection ready again after \d+ errors$/.test(msgOf(l)));
    await out.until((l) => /^worker dialer-callbacks: Redis connection ready again after \d+ errors$/.test(msgOf(l)));
    // Every reconnect attempt failed with an error; each distinct one was logged once, not per attempt.
    const errorLines = out.lines.map(msgOf).filter((m) => /^(queue|worker) dialer-callbacks: /.test(m));
    expect(errorLines.filter((m) => m.includes('ready again'))).toHaveLength(2);
    expect(new Set(errorLines).size).toBe(errorLines.length);

    // Down again, then SIGTERM: the worker is closed without waiting for Redis, so shutdown finishes.
    const workerErrors = () =>
      out.lines.filter((l) => msgOf(l).startsWith('worker dialer-callbacks: ') && !msgOf(l).includes('ready again'))
        .length;
    const before = workerErrors();
    await redis.stop();
    // After the reconnect the throttle starts afresh: the new outage's first error is logged again.
    await out.until(() => workerErrors() > before);
    worker.kill('SIGTERM');
    await out.until((l) => msgOf(l).startsWith('SIGTERM: shutting down'));
    await expect(exited).resolves.toEqual({ code: 0, signal: null });
    expect(out.lines.map(msgOf)).toContain(
      'worker dialer-callbacks: Redis is not connected; closing without waiting for active jobs',
    );
    expect(err.lines).toEqual([]);
    const notJson = out.lines.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
  }, 180_000);
});
