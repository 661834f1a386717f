// Validates real responses against the gateway's /docs-json (ajv), for the OpenAPI specs.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Redis } from 'ioredis';
import request, { type Response } from 'supertest';
import { bootGateway, type Booted } from './boot.js';
import { PrivateRedis } from './redis-server.js';

// ajv-formats is CommonJS: under ESM its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export type Method = 'get' | 'post' | 'put' | 'delete';
const METHODS: readonly Method[] = ['get', 'post', 'put', 'delete'];
type JsonSchema = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}
/** `text/xml; charset=utf-8` → `text/xml`. */
const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0].trim().toLowerCase();
interface OpenApiDoc {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, JsonSchema> };
}

/**
 * The document's schemas as one JSON Schema for ajv: `#/components/schemas/X` refs point into it, and
 * every object schema that lists its properties and says nothing of others gets
 * `additionalProperties: false`, so a response field the document does not name fails.
 */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/components/schemas/', 'openapi#/definitions/')
        : strict(value);
  }
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  // OpenAPI 3.0 keywords as JSON Schema has them: a boolean exclusiveMinimum/Maximum qualifies
  // minimum/maximum, and `nullable` (also beside $ref, allOf or oneOf, where ajv's own keyword
  // refuses it) admits null.
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag]) out[flag] = out[bound];
      else delete out[flag];
      if (out[flag] !== undefined) delete out[bound];
    }
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/** A `METHOD path status` of `DocumentedResponses.documented`, taken apart. */
export function routeOf(pair: string): { method: Method; path: string; status: string } {
  const [m, path, status] = pair.split(' ');
  return { method: m.toLowerCase() as Method, path, status };
}

