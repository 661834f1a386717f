import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody } from './error-body.js';

/** The gateway's one filter: every error leaves as the binding body with the request id. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, body, unexpected } = toErrorBody(exception, request.id);
    if (unexpected) {
      this.logger.error({ err: exception, requestId: request.id }, 'unhandled error');
    }
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
