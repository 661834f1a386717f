// Scenario: an operator generates an admin SDK, and a FreeSWITCH integrator a client of the generic
// telephony events, from /docs-json. Real responses of every admin route and of POST
// /v1/telephony/events (success and each error status the document names) must match the schema the
// document gives for that route and status, undocumented fields refused (additionalProperties: false
// applied), and every route/status pair the document names for them must be seen here or be one of
// the few listed below with the reason it cannot be provoked on demand. 500 and 503 are provoked with
// a Redis that refuses every key, then is stopped (checkStorageFailures).
// Real gateway, Redis, models and index; no LLM (retrieval generator).
import type { Response } from 'supertest';
import { ADMIN_KEY, EDITOR_KEY, VIEWER_KEY } from './support/boot.js';
import {
  checkedRequest,
  checkStorageFailures,
  loadDocument,
  type DocumentedRequest,
  type DocumentedResponses,
  routeOf,
  type Method,
  type StorageRequest,
} from './support/openapi.js';
import { gatewayForSuite } from './support/suite.js';

const CHAT_KEY = 'openapi-admin-chat-key-0123456789';
/** A campaign of this spec's own, created by its first import. */
const C = 'openapi-admin';
const SCRIPT = '/v1/admin/scripts/{id}';
const EVENTS = '/v1/telephony/events';

/**
 * Documented pairs only a race answers (the compare-and-set lost on every retry, or a call's start
 * still running): they carry the same ErrorBodyDto, checked at every other status.
 */
const ONLY_UNDER_RACE = [`PUT ${SCRIPT} 409`, 'PUT /v1/admin/campaigns/{id} 409', `POST ${EVENTS} 409`];

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const admin = as(ADMIN_KEY);
/** The admin routes and the generic events: what this spec checks. */
const CHECKED = (path: string): boolean => path.startsWith('/v1/admin/') || path === EVENTS;

/**
 * Per route, a request that gets as far as Redis (for its 500 and 503). A campaign nobody has used
 * yet where the route would otherwise answer from memory (a published index).
 */
const COLD = 'campaign=openapi-admin-cold';
const A = { headers: admin };
const STORAGE_REQUESTS: Record<string, StorageRequest> = {
  'POST /v1/admin/intents/classify': {
    ...A,
    url: '/v1/admin/intents/classify?campaign=default',
    body: { text: '多少钱' },
  },
  'GET /v1/admin/intents/examples/report': A,
  'GET /v1/admin/campaigns/{id}': { ...A, url: '/v1/admin/campaigns/default' },
  'PUT /v1/admin/campaigns/{id}': { ...A, url: '/v1/admin/campaigns/default', body: { matchThreshold: 0.6 } },
  'GET /v1/admin/scripts': A,
  'POST /v1/admin/scripts': { ...A, body: { id: 'storage', text: '您好。' } },
  'GET /v1/admin/scripts/export': A,
  'POST /v1/admin/scripts/import': { ...A, body: [{ id: 'storage', text: '您好。' }] },
  'POST /v1/admin/scripts/publish': A,
  'POST /v1/admin/scripts/rollback': { ...A, body: { version: 1 } },
  'GET /v1/admin/scripts/versions': A,
  'GET /v1/admin/scripts/audit': A,
  'POST /v1/admin/scripts/match': { ...A, body: { text: '多少钱', version: 'draft' } },
  'POST /v1/admin/scripts/threshold-sweep': {
    ...A,
    url: `/v1/admin/scripts/threshold-sweep?${COLD}`,
    body: { pairs: [{ text: '多少钱', expected: null }] },
  },
  [`GET ${SCRIPT}`]: { ...A, url: '/v1/admin/scripts/zh-opening' },
  [`PUT ${SCRIPT}`]: { ...A, url: '/v1/admin/scripts/zh-opening', body: { text: '您好。' } },
  [`DELETE ${SCRIPT}`]: { ...A, url: '/v1/admin/scripts/zh-opening' },
  'GET /v1/admin/compliance/lexicons': A,
  'PUT /v1/admin/compliance/lexicons': { ...A, body: { categories: {} } },
  'DELETE /v1/admin/compliance/lexicons': A,
  'GET /v1/admin/compliance/policy': A,
  'PUT /v1/admin/compliance/policy': { ...A, body: {} },
  'DELETE /v1/admin/compliance/policy': A,
  'GET /v1/admin/compliance/audit': A,
  'GET /v1/admin/conversations/{id}/audit': { ...A, url: '/v1/admin/conversations/c_doesnotexist000/audit' },
  [`POST ${EVENTS}`]: { headers: as(CHAT_KEY), body: { callId: 'openapi-storage', event: { type: 'start' } } },
};

