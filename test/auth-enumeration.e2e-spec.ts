// Every HTTP route of the running gateway, enumerated from Fastify's own route table (so a route added
// later cannot skip this), must be either on the short public allow-list or reject requests without
// valid credentials. Admin routes additionally answer 403 to a key whose role is too weak (the role is
// read from the route's AdminRoles metadata) and let the right role through the guard.
import request from 'supertest';
import WebSocket from 'ws';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import type { AdminRole } from '@huashu/config';
import type { BodyRouteConfig } from '@huashu/ops';
import { REQUIRED_ROLE } from '../apps/gateway/src/auth/auth.constants.js';
import { ADMIN_KEY, EDITOR_KEY, VIEWER_KEY } from './support/boot.js';
import { fastifyRoutes, nestRoutes, webSocketPaths, type HttpRoute, type NestRoute } from './support/route-table.js';
import { gatewayForSuite } from './support/suite.js';

const CHAT_KEY = 'test-chat-key-0123456789';
const SECRETS = {
  CHAT_API_KEYS: CHAT_KEY,
  AUDIOCODES_BOT_TOKEN: 'audiocodes-test-token-0123456789',
  TWILIO_AUTH_TOKEN: 'twilio-test-token-0123456789',
  PUBLIC_BASE_URL: 'https://bot.example.test',
  GENESYS_SECRET_HEADER: 'X-Huashu-Secret',
  GENESYS_SECRET: 'genesys-test-secret-0123456789',
} as const;

/** Routes anyone may call: probes, Prometheus scrape, the OpenAPI UI and document. */
const isPublic = (path: string): boolean =>
  path === '/health/live' ||
  path === '/health/ready' ||
  path === '/metrics' ||
  path === '/docs' ||
  path.startsWith('/docs/') ||
  path === '/docs-json' ||
  path === '/docs-yaml';

type Kind = 'admin' | 'telephony' | 'chat' | 'other';
const kindOf = (path: string): Kind =>
  path.startsWith('/v1/admin/')
    ? 'admin'
    : path.startsWith('/v1/telephony/')
      ? 'telephony'
      : path === '/v1/conversations' || path.startsWith('/v1/conversations/')
        ? 'chat'
        : 'other';

/** Status each telephony adapter uses for a refused caller (README "Telephony" table). */
const TELEPHONY_STATUS: [prefix: string, status: number][] = [
  ['/v1/telephony/audiocodes', 401],
  ['/v1/telephony/twilio', 403],
  ['/v1/telephony/genesys', 403],
  ['/v1/telephony/events', 401],
];

const rank = (r: AdminRole): number => ({ viewer: 1, editor: 2, admin: 3 })[r];
const KEY_OF: Record<AdminRole, string> = { viewer: VIEWER_KEY, editor: EDITOR_KEY, admin: ADMIN_KEY };

type Headers = Record<string, string>;

