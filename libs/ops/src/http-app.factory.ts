import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { MetricsRegistry } from '@huashu/common';
import type { AppConfig } from '@huashu/config';
import { AllExceptionsFilter } from './http/all-exceptions.filter.js';
import { clientErrorHandler, type RejectedRequest } from './http/client-error.js';
import { toErrorBody } from './http/error-body.js';
import { installJsonDepthLimit } from './http/json-depth.js';
import { installBodyParsing } from './http/request-body.js';
import { genRequestId, REQUEST_ID_HEADER } from './http/request-id.js';
import { refuseRequestsWhileShuttingDown, ShutdownAwareFastifyAdapter } from './http/shutdown-refusal.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { installHttpMetrics } from './http-metrics.js';
import { createRequestLogger } from './logging.js';
import { PinoNestLogger, ROOT_LOGGER } from './pino-nest.logger.js';

/**
 * A Nest app on Fastify with what every huashu HTTP surface has: body parsers, a body limit and
 * media types per route (`BodyRouteConfig`), request ids on every response, the binding error body,
 * validation, pino logs, HTTP metrics, and requests that arrive during shutdown refused with 503 in the binding
 * body. Signals are handled by `onShutdownSignals` (drain HTTP first, then close modules).
 * Fastify was measured against Express on a trivial route (see README "Benchmarks").
 * `bodyLimitBytes` replaces BODY_LIMIT_BYTES as the limit of routes without their own (the worker's).
 */
export async function createHttpApp(
  root: DynamicModule,
  config: AppConfig,
  opts: { bodyLimitBytes?: number } = {},
): Promise<NestFastifyApplication> {
  // Requests refused before routing run no Fastify hook, so neither the request log nor the HTTP
  // metrics see them; they are reported here, once the logger and the registry exist (below).
  let reportRejected: (rejected: RejectedRequest) => void = () => undefined;
  const adapter = new ShutdownAwareFastifyAdapter({
    bodyLimit: opts.bodyLimitBytes ?? config.http.bodyLimitBytes,
    genReqId: genRequestId,
    requestIdHeader: false,
    trustProxy: true,
    // Fastify's own 503 has neither the binding body nor the request id: refuseRequestsWhileShuttingDown (below).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    logger: false,
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => clientErrorHandler(err, socket, reportRejected),
    // The router rejects a malformed URL (bad percent-encoding, 400) or an over-long parameter before
    // any hook or Nest filter runs; answer those with the binding error body too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = toErrorBody(error, String(request.id));
      void reply
        .status(status)
        .header(REQUEST_ID_HEADER, String(request.id))
        .header('content-type', 'application/json; charset=utf-8')
        .send(body);
      // Node's parser only accepts the methods it knows, so `method` is a bounded label.
      reportRejected({ method: request.method, status, requestId: String(request.id), reason: error.code });
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
  const rootLogger = app.get<Logger>(ROOT_LOGGER);
  const requestLogger = createRequestLogger(rootLogger);
  fastify.addHook('onRequest', (request, reply, done) => {
    request.raw.id = request.id;
    requestLogger(request.raw, reply.raw);
    done();
  });
  refuseRequestsWhileShuttingDown(fastify, () => adapter.shuttingDown);
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(createValidationPipe());
  const countRejected = installHttpMetrics(fastify, app.get(MetricsRegistry));
  reportRejected = ({ method, status, requestId, reason }) => {
    countRejected(method, status);
    // The shape of a request line, without headers or URL: what was refused may be garbage or secrets.
    // warn for the parser's refusals (a broken client or proxy), info for a bad URL (as any other 4xx).
    rootLogger[method === 'UNKNOWN' ? 'warn' : 'info'](
      { req: { id: requestId, method }, res: { statusCode: status }, reason },
      'request rejected before routing',
    );
  };
  return app;
}
