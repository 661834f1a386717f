import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { AppConfig } from '@huashu/config';

/**
 * Paths redacted from every log line: credentials and signatures must never reach logs
 * (customer text is redacted by compliance before it is logged at all).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'req.headers["x-api-key"]',
];

/**
 * REDACTED_PATHS plus the header that carries the Genesys connection secret: its name is chosen by
 * the operator (GENESYS_SECRET_HEADER), so it cannot be in the fixed list.
 */
export function redactedPaths(config: AppConfig): string[] {
  const header = config.telephony.genesysSecretHeader?.toLowerCase();
  return header ? [...REDACTED_PATHS, `req.headers[${JSON.stringify(header)}]`] : [...REDACTED_PATHS];
}

const requestSerializer = (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
  id: req.id,
  method: req.method,
  url: String(req.url).split('?')[0],
  headers: req.headers,
});

/**
 * Only the status of a response. pino-http's default serializer logs `res.getHeaders()`, which is
 * always `{}` here: Fastify passes its headers to `writeHead` at once, which Node does not keep for
 * `getHeaders()`. The one useful header, x-request-id, is already the line's `req.id`.
 */
const responseSerializer = (res: { statusCode: number }) => ({ statusCode: res.statusCode });

/**
 * The process's root pino logger: level, `app` binding and redaction. `stream` lets tests capture the
 * log lines.
 *
 * Logs are deliberately not request-scoped through AsyncLocalStorage (what nestjs-pino does): on
 * Node 20 an active AsyncLocalStorage installs promise hooks that run on every promise of the process,
 * and a callgrind count of the in-process turn showed them at 14 % of its instructions (1.72 M → 1.48 M
 * per turn with the store disabled). Request lines carry the request id; service logs carry their
 * context and, where it matters, the conversation id.
 */
export function createRootLogger(config: AppConfig, app: string, stream?: Writable): Logger {
  const options: LoggerOptions = {
    level: config.log.level,
    base: { app },
    redact: { paths: redactedPaths(config), censor: '[redacted]' },
  };
  return stream ? pino(options, stream) : pino(options);
}

/** The per-request logger (pino-http): one line per finished request, with its id, never a body. */
export function createRequestLogger(root: Logger): HttpLogger {
  return pinoHttp({
    logger: root,
    // The id Fastify gave the request (`genRequestId`), echoed in the x-request-id header.
    genReqId: (req) => req.id,
    // Health probes and scrapes would drown the log.
    autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
    // Never log bodies or query strings: they may carry customer text.
    serializers: { req: requestSerializer, res: responseSerializer },
  });
}
