import request from 'supertest';
import { DEFAULT_MATCH_THRESHOLD } from '@huashu/campaigns';
import { ADMIN_KEY, EDITOR_KEY, VIEWER_KEY } from './support/boot.js';
import { expectError, expectErrorBody } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('campaign settings admin API (booted app, real Redis)', () => {
  const gw = gatewayForSuite('campaigns', { SEED_SAMPLE_CAMPAIGN: 'false' });

  it('404 for a campaign never created; If-Match: * creates nothing, PUT with If-None-Match: * creates it', async () => {
    await request(gw.url).get('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).expect(404);
    // If-Match: * changes only a campaign that exists (RFC 9110 §13.1.1): a typo in the URL creates nothing.
    expectError(
      await request(gw.url)
        .put('/v1/admin/campaigns/acme')
        .set({ ...auth(ADMIN_KEY), 'if-match': '*' })
        .send({ name: 'Acme broadband' }),
      412,
      'PRECONDITION_FAILED',
    );
    await request(gw.url).get('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).expect(404);
    const put = await request(gw.url)
      .put('/v1/admin/campaigns/acme')
      .set({ ...auth(ADMIN_KEY), 'if-none-match': '*' })
      .send({ name: 'Acme broadband', language: 'en' })
      .expect(200);
    expect(put.body).toMatchObject({ id: 'acme', name: 'Acme broadband', language: 'en', version: 1 });
    expect(put.body.updatedBy).toBe('key1:admin');
    expect(put.body.routes.affirm.byStage.engaged.route).toBe('generator');
    expect(put.body.routes.ready_to_buy).toEqual({ route: 'script', action: 'transfer' });
    expect(put.body.deadlines).toMatchObject({ phoneMs: 1500, restMs: 5000 });
    expect(put.body.maxConsecutiveFallbacks).toBe(3);
    expect(put.body.fallbackEscalation).toBe('transfer');
    expect(put.body).toMatchObject({ slots: {}, slotsByLanguage: {} });
    const get = await request(gw.url).get('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).expect(200);
    expect(get.headers.etag).toBe(put.headers.etag);
    expect(get.body).toEqual(put.body);
    // A create never overwrites: 412 once the campaign exists; only * is a create.
    const again = await request(gw.url)
      .put('/v1/admin/campaigns/acme')
      .set({ ...auth(ADMIN_KEY), 'if-none-match': '*' })
      .send({ name: 'Other' });
    expectError(again, 412, 'PRECONDITION_FAILED');
    const tagged = await request(gw.url)
      .put('/v1/admin/campaigns/acme')
      .set({ ...auth(ADMIN_KEY), 'if-none-match': String(put.headers.etag) })
      .send({ name: 'Other' });
    expectError(tagged, 400, 'VALIDATION_FAILED');
    expect((await request(gw.url).get('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).expect(200)).body).toEqual(
      put.body,
    );
  });

  it('a plain PUT creates a campaign that does not exist, with the defaults filled (RFC 9110 §9.3.4)', async () => {
    await request(gw.url).get('/v1/admin/campaigns/plain-put').set(auth(VIEWER_KEY)).expect(404);
    const put = await request(gw.url)
      .put('/v1/admin/campaigns/plain-put')
      .set(auth(ADMIN_KEY))
      .send({ name: 'Plain put' })
      .expect(200);
    expect(put.body).toMatchObject({ id: 'plain-put', name: 'Plain put', version: 1 });
    expect(put.body.routes.ask_price).toBeDefined();
    await request(gw.url).get('/v1/admin/campaigns/plain-put').set(auth(VIEWER_KEY)).expect(200);
    // Now that it exists, If-Match: * changes it.
    await request(gw.url)
      .put('/v1/admin/campaigns/plain-put')
      .set({ ...auth(ADMIN_KEY), 'if-match': '*' })
      .send({ name: 'Plain put 2' })
      .expect(200);
  });

  it('takes an IANA timeZone, and null unsets it (the process zone again)', async () => {
    const set = await request(gw.url)
      .put('/v1/admin/campaigns/acme')
      .set(auth(ADMIN_KEY))
      .send({ timeZone: 'America/New_York' })
      .expect(200);
    expect(set.body.timeZone).toBe('America/New_York');
    const unset = await request(gw.url)
      .put('/v1/admin/campaigns/acme')
      .set(auth(ADMIN_KEY))
      .send({ timeZone: null })
      .expect(200);
    expect(unset.body).not.toHaveProperty('timeZone');
  });

  it('takes doNotCallConfirmBelow in [0, 1] (default 0.92, null restores it) and refuses anything else', async () => {
    const put = (body: object) => request(gw.url).put('/v1/admin/campaigns/acme').set(auth(ADMIN_KEY)).send(body);
    expect((await put({ doNotCallConfirmBelow: 0 }).expect(200)).body.doNotCallConfirmBelow).toBe(0);
    for (const bad of [1.5, -0.1, '0.5', true])
      expectError(await put({ doNotCallConfirmBelow: bad }), 400, 'VALIDATION_FAILED');
    expect((await put({ doNotCallConfirmBelow: null }).expect(200)).body.doNotCallConfirmBelow).toBe(0.92);
  });

  it('honours If-Match: 412 on a stale ETag, success on the current one', async () => {
    const first = await request(gw.url).get('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).expect(200);
    const etag = first.headers.etag;
    const ok = await request(gw.url)
      .put('/v1/admin/campaigns/acme')
      .set({ ...auth(ADMIN_KEY), 'if-match': etag })
      .send({ matchThreshold: 0.7, routes: { greeting: { route: 'generator', action: 'continue' } } })
      .expect(200);
    expect(ok.body.matchThreshold).toBe(0.7);
    expect(ok.body.routes.greeting.route).toBe('generator');
    expect(ok.body.routes.deny.route).toBe('script');
    expect(ok.body.version).toBe(first.body.version + 1);
    const stale = await request(gw.url)
      .put('/v1/admin/campaigns/acme')
      .set({ ...auth(ADMIN_KEY), 'if-match': etag })
      .send({ matchThreshold: 0.9 })
      .expect(412);
    expectErrorBody(stale.body, 'PRECONDITION_FAILED');
    const after = await request(gw.url).get('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).expect(200);
    expect(after.body.matchThreshold).toBe(0.7);
  });

  it('lets exactly one of two concurrent conditional writers win', async () => {
    const cur = await request(gw.url).get('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).expect(200);
    const results = await Promise.all(
      [0.61, 0.62, 0.63, 0.64].map((t) =>
        request(gw.url)
          .put('/v1/admin/campaigns/acme')
          .set({ ...auth(ADMIN_KEY), 'if-match': cur.headers.etag })
          .send({ matchThreshold: t }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412]);
  });

  it('rejects unknown intents, routes, bad sampling params and server-owned fields, writing nothing', async () => {
    const before = await request(gw.url).get('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).expect(200);
    const bad: unknown[] = [
      { routes: { buy_now: { route: 'script', action: 'continue' } } },
      { routes: { greeting: { route: 'llm', action: 'continue' } } },
      { routes: { greeting: { route: 'script', action: 'explode' } } },
      { generator: { params: { temperature: 5 } } },
      { generator: { params: { top_p: 0 } } },
      { generator: { params: { num_beams: 1.5 } } },
      { generator: { params: { do_sample: false, temperature: 0.7 } } },
      { generator: { paramsByIntent: { nope: { temperature: 1 } } } },
      { matchThreshold: 'high' },
      { matchThreshold: 1.5 },
      { deadlines: { phoneMs: 10 } },
      { version: 99 },
      { id: 'other' },
      { surprise: true },
      { compliance: { output: { profanity: 'explode' } } },
      // timeZone: an IANA name Intl knows, nothing else.
      { timeZone: 'Mars/Olympus_Mons' },
      { timeZone: 'Beijing time' },
      { timeZone: '' },
      { timeZone: 8 },
      { slotsByLanguage: { fr: { price: '199 €' } } },
      { slotsByLanguage: { en: { 'Bad Name': 'x' } } },
      { slotsByLanguage: { en: { price: 199 } } },
      { slotsByLanguage: { en: { price: 'x'.repeat(201) } } },
      // Intent examples: only in-scope binding intents, non-blank bounded strings, bounded counts.
      { intentExamples: { byIntent: { out_of_scope: ['what is the weather'] } } },
      { intentExamples: { byIntent: { buy_now: ['sign me up'] } } },
      { intentExamples: { byIntent: { ask_price: 'how much' } } },
      { intentExamples: { byIntent: { ask_price: [42] } } },
      { intentExamples: { byIntent: { ask_price: ['   '] } } },
      { intentExamples: { byIntent: { ask_price: ['x'.repeat(301)] } } },
      { intentExamples: { byIntent: { ask_price: Array.from({ length: 201 }, (_, i) => `price ${i}`) } } },
      {
        intentExamples: {
          byIntent: Object.fromEntries(
            ['ask_price', 'ask_product_detail', 'objection_price', 'objection_trust', 'interested', 'affirm'].map(
              (intent) => [intent, Array.from({ length: 180 }, (_, i) => `${intent} ${i}`)],
            ),
          ),
        },
      },
      // Per script: script ids as keys, the same bounds per list, and the 1,000 shared with byIntent.
      { intentExamples: { byScript: { 'not a script id!': ['how much'] } } },
      { intentExamples: { byScript: { 'zh-price-basic': 'how much' } } },
      { intentExamples: { byScript: { 'zh-price-basic': ['  '] } } },
      { intentExamples: { byScript: { 'zh-price-basic': [7] } } },
      { intentExamples: { byScript: { 'zh-price-basic': Array.from({ length: 201 }, (_, i) => `price ${i}`) } } },
      { intentExamples: { byScript: ['zh-price-basic'] } },
      {
        intentExamples: {
          byIntent: { ask_price: Array.from({ length: 200 }, (_, i) => `price ${i}`) },
          byScript: Object.fromEntries(
            ['a', 'b', 'c', 'd', 'e'].map((id) => [id, Array.from({ length: 161 }, (_, i) => `${id} ${i}`)]),
          ),
        },
      },
      { intentExamples: { byScript: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`s${i}`, []])) } },
      // Keys a merge patch would skip are refused, not dropped.
      { intentExamples: { byScript: { constructor: ['how much'] } } },
      { slots: { prototype: 'x' } },
      { intentExamples: { threshold: 1.5 } },
      { intentExamples: { minConfidence: '0.1' } },
      { intentExamples: { surprise: true } },
      [1, 2],
    ];
    for (const body of bad) {
      const res = await request(gw.url)
        .put('/v1/admin/campaigns/acme')
        .set(auth(ADMIN_KEY))
        .send(body as object);
      expectError(res, 400, 'VALIDATION_FAILED');
    }
    const malformed = await request(gw.url)
      .put('/v1/admin/campaigns/acme')
      .set({ ...auth(ADMIN_KEY), 'content-type': 'application/json' })
      .send('{"name":');
    expect(malformed.status).toBe(400);
    const after = await request(gw.url).get('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).expect(200);
    expect(after.body).toEqual(before.body);
    await request(gw.url).get('/v1/admin/campaigns/bad%20id').set(auth(VIEWER_KEY)).expect(400);
  });

  it('takes the largest intent examples document the limits allow, and refuses a body beyond 1 MiB', async () => {
    // 1,000 examples of 300 CJK characters: ~900 KB of UTF-8, over the 64 KiB default body limit.
    const long = (i: number) => `${i}`.padEnd(300, '宽');
    const byIntent = Object.fromEntries(
      ['ask_price', 'ask_product_detail', 'objection_price'].map((intent, k) => [
        intent,
        Array.from({ length: 200 }, (_, i) => long(k * 200 + i)),
      ]),
    );
    const byScript = Object.fromEntries(
      ['zh-objection-trust-license', 'zh-interested-next'].map((id, k) => [
        id,
        Array.from({ length: 200 }, (_, i) => long(600 + k * 200 + i)),
      ]),
    );
    const res = await request(gw.url)
      .put('/v1/admin/campaigns/big-examples')
      .set({ ...auth(ADMIN_KEY), 'if-none-match': '*' })
      .send({ intentExamples: { byIntent, byScript } })
      .expect(200);
    expect(res.body.intentExamples.byIntent.objection_price[199]).toBe(long(599));
    expect(res.body.intentExamples.byScript['zh-interested-next'][199]).toBe(long(999));
    const tooBig = await request(gw.url)
      .put('/v1/admin/campaigns/big-examples')
      .set(auth(ADMIN_KEY))
      .send({ name: 'x'.repeat(1024 * 1024) });
    expect(tooBig.status).toBe(413);
    const after = await request(gw.url).get('/v1/admin/campaigns/big-examples').set(auth(VIEWER_KEY)).expect(200);
    expect(after.body.version).toBe(res.body.version);
  });

  it('edits one script’s intent examples with a merge patch: a list replaces that script’s, null removes it', async () => {
    const put = (intentExamples: object, create = false) =>
      request(gw.url)
        .put('/v1/admin/campaigns/examples-patch')
        .set(create ? { ...auth(ADMIN_KEY), 'if-none-match': '*' } : auth(ADMIN_KEY))
        .send({ intentExamples })
        .expect(200);
    await put({ byScript: { a: ['one', 'two'], b: ['three'] }, byIntent: { ask_price: ['how much'] } }, true);
    await put({ byScript: { a: ['uno'] } });
    let res = await request(gw.url).get('/v1/admin/campaigns/examples-patch').set(auth(VIEWER_KEY)).expect(200);
    expect(res.body.intentExamples).toMatchObject({
      byScript: { a: ['uno'], b: ['three'] },
      byIntent: { ask_price: ['how much'] },
    });
    await put({ byScript: { b: null } });
    res = await request(gw.url).get('/v1/admin/campaigns/examples-patch').set(auth(VIEWER_KEY)).expect(200);
    expect(res.body.intentExamples.byScript).toEqual({ a: ['uno'] });
  });

  it('takes null as "back to the default" for a member that has one, and refuses it with a clear 400 where none', async () => {
    const put = (body: object) => request(gw.url).put('/v1/admin/campaigns/nulls').set(auth(ADMIN_KEY)).send(body);
    const defaults = (
      await request(gw.url)
        .put('/v1/admin/campaigns/nulls')
        .set({ ...auth(ADMIN_KEY), 'if-none-match': '*' })
        .send({})
        .expect(200)
    ).body;
    const changed = await put({
      name: 'Null campaign',
      matchThreshold: 0.7,
      intentThreshold: 0.4,
      routes: { greeting: { route: 'generator', action: 'continue' }, deny: { route: 'fallback', action: 'hangup' } },
      deadlines: { phoneMs: 2000, stages: { generate: 1500 } },
      generator: { params: { temperature: 0.2 } },
    }).expect(200);
    expect(changed.body).toMatchObject({ name: 'Null campaign', matchThreshold: 0.7, intentThreshold: 0.4 });

    const reset = await put({
      name: null,
      matchThreshold: null,
      intentThreshold: null,
      routes: { greeting: { route: null }, deny: null },
      deadlines: { stages: { generate: null } },
      generator: { params: { temperature: null } },
    }).expect(200);
    expect(reset.body.name).toBe('nulls');
    expect(reset.body.matchThreshold).toBe(DEFAULT_MATCH_THRESHOLD);
    expect(reset.body).not.toHaveProperty('intentThreshold');
    expect(reset.body.routes.greeting).toEqual({ route: 'script', action: 'continue' });
    expect(reset.body.routes.deny).toEqual(defaults.routes.deny);
    expect(reset.body.deadlines).toEqual({ ...defaults.deadlines, phoneMs: 2000 });
    expect(reset.body.generator.params).toEqual(defaults.generator.params);
    const get = await request(gw.url).get('/v1/admin/campaigns/nulls').set(auth(VIEWER_KEY)).expect(200);
    expect(get.body).toEqual(reset.body);
    // A whole section, and the id (its default is the path's).
    const whole = await put({ deadlines: null, id: null }).expect(200);
    expect(whole.body).toMatchObject({ id: 'nulls', deadlines: defaults.deadlines });

    // A byStage target's route is required and greeting has no default one: null cannot remove it.
    const refused = await put({ routes: { greeting: { byStage: { new: { route: null, action: 'hangup' } } } } });
    expectError(refused, 400, 'VALIDATION_FAILED');
    expect(refused.body.error.details).toEqual([
      { field: 'routes.greeting.byStage.new.route', rule: 'required and without a default: null cannot remove it' },
    ]);
    // A default put back can still conflict with the rest: the rule says so.
    const greedy = await put({ generator: { params: { do_sample: false, temperature: null, top_p: 1 } } });
    expect(greedy.status).toBe(400);
    expect(greedy.body.error.details).toEqual([
      {
        field: 'generator.params.temperature',
        rule: 'must be 0 or unset when do_sample=false (greedy) (null put the default back)',
      },
    ]);
  });

  it('enforces roles: viewer reads, only admin writes', async () => {
    await request(gw.url).put('/v1/admin/campaigns/acme').set(auth(EDITOR_KEY)).send({ name: 'x' }).expect(403);
    await request(gw.url).put('/v1/admin/campaigns/acme').set(auth(VIEWER_KEY)).send({ name: 'x' }).expect(403);
    await request(gw.url).get('/v1/admin/campaigns/acme').expect(401);
  });
});
