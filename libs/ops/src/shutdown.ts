import type { Server } from 'node:http';
import { Logger, type INestApplication } from '@nestjs/common';

/**
 * Graceful stop: the HTTP server first stops accepting connections and drains in-flight requests
 * (requests arriving on kept-alive connections meanwhile get 503 in the binding body, from
 * `beforeClose()` on: refuseRequestsWhileShuttingDown), and only then do the Nest modules close
 * (queues, Redis). Nest's own order closes modules first, which would pull Redis from under requests
 * still running. After `graceMs` the drain is abandoned so a stuck request cannot block a deploy.
 */
export async function shutdownGracefully(app: INestApplication, graceMs: number): Promise<void> {
  const adapter = app.getHttpAdapter() as unknown as { beforeClose?: () => void };
  adapter.beforeClose?.();
  const server = app.getHttpServer() as Server;
  if (server.listening) {
    await new Promise<void>((resolve) => {
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const give = setTimeout(done, graceMs);
      function done(): void {
        clearInterval(sweep);
        clearTimeout(give);
        resolve();
      }
      // The callback runs once every connection has ended; idle keep-alive sockets are swept.
      server.close(() => done());
      server.closeIdleConnections();
    });
  }
  await app.close();
}

/**
 * Install SIGTERM/SIGINT handlers that shut `app` down gracefully once, then exit 0.
 *
 * The handlers stay installed: a second signal (a supervisor that signals the process group and the
 * process, Ctrl-C twice, `npm start` forwarding a signal the child also got) is logged and otherwise
 * ignored, where Node's default action would kill the process mid-drain (exit 143). The whole
 * shutdown is bounded by twice `graceMs` (drain, then closing modules): a close that waits on
 * something stuck must not hang a deploy, so past the bound the process says so and exits 1. (BullMQ
 * Workers whose Redis is down are force-closed, `BullWorkerShutdown`, so an outage alone does not
 * reach the bound; their active jobs are not lost: the stalled-job check hands them to another worker.)
 */
export function onShutdownSignals(app: INestApplication, graceMs: number): void {
  const logger = new Logger('Shutdown');
  const boundMs = 2 * graceMs;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: already shutting down (exit within ${boundMs} ms of the first signal)`);
      return;
    }
    stopping = true;
    logger.log(`${signal}: shutting down (in-flight requests get up to ${graceMs} ms)`);
    setTimeout(() => {
      process.stderr.write(`shutdown after ${signal} did not finish within ${boundMs} ms; exiting\n`);
      process.exit(1);
    }, boundMs).unref();
    shutdownGracefully(app, graceMs).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown after ${signal} failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