/** Validates real responses against the document and remembers which routes and statuses it saw. */
export class DocumentedResponses {
  readonly seen = new Set<string>();
  private readonly ajv = new Ajv({ allErrors: true, strictTypes: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDoc) {
    addFormats(this.ajv);
    // OpenAPI annotations that are not JSON Schema keywords; any other unknown keyword is an error.
    this.ajv.addVocabulary(['example']);
    this.ajv.addSchema({ definitions: strict(doc.components.schemas) }, 'openapi');
  }

  /** Every `METHOD path status` the document names for the paths `which` selects. */
  documented(which: (path: string) => boolean): string[] {
    const out: string[] = [];
    for (const [path, item] of Object.entries(this.doc.paths)) {
      if (!which(path)) continue;
      for (const method of METHODS) {
        for (const status of Object.keys(item[method]?.responses ?? {})) {
          out.push(`${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    return out.sort();
  }

  /** The media types documented for `status` of `method path` (none for a status without a body). */
  mediaTypes(method: Method, path: string, status: number): string[] {
    return Object.keys(this.doc.paths[path]?.[method]?.responses[String(status)]?.content ?? {});
  }

  /** The schema documented for `status` of `method path`, compiled; fails when there is none. */
  validator(method: Method, path: string, status: number): ValidateFunction {
    const key = `${method.toUpperCase()} ${path} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const responses = this.doc.paths[path]?.[method]?.responses ?? {};
      expect(Object.keys(responses)).toContain(String(status));
      const schema = responses[String(status)].content?.['application/json']?.schema;
      if (!schema) throw new Error(`${key}: no response schema documented`);
      validate = this.ajv.compile(strict(schema) as JsonSchema);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /**
   * Fails when the document names a `METHOD path status` of the paths `which` selects that no check
   * saw, except the `exempt` pairs (which the document must still name: a stale exemption fails).
   */
  expectEverySeen(which: (path: string) => boolean, exempt: readonly string[] = []): void {
    const documented = this.documented(which);
    expect(documented).toEqual(expect.arrayContaining([...exempt]));
    expect(documented.filter((pair) => !this.seen.has(pair) && !exempt.includes(pair))).toEqual([]);
  }

  /**
   * `res` must have the status expected and a body the document allows for it; a status documented
   * without content (204) must come without a body, one documented with other media types than JSON
   * (TwiML, Prometheus text) with one of them and a body that is not empty.
   */
  check(method: Method, path: string, res: Response, status: number): void {
    expect(res.status).toBe(status);
    const key = `${method.toUpperCase()} ${path} ${status}`;
    const documented = this.doc.paths[path]?.[method]?.responses[String(status)];
    if (documented && !documented.content) {
      expect(res.text ?? '').toBe('');
      this.seen.add(key);
      return;
    }
    const content = documented?.content ?? {};
    if (documented && !content['application/json']) {
      expect(Object.keys(content).map(mediaType)).toContain(mediaType(res.headers['content-type']));
      expect(res.text.length).toBeGreaterThan(0);
      this.seen.add(key);
      return;
    }
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    // What the client receives: the text on the wire (a turn thread's JSON is sent as it is).
    const body: unknown = JSON.parse(res.text);
    const validate = this.validator(method, path, status);
    if (!validate(body)) {
      throw new Error(
        `${key} does not match the document:\n` +
          (validate.errors ?? [])
            .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}\n`)
            .join('') +
          res.text,
      );
    }
    this.seen.add(key);
  }
}

/** A request of a spec: where it goes when not to the documented path, and what it carries. */
export interface DocumentedRequest {
  /** The URL when it is not the documented path (path parameters filled, a query). */
  url?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** The content-type, when not the one supertest picks for the body. */
  type?: string;
}

/**
 * Sends `method` to `req.url ?? path` on `baseUrl` and checks the response against the document's
 * `status` entry for `path`.
 */
export async function checkedRequest(
  baseUrl: string,
  docs: DocumentedResponses,
  method: Method,
  path: string,
  status: number,
  req: DocumentedRequest = {},
): Promise<Response> {
  let pending = request(baseUrl)
    [method](req.url ?? path)
    .set(req.headers ?? {});
  if (req.type) pending = pending.set('content-type', req.type);
  const res = req.body === undefined ? await pending : await pending.send(req.body as object);
  docs.check(method, path, res, status);
  return res;
}

/** The gateway's /docs-json, ready to check responses against. */
export async function loadDocument(gw: Booted): Promise<DocumentedResponses> {
  const res = await request(gw.url).get('/docs-json').expect(200);
  return new DocumentedResponses(res.body as OpenApiDoc);
}

/** A request that gets as far as storage on one route: credentials, query and body that pass the checks before it. */
export interface StorageRequest extends DocumentedRequest {
  /** What storage failures answer here: both unless the route only reports them (readiness: 503). */
  statuses?: readonly (500 | 503)[];
}

/**
 * The documented 500 and 503 of every route `which` selects, provoked for real on a gateway of its own
 * on a private redis-server: 500 INTERNAL with the requestId while Redis refuses every key (an ACL
 * user without keys answers NOPERM, an error the code does not expect), then 503 SERVICE_UNAVAILABLE
 * once Redis is stopped. `requests` gives, per `METHOD path`, a request that reaches Redis; the
 * document must name 500 and 503 for exactly those routes (a route that reads Redis without them, or
 * one documented without a request here, fails). `env` is the gateway's extra environment.
 */
export async function checkStorageFailures(
  docs: DocumentedResponses,
  which: (path: string) => boolean,
  requests: Readonly<Record<string, StorageRequest>>,
  env: Record<string, string> = {},
): Promise<void> {
  const pairs = (status: string) => docs.documented(which).filter((pair) => pair.endsWith(` ${status}`));
  const expected = Object.entries(requests).flatMap(([route, spec]) =>
    (spec.statuses ?? [500, 503]).map((status) => `${route} ${status}`),
  );
  expect([...pairs('500'), ...pairs('503')].sort()).toEqual(expected.sort());
  const redis = await PrivateRedis.start();
  const gw = await bootGateway('openapi-storage', { ...env, REDIS_URL: redis.url, REDIS_CONNECT_TIMEOUT_MS: '500' });
  const send = async (pair: string): Promise<void> => {
    const { method, path, status } = routeOf(pair);
    const res = await checkedRequest(
      gw.url,
      docs,
      method,
      path,
      Number(status),
      requests[`${method.toUpperCase()} ${path}`],
    );
    const { error } = JSON.parse(res.text) as { error: { code: string; requestId: string } };
    expect(error.code).toBe(status === '500' ? 'INTERNAL' : 'SERVICE_UNAVAILABLE');
    expect(error.requestId).toBe(res.headers['x-request-id']);
  };
  const admin = new Redis(redis.url);
  try {
    await admin.call('ACL', 'SETUSER', 'default', 'resetkeys');
    for (const pair of pairs('500')) await send(pair);
    await admin.call('ACL', 'SETUSER', 'default', 'allkeys');
    admin.disconnect();
    await redis.stop();
    for (const pair of pairs('503')) await send(pair);
  } finally {
    admin.disconnect();
    await gw.close().catch(() => undefined);
    await redis.stop();
  }
}
