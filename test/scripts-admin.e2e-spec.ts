import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import request from 'supertest';
import { EMBEDDER, type Embedder } from '@huashu/embedding';
import {
  LibraryIndexService,
  SCRIPT_MATCHER,
  ScriptLibraryService,
  type LoadedLibrary,
  type ScriptMatcherPort,
} from '@huashu/scripts';
import { ADMIN_KEY, bootGateway, EDITOR_KEY, VIEWER_KEY, type Booted } from './support/boot.js';
import { expectError, expectErrorBody } from './support/errors.js';
import { eventually } from './support/eventually.js';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

const script = (id: string, text: string, extra: Record<string, unknown> = {}) => ({ id, text, ...extra });
const ACME = [
  script('greet', 'Hello, this is Anna from Acme Broadband, do you have a minute?', { intent: 'greeting' }),
  script('price', 'Our fibre plan costs 30 dollars a month with free installation.', { intent: 'ask_price' }),
  script('speed', 'The plan gives you one gigabit download speed over fibre.', { intent: 'ask_product_detail' }),
  script('bye', 'Thank you for your time, goodbye!', { stage: 'closed' }),
  script('fb-price', 'Prices depend on the plan; may I text you the price list?', {
    intent: 'ask_price',
    fallback: true,
  }),
  script('fb-default', 'Sorry, could you say that again?', { fallback: true }),
];

