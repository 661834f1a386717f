import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { HuashuException } from '@huashu/common';
import { toErrorBody } from './error-body.js';

/**
 * The Fastify adapter, knowing when shutdown has begun: `app.close()` and `shutdownGracefully` call
 * `beforeClose()` before anything else, before the HTTP server drains.
 */
export class ShutdownAwareFastifyAdapter extends FastifyAdapter {
  #shuttingDown = false;

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  override beforeClose(): void {
    this.#shuttingDown = true;
    super.beforeClose();
  }
}

/**
 * Refuse every request that arrives once shutdown has begun (on a kept-alive connection, or pipelined
 * behind a request that is still draining) with 503 SERVICE_UNAVAILABLE in the binding error body and
 * `Connection: close`, so that the client retries it on another instance; requests already in flight
 * complete. Fastify's `return503OnClosing` is not used: it answers only once Fastify itself closes (after
 * the drain and the modules), and before any hook, so in its own body and without the request id; Nest's
 * option of the same name answers from `beforeClose()` on, but with Fastify's body too.
 * Add it after the hooks that set the request id and log the request, so that the refusal has both.
 */
export function refuseRequestsWhileShuttingDown(fastify: FastifyInstance, shuttingDown: () => boolean): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!shuttingDown()) {
      done();
      return;
    }
    const refusal = new HuashuException('SERVICE_UNAVAILABLE', 'the server is shutting down; retry the request');
    const { status, body } = toErrorBody(refusal, request.id);
    // HTTP/1.1 only (createHttpApp serves no HTTP/2, which has no Connection header).
    void reply
      .status(status)
      .header('connection', 'close')
      .header('content-type', 'application/json; charset=utf-8')
      .send(body);
  });
}
