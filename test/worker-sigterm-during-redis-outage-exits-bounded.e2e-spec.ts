import { testEnv } from './support/boot.js';
import { logMessage, spawnWorker, type SourceProcess } from './support/child-process.js';
import { PrivateRedis } from './support/redis-server.js';

// The worker runs as its own process from the TypeScript sources (what `npm start` runs, built), so
// real signals reach it; Redis is a private redis-server this test stops.
describe('worker: SIGTERM while Redis is down', () => {
  let redis: PrivateRedis | undefined;
  let spawned: SourceProcess | undefined;

  // Here, not in a finally: after a test timeout Jest still runs afterAll, and a worker left running
  // would keep Jest from exiting.
  afterAll(async () => {
    spawned?.kill();
    // The worker's keys were on the private Redis, gone with it.
    await redis?.stop();
  });

  it('logs each queue error once and the reconnect once, and exits 0 promptly on SIGTERM while Redis is down', async () => {
    redis = await PrivateRedis.start();
    const worker = spawnWorker(testEnv('worker-outage', { REDIS_URL: redis.url, SHUTDOWN_GRACE_MS: '500' }));
    spawned = worker;
    await worker.started();
    await redis.stop();
    // The callback queue and its @Processor worker say they lost Redis, in the JSON log.
    await worker.until((l) => logMessage(l).startsWith('queue dialer-callbacks: '));
    await worker.until((l) => logMessage(l).startsWith('worker dialer-callbacks: '));
    // Back up: the reconnect is said once per connection, with how many errors it ended.
    await redis.start();
    await worker.until((l) =>
      /^queue dialer-callbacks: Redis connection ready again after \d+ errors$/.test(logMessage(l)),
    );
    await worker.until((l) =>
      /^worker dialer-callbacks: Redis connection ready again after \d+ errors$/.test(logMessage(l)),
    );
    // Every reconnect attempt failed with an error; each distinct one was logged once, not per attempt.
    const errorLines = worker.out.map(logMessage).filter((m) => /^(queue|worker) dialer-callbacks: /.test(m));
    expect(errorLines.filter((m) => m.includes('ready again'))).toHaveLength(2);
    expect(new Set(errorLines).size).toBe(errorLines.length);

    // Down again, then SIGTERM: the worker is closed without waiting for Redis, so shutdown finishes.
    const workerErrors = () =>
      worker.out.filter(
        (l) => logMessage(l).startsWith('worker dialer-callbacks: ') && !logMessage(l).includes('ready again'),
      ).length;
    const before = workerErrors();
    await redis.stop();
    // After the reconnect the throttle starts afresh: the new outage's first error is logged again.
    await worker.until(() => workerErrors() > before);
    worker.kill('SIGTERM');
    await worker.until((l) => logMessage(l).startsWith('SIGTERM: shutting down'));
    await expect(worker.exited).resolves.toEqual({ code: 0, signal: null });
    expect(worker.out.map(logMessage)).toContain(
      'worker dialer-callbacks: Redis is not connected; closing without waiting for active jobs',
    );
    expect(worker.err).toEqual([]);
    const notJson = worker.out.filter((l) => {
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
