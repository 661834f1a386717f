import { HttpException } from '@nestjs/common';
import { ERROR_CODES, HuashuException, type ErrorCode } from '@huashu/common';
import { isRedisUnavailableError } from '@huashu/redis';

export interface ErrorBody {
  error: { code: string; message: string; details: unknown[]; requestId: string };
}

const STATUS_TO_CODE: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  428: 'PRECONDITION_REQUIRED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
  504: 'UPSTREAM_TIMEOUT',
};

/** Fastify's own errors (body parsing, limits) carry a `code` and `statusCode`. */
interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'request body is larger than the limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported content type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'MALFORMED_BODY', message: 'content-length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_BODY', message: 'empty JSON body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_BODY', message: 'malformed JSON body' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'invalid content type' },
  FST_ERR_BAD_URL: { code: 'VALIDATION_FAILED', message: 'malformed URL (invalid percent-encoding)' },
};

/** Map any thrown value to a status and the binding error body. Unknown errors become 500. */
export function toErrorBody(err: unknown, requestId: string): { status: number; body: ErrorBody; unexpected: boolean } {
  const make = (status: number, code: string, message: string, details: unknown[] = []) => ({
    status,
    body: { error: { code, message, details, requestId } },
    unexpected: false,
  });

  if (err instanceof HuashuException) return make(err.status, err.code, err.message, err.details);

  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const code = STATUS_TO_CODE[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
    let message = err.message;
    let details: unknown[] = [];
    if (typeof response === 'object' && response !== null) {
      const r = response as { message?: unknown; details?: unknown };
      if (Array.isArray(r.message)) details = r.message;
      else if (typeof r.message === 'string') message = r.message;
      if (Array.isArray(r.details)) details = r.details;
      // Structured responses without a message (e.g. terminus' failed health result) travel as details.
      else if (r.message === undefined) details = [response];
    }
    // Body-parser errors surface as 400 HttpExceptions with a SyntaxError cause (Express adapter).
    if (status === 400 && /JSON/i.test(message) && !details.length) {
      return make(status, 'MALFORMED_BODY', 'malformed JSON body');
    }
    return make(status, code, message, details);
  }

  const fe = err as FastifyLikeError;
  if (fe && typeof fe === 'object' && typeof fe.code === 'string' && fe.code in FASTIFY_CODES) {
    const mapped = FASTIFY_CODES[fe.code];
    return make(ERROR_CODES[mapped.code], mapped.code, mapped.message);
  }
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = STATUS_TO_CODE[fe.statusCode] ?? 'VALIDATION_FAILED';
    return make(fe.statusCode, code, code === 'MALFORMED_BODY' ? 'malformed request body' : 'bad request');
  }
  // Redis down or restarting: the request may succeed shortly; readiness says the same.
  if (isRedisUnavailableError(err)) {
    return make(503, 'SERVICE_UNAVAILABLE', 'storage is unavailable, retry shortly', [{ dependency: 'redis' }]);
  }
  return { ...make(500, 'INTERNAL', 'internal error'), unexpected: true };
}