describe('script library admin API (two gateways, real Redis, real indexes)', () => {
  let gw1: Booted;
  let gw2: Booted;
  let indexDirs: string[];

  beforeAll(async () => {
    // Each gateway has its own INDEX_DIR, as on another machine: built indexes travel through Redis.
    indexDirs = [mkdtempSync(join(tmpdir(), 'huashu-idx-')), mkdtempSync(join(tmpdir(), 'huashu-idx-'))];
    gw1 = await bootGateway('scripts', { INDEX_DIR: indexDirs[0] });
    // A second gateway process-equivalent on the same Redis prefix: it must not seed again.
    gw2 = await bootGateway('scripts', { INDEX_DIR: indexDirs[1], REDIS_KEY_PREFIX: gw1.config.redis.keyPrefix });
  });
  afterAll(async () => {
    await gw2.close();
    await gw1.close();
    for (const d of indexDirs) rmSync(d, { recursive: true, force: true });
  });

  describe('sample campaign', () => {
    it('is seeded once and published as version 1 with its settings', async () => {
      const v = await request(gw2.url).get('/v1/admin/scripts/versions').set(auth(VIEWER_KEY)).expect(200);
      expect(v.body.current).toBe(1);
      expect(v.body.versions).toHaveLength(1);
      expect(v.body.versions[0]).toMatchObject({ version: 1, publishedBy: 'seed:sample-campaign' });
      expect(v.body.versions[0].count).toBeGreaterThanOrEqual(80);
      const c = await request(gw1.url).get('/v1/admin/campaigns/default').set(auth(VIEWER_KEY)).expect(200);
      expect(c.body).toMatchObject({ openingScriptId: 'zh-opening', defaultFallbackScriptId: 'zh-fallback-default' });
    });

    it('matches a paraphrase to its script and an unrelated text to the fallback, on both gateways', async () => {
      for (const gw of [gw1, gw2]) {
        const hit = await request(gw.url)
          .post('/v1/admin/scripts/match')
          .set(auth(VIEWER_KEY))
          .send({ text: '套餐月费是199元，包含宽带和两张手机卡，合约期内价格不变，安装费和光猫都不收费', k: 3 })
          .expect(200);
        expect(hit.body.matches[0].scriptId).toBe('zh-price-basic');
        expect(hit.body.matches).toHaveLength(3);
        expect(hit.body.fallback).toBe(false);
        expect(hit.body.version).toBe(1);
        const miss = await request(gw.url)
          .post('/v1/admin/scripts/match')
          .set(auth(VIEWER_KEY))
          .send({ text: '这道红烧肉要先焯水再炒糖色' })
          .expect(200);
        expect(miss.body.fallback).toBe(true);
        expect(miss.body.fallbackScriptId).toBe('zh-fallback-default');
        expect(miss.body.matches[0].similarity).toBeLessThan(miss.body.threshold);
      }
    });
  });

  describe('CRUD with ETags', () => {
    it('creates, reads, replaces and deletes with If-Match; 412 on stale, 409 on duplicate', async () => {
      const created = await request(gw1.url)
        .post('/v1/admin/scripts?campaign=crud')
        .set(auth(EDITOR_KEY))
        .send(script('hello', 'Hello {customer_name}!', { intent: 'greeting', tags: ['en'] }))
        .expect(201);
      expect(created.body).toMatchObject({
        id: 'hello',
        campaignId: 'crud',
        version: 1,
        enabled: true,
        fallback: false,
      });
      expect(created.body.updatedBy).toBe('key2:editor');
      const etag1 = created.headers.etag;
      expect(etag1).toMatch(/^"[0-9a-f]{40}"$/);
      const dup = await request(gw1.url)
        .post('/v1/admin/scripts?campaign=crud')
        .set(auth(EDITOR_KEY))
        .send(script('hello', 'again'))
        .expect(409);
      expectErrorBody(dup.body, 'CONFLICT');
      const got = await request(gw2.url).get('/v1/admin/scripts/hello?campaign=crud').set(auth(VIEWER_KEY)).expect(200);
      expect(got.headers.etag).toBe(etag1);

      const put = await request(gw1.url)
        .put('/v1/admin/scripts/hello?campaign=crud')
        .set({ ...auth(EDITOR_KEY), 'if-match': etag1 })
        .send({ text: 'Hi {customer_name}, nice to meet you.', intent: 'greeting' })
        .expect(200);
      expect(put.body.version).toBe(2);
      expect(put.headers.etag).not.toBe(etag1);
      const stale = await request(gw2.url)
        .put('/v1/admin/scripts/hello?campaign=crud')
        .set({ ...auth(EDITOR_KEY), 'if-match': etag1 })
        .send({ text: 'lost update' })
        .expect(412);
      expectErrorBody(stale.body, 'PRECONDITION_FAILED');
      await request(gw1.url)
        .delete('/v1/admin/scripts/hello?campaign=crud')
        .set({ ...auth(EDITOR_KEY), 'if-match': etag1 })
        .expect(412);
      const still = await request(gw1.url)
        .get('/v1/admin/scripts/hello?campaign=crud')
        .set(auth(VIEWER_KEY))
        .expect(200);
      expect(still.body.text).toBe('Hi {customer_name}, nice to meet you.');
      await request(gw1.url)
        .delete('/v1/admin/scripts/hello?campaign=crud')
        .set({ ...auth(EDITOR_KEY), 'if-match': put.headers.etag })
        .expect(204);
      await request(gw1.url).get('/v1/admin/scripts/hello?campaign=crud').set(auth(VIEWER_KEY)).expect(404);

      const audit = await request(gw1.url)
        .get('/v1/admin/scripts/audit?campaign=crud')
        .set(auth(VIEWER_KEY))
        .expect(200);
      expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['delete', 'update', 'create']);
      expect(audit.body.entries[1]).toMatchObject({ who: 'key2:editor', scriptId: 'hello' });
      expect(audit.body.entries[1].before.text).toBe('Hello {customer_name}!');
      expect(audit.body.entries[1].after.text).toBe('Hi {customer_name}, nice to meet you.');
    });

    it('lets exactly one of several concurrent conditional edits win', async () => {
      const c = await request(gw1.url)
        .post('/v1/admin/scripts?campaign=race')
        .set(auth(EDITOR_KEY))
        .send(script('s1', 'original'))
        .expect(201);
      const results = await Promise.all(
        [gw1, gw2, gw1, gw2].map((gw, i) =>
          request(gw.url)
            .put('/v1/admin/scripts/s1?campaign=race')
            .set({ ...auth(EDITOR_KEY), 'if-match': c.headers.etag })
            .send({ text: `edit ${i}` }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412]);
    });

    it('rejects invalid, hostile and oversized input with the binding error body', async () => {
      const bad: [string, string, object][] = [
        ['post', '/v1/admin/scripts', { id: 'x', text: 'y', intent: 'buy_now' }],
        ['post', '/v1/admin/scripts', { id: 'x', text: '' }],
        ['post', '/v1/admin/scripts', { id: '../etc', text: 'y' }],
        ['post', '/v1/admin/scripts', { id: 'x', text: 'y'.repeat(1001) }],
        ['post', '/v1/admin/scripts', { id: 'x', text: 'y', threshold: 2 }],
        ['post', '/v1/admin/scripts', { id: 'x', text: 'y', version: 7 }],
        ['post', '/v1/admin/scripts', { id: 'x', text: 42 }],
        ['post', '/v1/admin/scripts?campaign=a%2Fb', { id: 'x', text: 'y' }],
        ['post', '/v1/admin/scripts/match', { text: 'hi', k: 51 }],
        ['post', '/v1/admin/scripts/match', { text: 'hi', k: 0 }],
        ['post', '/v1/admin/scripts/match', { text: 'hi', version: 'latest' }],
        // null is not a version (absent is the current one): 400, not "version null does not exist".
        ['post', '/v1/admin/scripts/match', { text: '月费多少钱', version: null }],
        ['post', '/v1/admin/scripts/threshold-sweep', { pairs: [{ text: 'hi', expected: null }], version: null }],
        ['post', '/v1/admin/scripts/match', { text: 'x'.repeat(2001) }],
        ['post', '/v1/admin/scripts/match', { text: ['hi'] }],
        ['post', '/v1/admin/scripts/rollback', { version: 'one' }],
      ];
      for (const [method, path, body] of bad) {
        const res = await (method === 'post' ? request(gw1.url).post(path) : request(gw1.url).put(path))
          .set(auth(ADMIN_KEY))
          .send(body);
        expect([path, res.status]).toEqual([path, 400]);
        expectErrorBody(res.body, 'VALIDATION_FAILED');
      }
      await request(gw1.url).get('/v1/admin/scripts?version=abc').set(auth(VIEWER_KEY)).expect(400);
      await request(gw1.url).get('/v1/admin/scripts?campaign=default&bogus=1').set(auth(VIEWER_KEY)).expect(400);
      // Unknown by own-property checks: names of Object.prototype members are unknown parameters too.
      for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
        const res = await request(gw1.url).get(`/v1/admin/scripts/versions?${name}=x`).set(auth(VIEWER_KEY));
        expect([name, res.status]).toEqual([name, 400]);
        expectErrorBody(res.body, 'VALIDATION_FAILED');
        expect(res.body.error.details).toEqual([{ field: name, rules: [`property ${name} should not exist`] }]);
      }
      const both = await request(gw1.url).get('/v1/admin/scripts?toString=x&version=abc').set(auth(VIEWER_KEY));
      expect(both.status).toBe(400);
      expect(both.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['toString', 'version']);
      const body = await request(gw1.url)
        .post('/v1/admin/scripts/match')
        .set(auth(VIEWER_KEY))
        .send({ text: 'hi', toString: 'x' });
      expectError(body, 400, 'VALIDATION_FAILED');
      await request(gw1.url).get('/v1/admin/scripts/nope?version=99').set(auth(VIEWER_KEY)).expect(404);
      const big = await request(gw1.url)
        .post('/v1/admin/scripts/match')
        .set(auth(VIEWER_KEY))
        .send({ text: 'x'.repeat(70_000) });
      expectError(big, 413, 'PAYLOAD_TOO_LARGE');
      const unpublished = await request(gw1.url)
        .post('/v1/admin/scripts/match?campaign=never')
        .set(auth(VIEWER_KEY))
        .send({ text: 'hi' })
        .expect(404);
      expectErrorBody(unpublished.body, 'NOT_FOUND');
    });

    it('enforces roles: viewer reads and matches, editor edits, admin publishes and rolls back', async () => {
      await request(gw1.url)
        .post('/v1/admin/scripts?campaign=roles')
        .set(auth(VIEWER_KEY))
        .send(script('a', 'b'))
        .expect(403);
      await request(gw1.url).post('/v1/admin/scripts/import?campaign=roles').set(auth(VIEWER_KEY)).send([]).expect(403);
      await request(gw1.url).post('/v1/admin/scripts/publish?campaign=roles').set(auth(EDITOR_KEY)).expect(403);
      await request(gw1.url)
        .post('/v1/admin/scripts/rollback?campaign=roles')
        .set(auth(EDITOR_KEY))
        .send({ version: 1 })
        .expect(403);
      await request(gw1.url).get('/v1/admin/scripts').expect(401);
      await request(gw1.url).get('/v1/admin/scripts').set(auth(VIEWER_KEY)).expect(200);
    });
  });

  describe('import, export, publish and rollback across gateways', () => {
    it('rejects a whole import for one bad row, naming the row, and writes nothing', async () => {
      await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=acme&mode=replace')
        .set(auth(EDITOR_KEY))
        .send(ACME)
        .expect(200);
      const before = await request(gw1.url)
        .get('/v1/admin/scripts/export?campaign=acme')
        .set(auth(VIEWER_KEY))
        .expect(200);
      const rows = [
        script('new-1', 'fine'),
        script('price', 'changed'),
        { id: 'bad', intent: 'greeting' },
        script('new-2', 'fine'),
      ];
      const res = await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=acme&mode=replace')
        .set(auth(EDITOR_KEY))
        .send(rows)
        .expect(400);
      expectErrorBody(res.body, 'VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(/row 3/);
      expect(res.body.error.details[0]).toMatchObject({ row: 3, issues: [{ field: 'text' }] });
      const dup = await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=acme')
        .set(auth(EDITOR_KEY))
        .send([script('a1', 'x'), script('a1', 'y')])
        .expect(400);
      expect(dup.body.error.details[0].row).toBe(2);
      const badLine = await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=acme')
        .set({ ...auth(EDITOR_KEY), 'content-type': 'application/x-ndjson' })
        .send('{"id":"ok","text":"fine"}\n{"id":"broken",\n')
        .expect(400);
      expect(badLine.body.error.message).toMatch(/line 2/);
      await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=acme&mode=merge')
        .set(auth(EDITOR_KEY))
        .send([])
        .expect(400);
      await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=acme')
        .set(auth(EDITOR_KEY))
        .send({ id: 'x' })
        .expect(400);
      const after = await request(gw1.url)
        .get('/v1/admin/scripts/export?campaign=acme')
        .set(auth(VIEWER_KEY))
        .expect(200);
      expect(after.body).toEqual(before.body);
    });

    it('imports JSON Lines larger than the global body limit, upserts, exports JSON and JSONL', async () => {
      const many = Array.from({ length: 400 }, (_, i) =>
        JSON.stringify(script(`bulk-${i}`, `Bulk script number ${i} about broadband plan option ${i}.`)),
      ).join('\n');
      expect(Buffer.byteLength(many)).toBeGreaterThan(20_000);
      const big = many + '\n' + many.replace(/bulk-/g, 'more-');
      const up = await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=bulk&mode=upsert')
        .set({ ...auth(EDITOR_KEY), 'content-type': 'application/x-ndjson' })
        .send(big.repeat(1))
        .expect(200);
      expect(up.body).toMatchObject({ mode: 'upsert', created: 800, updated: 0, total: 800 });
      const again = await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=bulk&mode=upsert')
        .set(auth(EDITOR_KEY))
        .send([script('bulk-0', 'Bulk script number 0 about broadband plan option 0.'), script('bulk-1', 'changed')])
        .expect(200);
      expect(again.body).toMatchObject({ created: 0, updated: 1, unchanged: 1, total: 800 });
      const jsonl = await request(gw1.url)
        .get('/v1/admin/scripts/export?campaign=bulk&format=jsonl')
        .set(auth(VIEWER_KEY))
        .expect(200);
      expect(jsonl.headers['content-type']).toMatch(/application\/x-ndjson/);
      const lines = jsonl.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(800);
      // An export re-imports as is (replace) without changes.
      const round = await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=bulk&mode=replace')
        .set({ ...auth(EDITOR_KEY), 'content-type': 'application/x-ndjson' })
        .send(jsonl.text)
        .expect(200);
      expect(round.body).toMatchObject({ unchanged: 800, deleted: 0 });
    });

    it('publishes on one gateway and the other matches against the new version; rollback too', async () => {
      const p1 = await request(gw1.url)
        .post('/v1/admin/scripts/publish?campaign=acme')
        .set(auth(ADMIN_KEY))
        .expect(201);
      expect(p1.body).toMatchObject({ version: 1, count: ACME.length, publishedBy: 'key1:admin' });
      const ask = () =>
        request(gw2.url)
          .post('/v1/admin/scripts/match?campaign=acme')
          .set(auth(VIEWER_KEY))
          .send({ text: 'How much is the fibre plan per month?', k: 2 });
      await eventually(async () => {
        const r = await ask().expect(200);
        expect(r.body.version).toBe(1);
        expect(r.body.matches[0].scriptId).toBe('price');
      });
      // Edit the draft: v1 keeps the old text, the draft sees the new one at once.
      await request(gw1.url)
        .put('/v1/admin/scripts/price?campaign=acme')
        .set(auth(EDITOR_KEY))
        .send({ text: 'The fibre plan is 25 dollars per month, installation included.', intent: 'ask_price' })
        .expect(200);
      const draft = await request(gw2.url)
        .post('/v1/admin/scripts/match?campaign=acme')
        .set(auth(VIEWER_KEY))
        .send({ text: 'How much is the fibre plan per month?', version: 'draft' })
        .expect(200);
      // Named as the list and export routes name it.
      expect(draft.body.version).toBe('draft');
      expect(draft.body.matches[0].text).toMatch(/25 dollars/);
      const pub = await ask().expect(200);
      expect(pub.body.matches[0].text).toMatch(/30 dollars/);

      await request(gw1.url).post('/v1/admin/scripts/publish?campaign=acme').set(auth(ADMIN_KEY)).expect(201);
      await eventually(async () => {
        const r = await ask().expect(200);
        expect(r.body.version).toBe(2);
        expect(r.body.matches[0].text).toMatch(/25 dollars/);
      });
      const rb = await request(gw1.url)
        .post('/v1/admin/scripts/rollback?campaign=acme')
        .set(auth(ADMIN_KEY))
        .send({ version: 1 })
        .expect(200);
      expect(rb.body).toEqual({ version: 1, previous: 2 });
      await eventually(async () => {
        const r = await ask().expect(200);
        expect(r.body.version).toBe(1);
        expect(r.body.matches[0].text).toMatch(/30 dollars/);
      });
      await request(gw1.url)
        .post('/v1/admin/scripts/rollback?campaign=acme')
        .set(auth(ADMIN_KEY))
        .send({ version: 9 })
        .expect(404);
      const explicit = await request(gw2.url)
        .post('/v1/admin/scripts/match?campaign=acme')
        .set(auth(VIEWER_KEY))
        .send({ text: 'How much is the fibre plan per month?', version: 2 })
        .expect(200);
      expect(explicit.body.version).toBe(2);
      const versions = await request(gw2.url)
        .get('/v1/admin/scripts/versions?campaign=acme')
        .set(auth(VIEWER_KEY))
        .expect(200);
      expect(versions.body.current).toBe(1);
      expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      await request(gw1.url).post('/v1/admin/scripts/publish?campaign=empty').set(auth(ADMIN_KEY)).expect(422);
    });

    it('concurrent publishes on two gateways all succeed, and each listed version is one that became current', async () => {
      await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=race')
        .set(auth(EDITOR_KEY))
        .send(ACME)
        .expect(200);
      // The same draft published at once: before, two publishes in one gateway wrote the same
      // temporary bundle file and one failed with a 500, leaving a version that never became current.
      const publishes = [gw1, gw1, gw1, gw2, gw2, gw1].map((gw) =>
        request(gw.url).post('/v1/admin/scripts/publish?campaign=race').set(auth(ADMIN_KEY)),
      );
      const answers = await Promise.all(publishes);
      expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      const published = answers.map((r) => r.body.version as number).sort((a, b) => a - b);
      expect(published).toEqual([1, 2, 3, 4, 5, 6]);
      const versions = await request(gw1.url)
        .get('/v1/admin/scripts/versions?campaign=race')
        .set(auth(VIEWER_KEY))
        .expect(200);
      expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual(published);
      const audit = await request(gw1.url)
        .get('/v1/admin/scripts/audit?campaign=race')
        .set(auth(VIEWER_KEY))
        .expect(200);
      const switched = (audit.body.entries as { action: string; after: string }[])
        .filter((e) => e.action === 'publish')
        .map((e) => Number(e.after))
        .sort((a, b) => a - b);
      expect(switched).toEqual(published);
    });

    it('a publish that fails while preparing its index leaves no version behind', async () => {
      await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=halfway')
        .set(auth(EDITOR_KEY))
        .send(ACME)
        .expect(200);
      await request(gw1.url).post('/v1/admin/scripts/publish?campaign=halfway').set(auth(ADMIN_KEY)).expect(201);
      const index = gw1.app.get(LibraryIndexService);
      const prepare = jest.spyOn(index, 'prepare').mockRejectedValueOnce(new Error('index store unavailable'));
      try {
        const failed = await request(gw1.url).post('/v1/admin/scripts/publish?campaign=halfway').set(auth(ADMIN_KEY));
        expectError(failed, 500, 'INTERNAL');
      } finally {
        prepare.mockRestore();
      }
      const versions = await request(gw1.url)
        .get('/v1/admin/scripts/versions?campaign=halfway')
        .set(auth(VIEWER_KEY))
        .expect(200);
      expect(versions.body).toMatchObject({ current: 1, versions: [expect.objectContaining({ version: 1 })] });
      expect(versions.body.versions).toHaveLength(1);
      await request(gw1.url)
        .post('/v1/admin/scripts/rollback?campaign=halfway')
        .set(auth(ADMIN_KEY))
        .send({ version: 2 })
        .expect(404);
      // The next publish works; the failed one's number stays unused.
      const next = await request(gw1.url)
        .post('/v1/admin/scripts/publish?campaign=halfway')
        .set(auth(ADMIN_KEY))
        .expect(201);
      expect(next.body.version).toBe(3);
    });
  });

  describe('publishing a previewed HNSW-sized library', () => {
    // Made-up words make every script's text distinct for the n-gram encoder (digits alone are not).
    const syllables = ['ka', 'lo', 'mi', 'nu', 'pe', 'ra', 'si', 'to', 'vu', 'ze', 'ba', 'do', 'fi', 'gu', 'he', 'jo'];
    const word = (i: number) => [0, 4, 8].map((shift) => syllables[(i >> shift) & 15]).join('');
    const text = (i: number) =>
      `The ${word(i)} plan: ${['fibre', 'mobile', 'router', 'tv'][i % 4]} bundle ${word(i * 7 + 3)}.`;
    const rows = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => JSON.stringify(script(`p-${from + k}`, text(from + k)))).join('\n');
    const importRows = (body: string, mode: 'upsert' | 'replace') =>
      request(gw1.url)
        .post(`/v1/admin/scripts/import?campaign=big&mode=${mode}`)
        .set({ ...auth(EDITOR_KEY), 'content-type': 'application/x-ndjson' })
        .send(body)
        .expect(200);
    const match = (gw: Booted, q: string, version?: number | 'draft') =>
      request(gw.url)
        .post('/v1/admin/scripts/match?campaign=big')
        .set(auth(VIEWER_KEY))
        .send({ text: q, k: 3, ...(version === undefined ? {} : { version }) })
        .expect(200);
    const loads = async (gw: Booted) => {
      const metrics = (await request(gw.url).get('/metrics').expect(200)).text;
      const count = (source: string) =>
        Number(
          new RegExp(`^huashu_script_index_load_seconds_count\\{[^}]*source="${source}"[^}]*\\} (\\d+)`, 'm').exec(
            metrics,
          )?.[1] ?? 0,
        );
      return {
        file: count('file'),
        draft: count('draft'),
        redis: count('redis'),
        built: count('built'),
        provisional: count('provisional'),
        // No series before the first embed() call.
        embedCalls: Number(/^huashu_embedding_duration_seconds_count\{[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? 0),
      };
    };
    // Publish requires a catch-all fallback: these campaigns name one of their scripts as the default
    // fallback, so the libraries stay all non-fallback scripts, as the sizes and exact-search checks expect.
    beforeAll(async () => {
      for (const [campaign, fallback] of [
        ['big', 'p-0'],
        ['fresh', 'f-0'],
        ['instant', 'p-0'],
      ]) {
        await request(gw1.url)
          .put(`/v1/admin/campaigns/${campaign}`)
          .set({ ...auth(ADMIN_KEY), 'if-none-match': '*' })
          .send({ defaultFallbackScriptId: fallback })
          .expect(200);
      }
    });
    const servedKind = async (gw: Booted, campaign: string) => {
      const ready = await request(gw.url).get('/health/ready');
      return (ready.body.info ?? ready.body.error).scriptIndex.campaigns[campaign] as { version: number; kind: string };
    };

    it('publishes a copy of the previewed draft index; the other gateway loads it from Redis and swaps', async () => {
      await importRows(rows(0, 300), 'replace');
      // Preview on the draft: builds the draft index on gw1 (HNSW above 128 scripts).
      expect((await match(gw1, text(299), 'draft')).body.matches[0].scriptId).toBe('p-299');
      // Edits after the preview: one new script, one changed, one deleted (a hole in the draft graph).
      await importRows(rows(300, 301), 'upsert');
      await request(gw1.url)
        .put('/v1/admin/scripts/p-5?campaign=big')
        .set(auth(EDITOR_KEY))
        .send({ text: 'Satellite internet for remote farms, 50 dollars a month.' })
        .expect(200);
      await request(gw1.url).delete('/v1/admin/scripts/p-6?campaign=big').set(auth(EDITOR_KEY)).expect(204);
      const before = [await loads(gw1), await loads(gw2)];
      const pub = await request(gw1.url)
        .post('/v1/admin/scripts/publish?campaign=big')
        .set(auth(ADMIN_KEY))
        .expect(201);
      expect(pub.body).toMatchObject({ version: 1, count: 300 });
      // gw1 copied its draft (nothing rebuilt at publish); gw2 loaded the bundle from Redis.
      expect(await loads(gw1)).toMatchObject({ draft: before[0].draft + 1, built: before[0].built });
      for (const gw of [gw1, gw2]) {
        await eventually(async () => {
          const r = await match(gw, text(300));
          expect(r.body.version).toBe(1);
          expect(r.body.matches[0].scriptId).toBe('p-300');
        });
        const changed = await match(gw, 'satellite internet for a farm');
        expect(changed.body.matches[0].scriptId).toBe('p-5');
        const deleted = await match(gw, text(6));
        expect(deleted.body.matches.map((m: { scriptId: string }) => m.scriptId)).not.toContain('p-6');
      }
      expect(await loads(gw2)).toMatchObject({ redis: before[1].redis + 1, built: before[1].built });
      const versions = await request(gw2.url).get('/v1/admin/scripts/versions?campaign=big').set(auth(VIEWER_KEY));
      expect(versions.body.current).toBe(1);
    });

    it('embeds at import, so a publish right after it embeds nothing; the graph is a copy of the draft built after it', async () => {
      await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=fresh&mode=replace')
        .set({ ...auth(EDITOR_KEY), 'content-type': 'application/x-ndjson' })
        .send(rows(0, 200).replace(/"p-/g, '"f-'))
        .expect(200);
      const before = await loads(gw1);
      const pub = await request(gw1.url).post('/v1/admin/scripts/publish?campaign=fresh').set(auth(ADMIN_KEY));
      expect(pub.status).toBe(201);
      expect((await loads(gw1)).embedCalls).toBe(before.embedCalls);
      await eventually(async () => {
        const r = await request(gw2.url)
          .post('/v1/admin/scripts/match?campaign=fresh')
          .set(auth(VIEWER_KEY))
          .send({ text: text(150), k: 1 })
          .expect(200);
        expect(r.body.version).toBe(1);
        expect(r.body.matches[0].scriptId).toBe('f-150');
      });
      // Served by brute force first or not (timing), the version ends up on the draft's graph: one
      // draft copy on gw1, no separate build, and the graph on both gateways.
      for (const gw of [gw1, gw2]) {
        await eventually(async () =>
          expect(await servedKind(gw, 'fresh')).toEqual({ version: 1, kind: 'hnsw', size: 200 }),
        );
      }
      expect(await loads(gw1)).toMatchObject({ draft: before.draft + 1, built: before.built });
    });

    it('serves a version staged right after an import by brute force on both gateways, equal to exact search, then by its graph', async () => {
      await request(gw1.url)
        .post('/v1/admin/scripts/import?campaign=instant&mode=replace')
        .set({ ...auth(EDITOR_KEY), 'content-type': 'application/x-ndjson' })
        .send(rows(0, 300))
        .expect(200);
      // Exact reference: the gateway's own encoder, cosine by a plain dot product (unit vectors).
      const embedder = gw1.app.get<Embedder>(EMBEDDER);
      const texts = Array.from({ length: 300 }, (_, i) => text(i));
      const probes = [text(0), text(157), `${word(42)} plan`, 'mobile bundle for the family', 'refund my router'];
      const [scriptVectors, probeVectors] = [await embedder.embed(texts), await embedder.embed(probes)];
      const exactTop = (q: Float32Array) =>
        scriptVectors
          .map((v, i) => ({ scriptId: `p-${i}`, similarity: v.reduce((acc, x, j) => acc + x * q[j], 0) }))
          .sort((a, b) => b.similarity - a.similarity)
          .slice(0, 3);
      const expectExact = async (gw: Booted, version?: number) => {
        for (const [i, probe] of probes.entries()) {
          const r = await request(gw.url)
            .post('/v1/admin/scripts/match?campaign=instant')
            .set(auth(VIEWER_KEY))
            .send({ text: probe, k: 3, ...(version === undefined ? {} : { version }) })
            .expect(200);
          const want = exactTop(probeVectors[i]);
          expect(r.body.matches.map((m: { scriptId: string }) => m.scriptId)).toEqual(want.map((m) => m.scriptId));
          r.body.matches.forEach((m: { similarity: number }, k: number) =>
            expect(m.similarity).toBeCloseTo(want[k].similarity, 3),
          );
        }
      };
      // Publish on gw2, which never took the import nor built a draft: what the publisher does, step by step.
      const library = gw2.app.get(ScriptLibraryService);
      const index2 = gw2.app.get(LibraryIndexService);
      const before = await loads(gw2);
      const meta = await library.stage('instant', { keyId: 'test' });
      const staged: LoadedLibrary = await index2.prepare('instant', meta.version, meta.draftRev);
      expect(staged.index.kind).toBe('bruteforce');
      expect(staged.index.size()).toBe(300);
      // The vectors came from the embedding cache gw1 filled at import: gw2 embedded nothing.
      expect(await loads(gw2)).toMatchObject({ provisional: before.provisional + 1, embedCalls: before.embedCalls });
      // Before the announcement the graph build has not started: gw1 loads the brute-force bundle from Redis.
      await expectExact(gw1, meta.version);
      expect((await gw1.app.get(LibraryIndexService).version('instant', meta.version)).index.kind).toBe('bruteforce');
      await expectExact(gw2, meta.version);
      // Activate and announce: both serve the version at once, then swap to the graph gw2 builds.
      await library.activate('instant', meta.version, { keyId: 'test' });
      expect((await index2.activate('instant', meta.version)).version).toBe(meta.version);
      for (const gw of [gw1, gw2]) {
        await eventually(async () =>
          expect(await servedKind(gw, 'instant')).toEqual({ version: meta.version, kind: 'hnsw', size: 300 }),
        );
        await expectExact(gw);
      }
      // The graph was built from the version's vectors (gw2 holds no draft), once.
      expect(await loads(gw2)).toMatchObject({ built: before.built + 1 });
    });

    it('builds from the stored version when the draft changed after staging or was never previewed here', async () => {
      // gw2 never previewed "big": publishing there builds (reusing vectors of its loaded version 1).
      await importRows(rows(301, 302), 'upsert');
      const before = await loads(gw2);
      await request(gw2.url).post('/v1/admin/scripts/publish?campaign=big').set(auth(ADMIN_KEY)).expect(201);
      // Served by brute force at once; the graph is built in the background from the same vectors.
      expect(await loads(gw2)).toMatchObject({ provisional: before.provisional + 1, embedCalls: before.embedCalls });
      await eventually(async () => expect(await loads(gw2)).toMatchObject({ built: before.built + 1 }));
      for (const gw of [gw1, gw2]) {
        await eventually(async () => {
          const r = await match(gw, text(301));
          expect(r.body.version).toBe(2);
          expect(r.body.matches[0].scriptId).toBe('p-301');
        });
      }
    });

    it('a restarted gateway loads every published version from INDEX_DIR and embeds nothing', async () => {
      // gw2's files, as after a restart of gw2 (same prefix; closing only the app keeps the prefix).
      const gw3 = await bootGateway('scripts', {
        INDEX_DIR: indexDirs[1],
        REDIS_KEY_PREFIX: gw1.config.redis.keyPrefix,
      });
      try {
        await eventually(async () => {
          expect(await servedKind(gw3, 'big')).toEqual({ version: 2, kind: 'hnsw', size: 301 });
          expect(await servedKind(gw3, 'instant')).toEqual({ version: 1, kind: 'hnsw', size: 300 });
        });
        expect(await loads(gw3)).toMatchObject({ built: 0, redis: 0, provisional: 0, embedCalls: 0 });
        expect((await loads(gw3)).file).toBeGreaterThanOrEqual(4);
        const r = await match(gw3, text(301));
        expect(r.body.version).toBe(2);
        expect(r.body.matches[0].scriptId).toBe('p-301');
      } finally {
        await gw3.app.close();
      }
    });
  });

  describe('matcher port (used by the dialogue pipeline)', () => {
    let matcher: ScriptMatcherPort;
    beforeAll(() => {
      matcher = gw1.app.get<ScriptMatcherPort>(SCRIPT_MATCHER);
    });

    it('resolves fallbacks intent → stage → campaign default', async () => {
      expect((await matcher.resolveFallback('default', { intent: 'ask_price' })).id).toBe('zh-fallback-ask-price');
      expect((await matcher.resolveFallback('default', { intent: 'ask_price', stage: 'hot' })).id).toBe(
        'zh-fallback-ask-price',
      );
      expect((await matcher.resolveFallback('default', { stage: 'hot' })).id).toBe('zh-fallback-stage-hot');
      expect((await matcher.resolveFallback('default', {})).id).toBe('zh-fallback-default');
      expect((await matcher.resolveFallback('acme', { intent: 'greeting' })).id).toBe('fb-default');
      expect((await matcher.resolveFallback('acme', { intent: 'ask_price' })).id).toBe('fb-price');
    });

    it('filters by intent and stage, never repeats excluded scripts, applies per-script thresholds', async () => {
      const byIntent = await matcher.match({
        campaignId: 'default',
        text: '你们是哪家公司？',
        intent: 'ask_company',
        k: 5,
      });
      expect(byIntent.matches.map((m) => m.scriptId).sort()).toEqual(
        ['en-company-intro', 'en-company-why-call', 'zh-company-intro', 'zh-company-why-call'].sort(),
      );
      const first = byIntent.matches[0].scriptId;
      const again = await matcher.match({
        campaignId: 'default',
        text: '你们是哪家公司？',
        intent: 'ask_company',
        excludeIds: [first],
      });
      expect(again.matches.map((m) => m.scriptId)).not.toContain(first);
      const none = await matcher.match({
        campaignId: 'default',
        text: '你们是哪家公司？',
        intent: 'ask_company',
        excludeIds: byIntent.matches.map((m) => m.scriptId),
      });
      expect(none.matches).toEqual([]);
      expect(none.fallback).toBe(true);
      expect(none.fallbackScriptId).toBe('zh-fallback-ask-company');
      const staged = await matcher.match({ campaignId: 'default', text: 'price', intent: 'ask_price', stage: 'new' });
      expect(staged.matches.map((m) => m.scriptId).sort()).toEqual(['en-price-basic', 'zh-price-basic']);
      const withFallbacks = await matcher.match({
        campaignId: 'default',
        text: '资费以办理页面为准，我把资费详情短信发您',
        includeFallbacks: true,
        k: 1,
      });
      expect(withFallbacks.matches[0].scriptId).toBe('zh-fallback-ask-price');
      // A script's own threshold wins over the campaign's.
      const editor = { keyId: 'test' };
      const library = gw1.app.get(ScriptLibraryService);
      await library.import(
        'thr',
        [
          { id: 'strict', text: 'Our fibre plan costs 30 dollars a month.', threshold: 1 },
          { id: 'loose', text: 'The weather is lovely today.', threshold: 0 },
        ],
        'replace',
        editor,
      );
      const strict = await matcher.match({ campaignId: 'thr', text: 'How much is the fibre plan?', version: 'draft' });
      expect(strict.matches[0].scriptId).toBe('strict');
      expect(strict).toMatchObject({ threshold: 1, fallback: true });
      const loose = await matcher.match({ campaignId: 'thr', text: 'Nice weather outside', version: 'draft' });
      expect(loose.matches[0].scriptId).toBe('loose');
      expect(loose).toMatchObject({ threshold: 0, fallback: false, accepted: { scriptId: 'loose' } });
    });

    it('fills slots and applies the documented rule to missing ones', () => {
      expect(
        matcher.fillSlots('您好，{customer_name}，我是{agent_name}。', { customer_name: '王女士', agent_name: '小李' }),
      ).toEqual({
        text: '您好，王女士，我是小李。',
        missing: [],
      });
      expect(matcher.fillSlots('Hi {customer_name}, this is {agent_name}.', { agent_name: 'Anna' })).toEqual({
        text: 'Hi, this is Anna.',
        missing: ['customer_name'],
      });
      expect(matcher.fillSlots('Price: {price}', { price: '{customer_name} 9 dollars' }).text).toBe(
        'Price: customer_name 9 dollars',
      );
    });
  });

  it('sweeps the threshold and reports JSON or an HTML page with inline SVG', async () => {
    const pairs = [
      { text: '月租199，包括宽带和两张卡，不收安装费', expected: 'zh-price-basic' },
      { text: 'You can keep your existing mobile number', expected: 'en-detail-number' },
      { text: 'Preheat the oven to 180 degrees', expected: null },
    ];
    const json = await request(gw1.url)
      .post('/v1/admin/scripts/threshold-sweep')
      .set(auth(EDITOR_KEY))
      .send({ pairs, targetPrecision: 0.9 })
      .expect(200);
    expect(json.body.points).toHaveLength(101);
    expect(json.body.proposedThreshold).toEqual(expect.any(Number));
    expect(json.body.atProposed.precision).toBeGreaterThanOrEqual(0.9);
    const html = await request(gw1.url)
      .post('/v1/admin/scripts/threshold-sweep?format=html')
      .set(auth(EDITOR_KEY))
      .send({ pairs })
      .expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toMatch(/<svg[\s\S]*<path/);
    await request(gw1.url)
      .post('/v1/admin/scripts/threshold-sweep')
      .set(auth(EDITOR_KEY))
      .send({ pairs: [] })
      .expect(400);
    await request(gw1.url).post('/v1/admin/scripts/threshold-sweep').set(auth(VIEWER_KEY)).send({ pairs }).expect(403);
  });

  it('reports the index on readiness', async () => {
    const ready = await request(gw2.url).get('/health/ready').expect(200);
    expect(ready.body.info.scriptIndex.status).toBe('up');
    expect(ready.body.info.scriptIndex.campaigns.default.version).toBe(1);
  });
});
