import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyBodyParser, FastifyInstance, preParsingHookHandler } from 'fastify';
import { HuashuException } from '@huashu/common';

/** Media types of the request bodies huashu parses. */
export const MEDIA_TYPES = {
  json: 'application/json',
  /** Twilio's voice webhooks. */
  form: 'application/x-www-form-urlencoded',
  /** JSON Lines (script import) has no registered media type: the names clients send it under. */
  jsonLines: ['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'text/plain'],
} as const;

/**
 * A route's body options, given with `@RouteConfig({ … })` (Nest hands RouteConfig to Fastify as
 * the route's `config`).
 */
export interface BodyRouteConfig {
  /** Its body limit in bytes, instead of the server's BODY_LIMIT_BYTES (higher or lower). */
  bodyLimit?: number;
  /** The media types it takes a body in; JSON only without it. */
  bodyTypes?: readonly string[];
}

const JSON_ONLY: readonly string[] = [MEDIA_TYPES.json];

/** Methods whose body Fastify never reads (`bodyless` in fastify.js). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'TRACE']);

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
 * Applies each route's `BodyRouteConfig` when the route is registered, so nothing is looked up per
 * request. Must be installed before the app registers its routes (before init/listen).
 *
 * - `bodyLimit`: Fastify honours a route-level limit over the server's
 *   (https://fastify.dev/docs/latest/Reference/Routes/#routes-options).
 * - `bodyTypes`: every route that may carry a body answers 415 UNSUPPORTED_MEDIA_TYPE to a
 *   Content-Type it does not declare, from the header alone: before the body is read or parsed,
 *   before guards (so before authentication, like 413 and malformed JSON). Registered parsers such
 *   as the form one are global in Fastify, so without this any route would take any of them. A
 *   request without a Content-Type is left to Fastify (no body: none parsed; a body: 415).
 */
export function installRouteBodyConfig(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const config: BodyRouteConfig | undefined = route.config;
    if (typeof config?.bodyLimit === 'number' && config.bodyLimit > 0) route.bodyLimit = config.bodyLimit;
    if ([route.method].flat().every((m) => BODYLESS_METHODS.has(m))) return;
    const accepted = new Set((config?.bodyTypes ?? JSON_ONLY).map((t) => t.toLowerCase()));
    for (const type of accepted) {
      if (!fastify.hasContentTypeParser(type)) {
        throw new Error(`${route.url}: body type ${type} has no content type parser`);
      }
    }
    const list = [...accepted].join(', ');
    const check: preParsingHookHandler = (request, _reply, payload, done) => {
      if (request.headers['content-type'] === undefined) {
        done(null, payload);
        return;
      }
      // Fastify's own parse of the header, cached on the request for choosing the parser.
      const type = request.mediaType;
      if (type !== undefined && accepted.has(type)) {
        done(null, payload);
        return;
      }
      done(
        new HuashuException(
          'UNSUPPORTED_MEDIA_TYPE',
          `${type ?? 'an invalid Content-Type'} is not accepted here; send ${list}`,
          [{ field: 'content-type', accepted: [...accepted] }],
        ),
      );
    };
    route.preParsing = route.preParsing === undefined ? [check] : [...[route.preParsing].flat(), check];
  });
}

/**
 * Body parsing of every huashu HTTP app: JSON (empty = no body), JSON Lines as text, the form
 * parser Nest registers, and the per-route body limits and media types.
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
  installRouteBodyConfig(fastify);
}
