import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { Options } from 'pino-http';
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
  'res.headers["set-cookie"]',
];

/**
 * REDACTED_PATHS plus the header that carries the Genesys connection secret: its name is chosen by
 * the operator (GENESYS_SECRET_HEADER), so it cannot be in the fixed list.
 */
export function redactedPaths(config: AppConfig): string[] {
  const header = config.telephony.genesysSecretHeader?.toLowerCase();
  return header ? [...REDACTED_PATHS, `req.headers[${JSON.stringify(header)}]`] : [...REDACTED_PATHS];
}

/** pino-http options; `stream` lets tests capture the log lines. */
export function loggerOptions(config: AppConfig, app: string, stream?: Writable): Params {
  const options: Options = {
    level: config.log.level,
    base: { app },
    redact: { paths: redactedPaths(config), censor: '[redacted]' },
    // Health probes and scrapes would drown the log.
    autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
    // Never log bodies or query strings: they may carry customer text.
    serializers: {
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: String(req.url).split('?')[0],
        headers: req.headers,
      }),
    },
  };
  return {
    pinoHttp: stream ? [options, stream] : options,
    // nestjs-pino's default route pattern does not reach Fastify's middleware here; name the wildcard.
    forRoutes: [{ path: '*splat', method: RequestMethod.ALL }],
  };
}
