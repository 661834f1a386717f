import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '@huashu/common';
import type { ErrorBody } from './error-body.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** A request refused before routing (no Fastify hook runs for it), for the log and /metrics. */
export interface RejectedRequest {
  /** The request method, or `UNKNOWN` when the HTTP parser refused it before reading one. */
  method: string;
  status: number;
  requestId: string;
  /** Why, as a fixed code (`HPE_HEADER_OVERFLOW`, `FST_ERR_BAD_URL` …), never request content. */
  reason: string;
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before Fastify sees them
 * (headers over the size limit, unparseable request lines, request timeouts) get the binding error
 * body instead of Fastify's own JSON. Written to the socket by hand because no request or reply
 * object exists at this point (same approach as Fastify's default handler). `onRejected` hears of
 * each request answered here, for the log and /metrics.
 */
export function clientErrorHandler(
  err: NodeJS.ErrnoException,
  socket: Socket,
  onRejected: (rejected: RejectedRequest) => void,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, ErrorCode, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'PAYLOAD_TOO_LARGE', 'request headers are larger than the limit']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'MALFORMED_BODY', 'the request was not received in time']
        : [400, 'MALFORMED_BODY', 'malformed HTTP request'];
  const requestId = `req_${randomUUID()}`;
  const body: ErrorBody = { error: { code, message, details: [], requestId } };
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\n${REQUEST_ID_HEADER}: ${requestId}\r\n` +
        `Connection: close\r\n\r\n${json}`,
    );
    onRejected({ method: 'UNKNOWN', status, requestId, reason: err.code ?? 'ERR_HTTP_PARSE' });
  }
  socket.destroy(err);
}