describe('the admin API and the generic telephony events answer as /docs-json documents them', () => {
  const gw = gatewayForSuite('openapi-admin', { CHAT_API_KEYS: CHAT_KEY });
  let docs: DocumentedResponses;
  beforeAll(async () => {
    docs = await loadDocument(gw);
  });

  /** Sends a request and checks the response against the document's `status` entry for `path`. */
  /** Sends a request (an admin's unless `headers` say otherwise) and checks it against the document. */
  const call = (
    method: Method,
    path: string,
    status: number,
    opts: DocumentedRequest & { query?: string } = {},
  ): Promise<Response> =>
    checkedRequest(gw.url, docs, method, path, status, {
      ...opts,
      url: (opts.url ?? path) + (opts.query ? `?${opts.query}` : ''),
      headers: opts.headers ?? admin,
    });
  const big = (): { text: string } => ({ text: 'x'.repeat(gw.config.http.bodyLimitBytes) });

  it('refuses an undocumented field and documents every admin route’s success with a schema', () => {
    const validate = docs.validator('get', '/v1/admin/generator/capacity', 200);
    expect(validate({ input: {}, extra: 1 })).toBe(false);
    for (const pair of docs.documented(CHECKED)) {
      const { method, path, status } = routeOf(pair);
      if (status.startsWith('2') && status !== '204')
        expect(() => docs.validator(method, path, Number(status))).not.toThrow();
    }
  });

  it('scripts: create, get, stale PUT, delete, import, list, export, audit', async () => {
    const path = '/v1/admin/scripts';
    const q = `campaign=${C}`;
    await call('post', '/v1/admin/scripts/import', 200, {
      query: q,
      body: [
        { id: 'price', text: '每月199元。', intent: 'ask_price' },
        { id: 'sorry', text: '不好意思，我没听清。' },
      ],
    });
    await call('post', '/v1/admin/scripts/import', 400, { query: q, body: [{ id: 'bad row' }] });
    await call('post', '/v1/admin/scripts/import', 400, { query: `${q}&mode=merge`, body: [] });
    const rows = Array.from({ length: 20_001 }, () => ({}));
    await call('post', '/v1/admin/scripts/import', 413, { query: q, body: rows });
    await call('post', '/v1/admin/scripts/import', 415, { query: q, type: 'application/xml', body: '<a/>' });

    const created = await call('post', path, 201, {
      query: q,
      headers: as(EDITOR_KEY),
      body: { id: 'hello', text: '您好！', intent: 'greeting', tags: ['opening'] },
    });
    expect(created.headers.etag).toEqual(expect.any(String));
    await call('post', path, 409, { query: q, body: { id: 'hello', text: '您好！' } });
    await call('post', path, 400, { query: q, body: { id: 'no-text' } });
    await call('post', path, 413, { query: q, body: { id: 'big', ...big() } });
    await call('post', path, 415, { query: q, type: 'text/plain', body: 'hello' });

    const got = await call('get', SCRIPT, 200, { url: `${path}/hello`, query: q });
    await call('get', SCRIPT, 404, { url: `${path}/nope`, query: q });
    await call('get', SCRIPT, 400, { url: `${path}/.hidden`, query: q });
    const etag = String(got.headers.etag);
    await call('put', SCRIPT, 200, {
      url: `${path}/hello`,
      query: q,
      headers: { ...admin, 'if-match': etag },
      body: { text: '您好，我是小李。', intent: 'greeting' },
    });
    // The ETag read before the change is stale now.
    await call('put', SCRIPT, 412, {
      url: `${path}/hello`,
      query: q,
      headers: { ...admin, 'if-match': etag },
      body: { text: '您好。' },
    });
    await call('put', SCRIPT, 404, { url: `${path}/nope`, query: q, body: { text: '您好。' } });
    await call('put', SCRIPT, 400, { url: `${path}/hello`, query: q, body: { text: 5 } });
    await call('put', SCRIPT, 413, { url: `${path}/hello`, query: q, body: big() });
    await call('put', SCRIPT, 415, { url: `${path}/hello`, query: q, type: 'text/plain', body: 'hi' });

    await call('post', path, 201, { query: q, body: { id: 'gone', text: '再见。' } });
    await call('delete', SCRIPT, 412, { url: `${path}/gone`, query: q, headers: { ...admin, 'if-match': etag } });
    await call('delete', SCRIPT, 204, { url: `${path}/gone`, query: q });
    await call('delete', SCRIPT, 404, { url: `${path}/gone`, query: q });
    await call('delete', SCRIPT, 400, { url: `${path}/.hidden`, query: q });

    await call('get', path, 200, { query: q });
    await call('get', path, 404, { query: `${q}&version=99` });
    await call('get', path, 400, { query: `${q}&version=latest` });
    await call('get', '/v1/admin/scripts/export', 200, { query: q });
    await call('get', '/v1/admin/scripts/export', 404, { query: `${q}&version=99` });
    await call('get', '/v1/admin/scripts/export', 400, { query: `${q}&format=xml` });
    const audit = await call('get', '/v1/admin/scripts/audit', 200, { query: q });
    expect((audit.body as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
    await call('get', '/v1/admin/scripts/audit', 400, { query: 'campaign=no%20spaces' });
    await call('get', '/v1/admin/scripts/audit', 404, { query: 'campaign=openapi-admin-none' });
  });

  it('publish, versions, rollback (422 once the catch-all moved on), match, threshold sweep', async () => {
    const q = `campaign=${C}`;
    // Match and sweep before anything is published: no library.
    await call('post', '/v1/admin/scripts/match', 404, { query: q, body: { text: '多少钱' } });
    await call('post', '/v1/admin/scripts/threshold-sweep', 404, {
      query: q,
      body: { pairs: [{ text: '多少钱', expected: 'price' }] },
    });
    await call('post', '/v1/admin/scripts/publish', 422, { query: 'campaign=openapi-admin-empty' });
    await call('post', '/v1/admin/scripts/publish', 400, { query: 'campaign=no%20spaces' });
    // v1's catch-all is the campaign's default fallback, a plain script (as in chat-api-rejects-bad-input).
    await call('put', '/v1/admin/campaigns/{id}', 200, {
      url: `/v1/admin/campaigns/${C}`,
      body: { defaultFallbackScriptId: 'sorry' },
    });
    const v1 = await call('post', '/v1/admin/scripts/publish', 201, { query: q });
    expect(v1.body).toMatchObject({ version: 1, previous: 0 });
    await call('post', '/v1/admin/scripts', 201, {
      query: q,
      body: { id: 'fb-any', text: '您能再说一遍吗？', fallback: true },
    });
    // While the campaign's default fallback names it, the script cannot be deleted, nor dropped by a replace import.
    await call('delete', SCRIPT, 409, { url: '/v1/admin/scripts/sorry', query: q });
    await call('post', '/v1/admin/scripts/import', 409, {
      query: `${q}&mode=replace`,
      body: [{ id: 'fb-any', text: '您能再说一遍吗？', fallback: true }],
    });
    await call('put', '/v1/admin/campaigns/{id}', 200, {
      url: `/v1/admin/campaigns/${C}`,
      body: { defaultFallbackScriptId: 'fb-any' },
    });
    await call('delete', SCRIPT, 204, { url: '/v1/admin/scripts/sorry', query: q });
    await call('post', '/v1/admin/scripts/publish', 201, { query: q });
    await call('get', '/v1/admin/scripts/versions', 200, { query: q });
    await call('get', '/v1/admin/scripts/versions', 400, { query: 'campaign=no%20spaces' });
    await call('get', '/v1/admin/scripts/versions', 404, { query: 'campaign=openapi-admin-none' });

    const rollback = '/v1/admin/scripts/rollback';
    await call('post', rollback, 422, { query: q, body: { version: 1 } });
    await call('post', rollback, 404, { query: q, body: { version: 7 } });
    await call('post', rollback, 400, { query: q, body: { version: 'one' } });
    await call('post', rollback, 413, { query: q, body: big() });
    await call('post', rollback, 415, { query: q, type: 'text/plain', body: '2' });
    await call('post', rollback, 200, { query: q, body: { version: 2 } });

    const match = '/v1/admin/scripts/match';
    const matched = await call('post', match, 200, { query: q, body: { text: '每月多少钱', k: 2 } });
    expect(matched.body).toMatchObject({ version: 2 });
    await call('post', match, 200, { query: q, body: { text: '每月多少钱', version: 'draft' } });
    await call('post', match, 400, { query: q, body: { text: '' } });
    await call('post', match, 413, { query: q, body: big() });
    await call('post', match, 415, { query: q, type: 'text/plain', body: 'hi' });

    const sweep = '/v1/admin/scripts/threshold-sweep';
    await call('post', sweep, 200, {
      query: q,
      body: {
        pairs: [
          { text: '每月199元。', expected: 'price' },
          { text: '今天天气怎么样', expected: null },
        ],
      },
    });
    await call('post', sweep, 400, { query: q, body: { pairs: [] } });
    await call('post', sweep, 413, { query: q, body: { text: 'x'.repeat(2 * 1024 * 1024) } });
    await call('post', sweep, 415, { query: q, type: 'text/plain', body: 'hi' });
  });

  it('campaigns: GET, PUT, an unknown intent → 400, a stale If-Match → 412', async () => {
    const path = '/v1/admin/campaigns/{id}';
    const url = `/v1/admin/campaigns/${C}`;
    const got = await call('get', path, 200, { url });
    await call('get', path, 404, { url: '/v1/admin/campaigns/openapi-admin-none' });
    await call('get', path, 400, { url: '/v1/admin/campaigns/no.dots' });
    const etag = String(got.headers.etag);
    await call('put', path, 200, { url, headers: { ...admin, 'if-match': etag }, body: { matchThreshold: 0.6 } });
    await call('put', path, 412, { url, headers: { ...admin, 'if-match': etag }, body: { matchThreshold: 0.5 } });
    // If-Match: * changes only a campaign that exists.
    await call('put', path, 412, {
      url: '/v1/admin/campaigns/openapi-admin-none',
      headers: { ...admin, 'if-match': '*' },
      body: { matchThreshold: 0.6 },
    });
    const unknown = await call('put', path, 400, {
      url,
      body: { routes: { buy_now: { route: 'script', action: 'continue' } } },
    });
    expect(unknown.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    await call('put', path, 413, { url, body: { name: 'x'.repeat(1024 * 1024) } });
    await call('put', path, 415, { url, type: 'text/plain', body: 'hi' });
  });

  it('intents: classify with and without a campaign; the examples report', async () => {
    const path = '/v1/admin/intents/classify';
    await call('post', path, 200, { body: { text: '多少钱' } });
    await call('post', path, 200, { query: 'campaign=default', body: { text: '多少钱' } });
    await call('post', path, 404, { query: 'campaign=openapi-admin-none', body: { text: '多少钱' } });
    await call('post', path, 400, { body: { text: '' } });
    await call('post', path, 413, { body: big() });
    await call('post', path, 415, { type: 'text/plain', body: 'hi' });
    const report = '/v1/admin/intents/examples/report';
    await call('get', report, 200, { query: `campaign=${C}`, headers: as(EDITOR_KEY) });
    await call('get', report, 404, { query: 'campaign=openapi-admin-none' });
    await call('get', report, 400, { query: 'campaign=no%20spaces' });
  });

  it('compliance: check, lexicon and policy read / replace / reset, audit', async () => {
    const check = '/v1/admin/compliance/check';
    const checked = await call('post', check, 200, { body: { text: '本产品保本保息', direction: 'output' } });
    expect((checked.body as { hits: unknown[] }).hits.length).toBeGreaterThan(0);
    await call('post', check, 400, { body: { text: 'hi', direction: 'sideways' } });
    await call('post', check, 413, { body: { ...big(), direction: 'input' } });
    await call('post', check, 415, { type: 'text/plain', body: 'hi' });
    const q = `campaign=${C}`;
    for (const doc of ['lexicons', 'policy']) {
      const path = `/v1/admin/compliance/${doc}`;
      const got = await call('get', path, 200, { query: q });
      await call('get', path, 400, { query: 'campaign=no%20spaces' });
      const { document } = got.body as { document: Record<string, unknown> };
      const put = await call('put', path, 200, {
        query: q,
        headers: { ...admin, 'if-match': String(got.headers.etag) },
        body: document,
      });
      await call('put', path, 412, {
        query: q,
        headers: { ...admin, 'if-match': String(got.headers.etag) },
        body: document,
      });
      await call('put', path, 400, { query: q, body: [] });
      await call('put', path, 413, { query: q, body: big() });
      await call('put', path, 415, { query: q, type: 'text/plain', body: 'hi' });
      await call('delete', path, 412, { query: q, headers: { ...admin, 'if-match': String(got.headers.etag) } });
      await call('delete', path, 400, { query: q, headers: { ...admin, 'if-match': 'not-an-etag' } });
      await call('delete', path, 200, { query: q, headers: { ...admin, 'if-match': String(put.headers.etag) } });
    }
    await call('get', '/v1/admin/compliance/audit', 200, { query: q });
    await call('get', '/v1/admin/compliance/audit', 400, { query: `${q}&limit=0` });
  });

  it('generator capacity, whoami and a conversation’s audit', async () => {
    const path = '/v1/admin/generator/capacity';
    const plan = await call('get', path, 200, {
      query: 'model=llama-6b&precision=int8&concurrentCalls=10&gpuMemoryGB=80',
    });
    expect(plan.body).toMatchObject({ input: { model: 'llama-6b' }, fits: true });
    await call('get', path, 200, {
      query: 'paramsB=7&layers=32&hiddenSize=4096&attentionHeads=32&intermediateSize=11008&contextLength=4096',
    });
    await call('get', path, 400, { query: 'layers=0' });
    await call('get', path, 400, { query: 'paramsB=7' });
    await call('get', '/v1/admin/whoami', 200, { headers: as(VIEWER_KEY) });
    const audit = '/v1/admin/conversations/{id}/audit';
    await call('get', audit, 400, { url: '/v1/admin/conversations/not-an-id/audit' });
    await call('get', audit, 404, { url: '/v1/admin/conversations/c_doesnotexist000/audit' });
  });

  it('generic telephony events: start, a turn, a partial, a hangup; the errors', async () => {
    const chat = as(CHAT_KEY);
    const callId = 'openapi-fs-1';
    const started = await call('post', EVENTS, 200, {
      headers: chat,
      body: { callId, eventId: 'e1', event: { type: 'start', campaignId: 'default', phone: '+8613800138301' } },
    });
    const { conversationId } = started.body as { conversationId: string };
    await call('post', EVENTS, 200, {
      headers: chat,
      body: { callId, eventId: 'e2', event: { type: 'user_text', text: '你好', final: true, confidence: 0.9 } },
    });
    const partial = await call('post', EVENTS, 200, {
      headers: chat,
      body: { callId, event: { type: 'user_text', text: '我想', final: false } },
    });
    expect(partial.body).toMatchObject({ action: 'none', reply: null });
    const bought = await call('post', EVENTS, 200, {
      headers: chat,
      body: { callId, eventId: 'e3', event: { type: 'user_text', text: '好的，我要办理' } },
    });
    expect(bought.body).toMatchObject({ action: 'transfer', transfer: { reason: 'ready_to_buy' } });
    await call('post', EVENTS, 200, { headers: chat, body: { callId, event: { type: 'hangup', cause: 'normal' } } });
    await call('get', '/v1/admin/conversations/{id}/audit', 200, {
      url: `/v1/admin/conversations/${conversationId}/audit`,
    });

    await call('post', EVENTS, 404, {
      headers: chat,
      body: { callId: 'openapi-fs-never', event: { type: 'dtmf', digits: '1' } },
    });
    await call('post', EVENTS, 404, {
      headers: chat,
      body: { callId: 'openapi-fs-2', event: { type: 'start', campaignId: 'openapi-admin-none' } },
    });
    await call('post', EVENTS, 400, { headers: chat, body: { callId, event: { type: 'ring' } } });
    await call('post', EVENTS, 401, { headers: {}, body: { callId, event: { type: 'hangup', cause: 'x' } } });
    await call('post', EVENTS, 413, { headers: chat, body: big() });
    await call('post', EVENTS, 415, { headers: chat, type: 'text/plain', body: 'hi' });
  });

  it('401 without a key on every admin route, 403 for a viewer where a stronger role is needed', async () => {
    const pairs = docs.documented((p) => p.startsWith('/v1/admin/'));
    for (const pair of pairs) {
      const { method, path, status } = routeOf(pair);
      if (status !== '401' && status !== '403') continue;
      const url = path.replace('{id}', 'c_doesnotexist000');
      const body = method === 'post' || method === 'put' ? {} : undefined;
      await call(method, path, Number(status), { url, headers: status === '401' ? {} : as(VIEWER_KEY), body });
    }
  });

  it('500 with the requestId while Redis refuses every key, 503 while it is down, wherever documented', async () => {
    await checkStorageFailures(docs, CHECKED, STORAGE_REQUESTS, { CHAT_API_KEYS: CHAT_KEY });
  });

  // Last in the block: it sums up what the tests above checked.
  it('checked every documented admin and generic-event route at each status it documents', () => {
    docs.expectEverySeen(CHECKED, ONLY_UNDER_RACE);
  });
});
