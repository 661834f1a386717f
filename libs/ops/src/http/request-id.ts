import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Fastify's genReqId: reuse a caller's safe `X-Request-Id`, else mint one. The id is also put on
 * the raw request, where pino-http's default genReqId picks it up, so logs and responses agree.
 */
export function genRequestId(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : `req_${randomUUID()}`;
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}
