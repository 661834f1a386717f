import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyBodyParser, FastifyInstance } from 'fastify';

/** Media types of the request bodies huashu parses. */
export const MEDIA_TYPES = {
  json: 'application/json',
  /** Twilio's voice webhooks. */
  form: 'application/x-www-form-urlencoded',
  /** JSON Lines (script import) has no registered media type: the names clients send it under. */
  jsonLines: ['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'text/plain'],
} as const;

/**
 * Fastify's JSON parser (secure-json-parse: `__proto__` and `constructor.prototype` keys are
 * errors; nesting is limited by `installJsonDepthLimit`), except that an empty body is no body
 * (`undefined`) instead of 400: many clients send `Content-Type: application/json` on every
 * request, and a route without a body, or the guard in front of it, should answer as it would
 * without the header. A route that needs a body then fails its own validation. Only zero bytes
 * count as empty; whitespace is still malformed JSON.
 */
export function emptyAsUndefinedJsonParser(fastify: FastifyInstance): FastifyBodyParser<Buffer> {
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  return (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    void parse(request, body.toString('utf8'), done);
  };
}

/**
 * Body parsing of every huashu HTTP app: JSON (empty = no body), JSON Lines as text, and the form
 * parser Nest registers.
 */
export function installBodyParsing(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Registered through Nest, so that Nest does not add its own JSON parser at init.
  app.useBodyParser(
    MEDIA_TYPES.json,
    { bodyLimit: fastify.initialConfig.bodyLimit },
    emptyAsUndefinedJsonParser(fastify),
  );
  // application/x-www-form-urlencoded (Twilio webhooks) is parsed by Nest's Fastify adapter.
  fastify.addContentTypeParser([...MEDIA_TYPES.jsonLines], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
}