describe('auth over every enumerated route', () => {
  const gw = gatewayForSuite('authenum', { ...SECRETS, GENERATOR_MODE: 'inprocess' });
  let routes: HttpRoute[];
  let nest: NestRoute[];
  /** Each Nest route with its `@RouteConfig` (FASTIFY_ROUTE_CONFIG_METADATA) as `meta`. */
  let configs: NestRoute[];

  beforeAll(() => {
    const app = gw.app as NestFastifyApplication;
    routes = fastifyRoutes(app.getHttpAdapter().getInstance());
    nest = nestRoutes(app, REQUIRED_ROLE);
    configs = nestRoutes(app, FASTIFY_ROUTE_CONFIG_METADATA);
  });

  /** The media types a route takes a body in (README "Errors"): JSON unless its RouteConfig names others. */
  const bodyTypesOf = (route: HttpRoute): readonly string[] =>
    (configs.find((n) => n.method === route.method && n.path === route.path)?.meta as BodyRouteConfig | undefined)
      ?.bodyTypes ?? ['application/json'];

  /**
   * One request to a route with placeholder path parameters and an empty body in a media type the
   * route takes (`{}` as JSON, else nothing), since any other would be 415 before the guards.
   */
  const call = (route: HttpRoute, headers: Headers): Promise<request.Response> => {
    const path = route.path.replace(/:[A-Za-z0-9_]+/g, 'probe1').replace(/\*/g, 'probe1');
    let req: request.Test;
    switch (route.method) {
      case 'GET':
        req = request(gw.url).get(path);
        break;
      case 'HEAD':
        req = request(gw.url).head(path);
        break;
      case 'POST':
        req = request(gw.url).post(path);
        break;
      case 'PUT':
        req = request(gw.url).put(path);
        break;
      case 'PATCH':
        req = request(gw.url).patch(path);
        break;
      case 'DELETE':
        req = request(gw.url).delete(path);
        break;
      case 'OPTIONS':
        req = request(gw.url).options(path);
        break;
      default:
        throw new Error(`no probe for method ${route.method} (${route.path}): extend the test`);
    }
    req = req.set(headers);
    if (!['POST', 'PUT', 'PATCH'].includes(route.method)) return req;
    const types = bodyTypesOf(route);
    return types.includes('application/json') ? req.send({}) : req.set('content-type', types[0]).send('');
  };

  /** A refusal: the expected status and (except HEAD) the binding error body. */
  const refusal = (route: HttpRoute, res: request.Response, statuses: number[]): string | undefined => {
    if (!statuses.includes(res.status))
      return `${route.method} ${route.path}: ${res.status}, wanted ${statuses.join('|')}`;
    if (route.method === 'HEAD') return undefined;
    const body = res.body as { error?: Record<string, unknown> };
    const ok =
      typeof body.error?.code === 'string' &&
      typeof body.error.message === 'string' &&
      Array.isArray(body.error.details) &&
      typeof body.error.requestId === 'string';
    return ok ? undefined : `${route.method} ${route.path}: ${res.status} without the binding error body`;
  };

  const guarded = (): HttpRoute[] => routes.filter((r) => !isPublic(r.path));

  it('enumerates the real, non-trivial route table', () => {
    const keys = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const known of [
      'GET /health/live',
      'GET /metrics',
      'GET /v1/admin/whoami',
      'PUT /v1/admin/scripts/:id',
      'POST /v1/admin/scripts/publish',
      'PUT /v1/admin/campaigns/:id',
      'POST /v1/admin/compliance/check',
      'GET /v1/admin/conversations/:id/audit',
      'POST /v1/conversations/:id/turns',
      'POST /v1/telephony/events',
      'POST /v1/telephony/twilio/voice',
      'POST /v1/telephony/audiocodes/conversations/:id/activities',
      'POST /v1/telephony/genesys/messages',
    ]) {
      expect(keys).toContain(known);
    }
    expect(guarded().length).toBeGreaterThanOrEqual(40);
    // Every admin route of Fastify's table is a Nest handler whose required role we can read.
    for (const r of routes.filter((x) => kindOf(x.path) === 'admin' && x.method !== 'HEAD')) {
      expect(nest.find((n) => n.method === r.method && n.path === r.path)).toBeDefined();
    }
  });

  it('every non-public route rejects a request without credentials', async () => {
    const failures: string[] = [];
    for (const route of guarded()) {
      const tele = TELEPHONY_STATUS.find(([p]) => route.path.startsWith(p));
      const want = tele ? [tele[1]] : kindOf(route.path) === 'other' ? [401, 403] : [401];
      const f = refusal(route, await call(route, {}), want);
      if (f) failures.push(f);
    }
    expect(failures).toEqual([]);
  });

  it('every non-public route rejects wrong and borrowed credentials', async () => {
    const bearer = (k: string): Headers => ({ authorization: `Bearer ${k}` });
    const failures: string[] = [];
    for (const route of guarded()) {
      const kind = kindOf(route.path);
      const tele = TELEPHONY_STATUS.find(([p]) => route.path.startsWith(p));
      const want = tele ? [tele[1]] : kind === 'other' ? [401, 403] : [401];
      const isAudioCodes = route.path.startsWith('/v1/telephony/audiocodes');
      const isGenesys = route.path.startsWith('/v1/telephony/genesys');
      const takesChatKey = kind === 'chat' || route.path.startsWith('/v1/telephony/events');
      const attempts: Headers[] = [
        bearer('not-a-key-0123456789'),
        { authorization: `Basic ${Buffer.from(`x:${ADMIN_KEY}`).toString('base64')}` },
        bearer(SECRETS.GENESYS_SECRET),
        { [SECRETS.GENESYS_SECRET_HEADER]: 'not-the-secret' },
        { 'x-twilio-signature': 'bm90LWEtc2lnbmF0dXJl' },
      ];
      // A credential that is right for its own class must not open another class.
      if (kind !== 'admin') attempts.push(bearer(ADMIN_KEY));
      if (!takesChatKey) attempts.push(bearer(CHAT_KEY));
      if (!isAudioCodes) attempts.push(bearer(SECRETS.AUDIOCODES_BOT_TOKEN));
      if (!isGenesys) attempts.push({ [SECRETS.GENESYS_SECRET_HEADER]: SECRETS.GENESYS_SECRET });
      for (const headers of attempts) {
        const f = refusal(route, await call(route, headers), want);
        if (f) failures.push(`${f} [${Object.keys(headers)[0]}: ${Object.values(headers)[0]}]`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('admin routes: 403 for a too-weak role, and the required role passes the guard', async () => {
    const failures: string[] = [];
    const admin = guarded().filter((r) => kindOf(r.path) === 'admin');
    for (const route of admin) {
      const target = route.method === 'HEAD' ? 'GET' : route.method;
      const meta = nest.find((n) => n.method === target && n.path === route.path);
      // The guard's own default when a route carries the guard without a role.
      const required = (meta?.meta as AdminRole | undefined) ?? 'admin';
      for (const role of ['viewer', 'editor'] as const) {
        if (rank(role) >= rank(required)) continue;
        const f = refusal(route, await call(route, { authorization: `Bearer ${KEY_OF[role]}` }), [403]);
        if (f) failures.push(`${f} [${role} on a ${required} route]`);
      }
      const res = await call(route, { authorization: `Bearer ${KEY_OF[required]}` });
      if (res.status === 401 || res.status === 403 || res.status >= 500) {
        failures.push(`${route.method} ${route.path}: ${res.status} for the required role ${required}`);
      }
    }
    expect(admin.length).toBeGreaterThanOrEqual(20);
    expect(failures).toEqual([]);
  });

  it('every WebSocket upgrade path refuses missing and wrong credentials before a socket exists', async () => {
    const paths = webSocketPaths(gw.app);
    expect(paths).toEqual(expect.arrayContaining(['/v1/telephony/audiocodes/ws', '/v1/telephony/twilio/relay']));
    /** The HTTP status of the upgrade answer, or 101 when a socket was opened. */
    const upgrade = (path: string, headers: Headers): Promise<number> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${gw.url.replace('http', 'ws')}${path}?campaign=default`, { headers });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => {
          resolve(101);
          ws.close();
        });
        ws.on('error', (err) => reject(err));
      });
    const failures: string[] = [];
    for (const path of paths) {
      for (const headers of [
        {},
        { authorization: 'Bearer not-a-key-0123456789' },
        { authorization: `Bearer ${ADMIN_KEY}` },
        { authorization: `Bearer ${CHAT_KEY}` },
        { 'x-twilio-signature': 'bm90LWEtc2lnbmF0dXJl' },
      ] as Headers[]) {
        const status = await upgrade(path, headers);
        if (status !== 401 && status !== 403) failures.push(`WS ${path}: ${status} [${JSON.stringify(headers)}]`);
      }
    }
    expect(failures).toEqual([]);
  });
});
