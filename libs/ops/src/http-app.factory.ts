import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { MetricsRegistry } from '@huashu/common';
import type { AppConfig } from '@huashu/config';
import { AllExceptionsFilter } from './http/all-exceptions.filter.js';
import { clientErrorHandler } from './http/client-error.js';
import { toErrorBody } from './http/error-body.js';
import { installJsonDepthLimit } from './http/json-depth.js';
import { installBodyParsing } from './http/request-body.js';
import { genRequestId, REQUEST_ID_HEADER } from './http/request-id.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { installHttpMetrics } from './http-metrics.js';
import { createRequestLogger } from './logging.js';
import { PinoNestLogger, ROOT_LOGGER } from './pino-nest.logger.js';

/**
 * A Nest app on Fastify with what every huashu HTTP surface has: body parsers, a body limit and
 * media types per route (`BodyRouteConfig`), request ids on every response, the binding error body,
 * validation, pino logs, HTTP metrics. Signals are handled by `onShutdownSignals` (drain HTTP first, then close modules).
 * Fastify was measured against Express on a trivial route (see README "Benchmarks").
 */
export async function createHttpApp(root: DynamicModule, config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    genReqId: genRequestId,
    requestIdHeader: false,
    trustProxy: true,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    logger: false,
    clientErrorHandler,
    // The router rejects a malformed URL (bad percent-encoding, 400) or an over-long parameter before
    // any hook or Nest filter runs; answer those with the binding error body too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = toErrorBody(error, String(request.id));
      void reply
        .status(status)
        .header(REQUEST_ID_HEADER, String(request.id))
        .header('content-type', 'application/json; charset=utf-8')
        .send(body);
    },
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  installJsonDepthLimit(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoNestLogger));
  installBodyParsing(app);
  const requestLogger = createRequestLogger(app.get<Logger>(ROOT_LOGGER));
  fastify.addHook('onRequest', (request, reply, done) => {
    request.raw.id = request.id;
    requestLogger(request.raw, reply.raw);
    done();
  });
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(createValidationPipe());
  installHttpMetrics(fastify, app.get(MetricsRegistry));
  return app;
}
