import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';

/**
 * Graceful stop: the HTTP server first stops accepting connections and drains in-flight requests
 * (requests arriving on kept-alive connections meanwhile get 503 from the Fastify adapter), and only
 * then do the Nest modules close (queues, Redis). Nest's own order closes modules first, which would
 * pull Redis from under requests still running. After `graceMs` the drain is abandoned so a stuck
 * request cannot block a deploy.
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

/** Install SIGTERM/SIGINT handlers that shut `app` down gracefully once, then exit. */
export function onShutdownSignals(app: INestApplication, graceMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    shutdownGracefully(app, graceMs).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown after ${signal} failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
