// While a process shuts down (SIGTERM: its HTTP server drains, then its modules close), a request that
// arrives is refused with 503 SERVICE_UNAVAILABLE in the binding error body (DESIGN §4), with its
// X-Request-Id and `Connection: close`, so that the client retries it elsewhere; requests in flight at the
// signal still complete. The gateway and the worker each run in a process of their own, from their
// sources (real signals, as `npm start` runs them). The request comes on a kept-alive connection that
// answered one request before the signal and had begun the next (pipelined, its headers not yet ended):
// a connection in the middle of a request is not idle, so the drain waits for it, and the test ends that
// request once the process has said it is shutting down.
import { logMessage, spawnFromSources, spawnWorker, type SourceProcess } from './support/child-process.js';
import { testEnv } from './support/boot.js';
import { eventually } from './support/eventually.js';
import { RawHttpConnection } from './support/raw-http.js';
import { deletePrefix } from './support/redis-prefix.js';
import { freePort } from './support/redis-server.js';

/** GET /health/live up to its last header, without the blank line that ends the request. */
const begunProbe = (requestId?: string): string =>
  `GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n${requestId ? `X-Request-Id: ${requestId}\r\n` : ''}`;

async function expectRefusedWhileShuttingDown(app: SourceProcess, port: number): Promise<void> {
  await app.started();
  // Nest says it started before it listens.
  await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200));
  const connection = await RawHttpConnection.open(port);
  try {
    await connection.write(`${begunProbe()}\r\n${begunProbe('shutdown-probe-1')}`);
    const answered = await connection.response();
    expect(answered).toMatchObject({ status: 200, headers: { connection: 'keep-alive' } });

    app.kill('SIGTERM');
    await app.until((line) => logMessage(line).startsWith('SIGTERM: shutting down'));
    await connection.write('\r\n');
    const refused = await connection.response();
    expect(refused.status).toBe(503);
    expect(refused.headers).toMatchObject({
      'x-request-id': 'shutdown-probe-1',
      'content-type': 'application/json; charset=utf-8',
      connection: 'close',
    });
    expect(JSON.parse(refused.body)).toEqual({
      error: {
        code: 'SERVICE_UNAVAILABLE',
        message: expect.stringContaining('shutting down'),
        details: [],
        requestId: 'shutdown-probe-1',
      },
    });
    // Connection: close, and closed: nothing more is read from it.
    await connection.closed;
  } finally {
    connection.close();
  }
  await expect(app.exited).resolves.toEqual({ code: 0, signal: null });
}

describe('a request that arrives during shutdown', () => {
  const spawned: SourceProcess[] = [];
  const prefixes: string[] = [];

  // Here, not in a finally: after a test timeout Jest still runs afterAll, and a process left running
  // would keep Jest from exiting.
  afterAll(async () => {
    for (const p of spawned) p.kill();
    await Promise.all(spawned.map((p) => p.exited));
    for (const prefix of prefixes) await deletePrefix(prefix);
  });

  it('gateway: 503 SERVICE_UNAVAILABLE in the binding body, with its request id and Connection: close', async () => {
    const port = await freePort();
    const env = testEnv('shutdown-503-gateway', { PORT: String(port), LOG_LEVEL: 'info' });
    prefixes.push(env.REDIS_KEY_PREFIX);
    const gateway = spawnFromSources('apps/gateway/src/main.ts', { env });
    spawned.push(gateway);
    await expectRefusedWhileShuttingDown(gateway, port);
  }, 120_000);

  it('worker: the same on its health and metrics listener', async () => {
    const port = await freePort();
    const env = testEnv('shutdown-503-worker', { WORKER_PORT: String(port) });
    prefixes.push(env.REDIS_KEY_PREFIX);
    const worker = spawnWorker(env);
    spawned.push(worker);
    await expectRefusedWhileShuttingDown(worker, port);
  }, 120_000);
});
