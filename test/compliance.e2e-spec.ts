import request from 'supertest';
import { Redis } from 'ioredis';
import { ADMIN_KEY, bootGateway, EDITOR_KEY, VIEWER_KEY } from './support/boot.js';
import { TEST_REDIS_URL } from './support/redis-prefix.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

// POST /v1/admin/compliance/check and the lexicon/policy/audit admin routes, on the booted
// gateway with real Redis under its own key prefix.
describe('compliance admin API (booted gateway, real Redis)', () => {
  const gw = gatewayForSuite('compliance');
  const as = (key: string) => `Bearer ${key}`;
  const check = (body: unknown, campaign?: string, key = VIEWER_KEY) =>
    request(gw.url)
      .post(`/v1/admin/compliance/check${campaign ? `?campaign=${campaign}` : ''}`)
      .set('authorization', as(key))
      .send(body as object);

  describe('POST /v1/admin/compliance/check', () => {
    it('blocks a guaranteed-return claim in an answer, with spans on the original text', async () => {
      const text = '我们这款产品保 本 保 息，穩賺不賠';
      const res = await check({ text, direction: 'output' }).expect(200);
      expect(res.body).toEqual({
        verdict: 'block',
        text,
        hits: [
          { category: 'guaranteed_return', match: '保 本 保 息', start: 6, end: 13 },
          { category: 'guaranteed_return', match: '穩賺不賠', start: 14, end: 18 },
        ],
      });
    });

    it('redacts PII in a customer utterance and allows disclosures', async () => {
      const res = await check({ text: '我的手机是138-1234-5678', direction: 'input' }).expect(200);
      expect(res.body).toEqual({
        verdict: 'redact',
        text: '我的手机是*************',
        hits: [{ category: 'pii_mobile', match: '138-1234-5678', start: 5, end: 18 }],
      });
      const ok = await check({ text: '理财非存款，产品有风险，本产品不保本。', direction: 'output' }).expect(200);
      expect(ok.body).toEqual({ verdict: 'allow', text: '理财非存款，产品有风险，本产品不保本。', hits: [] });
    });

    it('blocks disparaging a competitor in an answer, and reads do-not-call by clause', async () => {
      const text = 'X公司的产品都是骗人的，还是选我们吧';
      expect((await check({ text, direction: 'output' }).expect(200)).body).toEqual({
        verdict: 'block',
        text,
        hits: [{ category: 'competitor_disparagement', match: '都是骗人的', start: 6, end: 11 }],
      });
      const categories = async (t: string) =>
        (await check({ text: t, direction: 'input' }).expect(200)).body.hits.map(
          (h: { category: string }) => h.category,
        );
      expect(await categories('别再打，折腾死我了')).toEqual(['do_not_call']);
      expect(await categories('不要再打了，打折也不要')).toEqual(['do_not_call']);
      expect(await categories('你们不要再打折了吗')).toEqual([]);
      expect(await categories('能不能别再打八折了，直接打五折')).toEqual([]);
    });

    it('reads typos, 1 | ! for l and i and digits slipped between characters; a scam warning passes', async () => {
      const hits = async (text: string) =>
        (await check({ text, direction: 'output' }).expect(200)).body.hits.map(
          (h: { category: string; match: string }) => `${h.category}:${h.match}`,
        );
      expect(await hits('Our fund offers guarxanteed returns')).toEqual(['guaranteed_return:guarxanteed returns']);
      expect(await hits('There is no |oss at all')).toEqual(['guaranteed_return:no |oss at all']);
      expect(await hits('这款产品保1本，买了稳9赚')).toEqual(['guaranteed_return:保1本', 'guaranteed_return:稳9赚']);
      expect(await hits('购买即享2年保修，全场5折')).toEqual([]);
      expect(await hits('冒充客服的电话都是骗人的，请您注意')).toEqual([]);
      expect(await hits('别家的套餐都是骗人的')).toEqual(['competitor_disparagement:都是骗人的']);
    });

    it('blocks telecom service guarantees, guaranteed savings and false urgency; masks a misheard ID and an SSN', async () => {
      const verdict = async (text: string) => (await check({ text, direction: 'output' }).expect(200)).body.verdict;
      for (const text of [
        '本套餐保证100%不掉线',
        '网速100%保证千兆，永不掉线',
        'Speeds are guaranteed at 1000 Mbps, 100% uptime',
        '只要今天办理，我们保证您每月省200元',
        '这是最后一天优惠，今天不办就没了',
      ])
        expect([text, await verdict(text)]).toEqual([text, 'block']);
      for (const text of ['网络稳定，很少掉线', '优惠活动到月底', '我们会尽量保证网速'])
        expect([text, await verdict(text)]).toEqual([text, 'allow']);
      const id = await check({
        text: '我的手机号是13912345678，身份证号110101199003071234',
        direction: 'input',
      }).expect(200);
      expect(id.body.text).toBe('我的手机号是***********，身份证号******************');
      const ssn = await check({ text: 'my SSN is 123-45-6789', direction: 'input' }).expect(200);
      expect(ssn.body).toEqual({
        verdict: 'redact',
        text: 'my SSN is ***********',
        hits: [{ category: 'pii_ssn', match: '123-45-6789', start: 10, end: 21 }],
      });
    });

    it('401 without a key, 403 never for viewer (lowest role suffices)', async () => {
      expectError(
        await request(gw.url).post('/v1/admin/compliance/check').send({ text: 'x', direction: 'input' }),
        401,
        'UNAUTHORIZED',
      );
      for (const key of [VIEWER_KEY, EDITOR_KEY, ADMIN_KEY])
        await check({ text: 'hi', direction: 'input' }, undefined, key).expect(200);
    });

    it.each([
      ['missing text', { direction: 'input' }],
      ['missing direction', { text: 'hi' }],
      ['bad direction', { text: 'hi', direction: 'sideways' }],
      ['number text', { text: 42, direction: 'input' }],
      ['array text', { text: ['a'], direction: 'input' }],
      ['unknown field', { text: 'hi', direction: 'input', campaignId: 'x' }],
      ['too long', { text: '字'.repeat(8001), direction: 'input' }],
    ])('400 VALIDATION_FAILED on %s', async (_name, body) => {
      expectError(await check(body), 400, 'VALIDATION_FAILED');
    });

    it('400 on a hostile campaign id, malformed JSON and a wrong content type; 413 when oversized', async () => {
      expectError(await check({ text: 'hi', direction: 'input' }, '..%2F..%2Fetc'), 400, 'VALIDATION_FAILED');
      const malformed = await request(gw.url)
        .post('/v1/admin/compliance/check')
        .set('authorization', as(VIEWER_KEY))
        .set('content-type', 'application/json')
        .send('{"text": "hi", ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toMatch(/MALFORMED_BODY|VALIDATION_FAILED/);
      const plain = await request(gw.url)
        .post('/v1/admin/compliance/check')
        .set('authorization', as(VIEWER_KEY))
        .set('content-type', 'text/plain')
        .send('保本保息');
      expect(plain.status).toBeGreaterThanOrEqual(400);
      expect(plain.status).toBeLessThan(500);
      const huge = await check({ text: 'a'.repeat(70 * 1024), direction: 'input' });
      expectError(huge, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('survives hostile text: control characters, lone surrogates, RTL overrides', async () => {
      const text = '\u0000\ud800保\u202e本\u0007\uffff' + '🏳️‍🌈'.repeat(50);
      const res = await check({ text, direction: 'output' }).expect(200);
      expect(res.body.verdict).toBe('block');
      expect(res.body.hits[0].category).toBe('guaranteed_return');
    });
  });

  describe('lexicon and policy editing', () => {
    const campaign = 'acme-edu';
    const lexUrl = `/v1/admin/compliance/lexicons?campaign=${campaign}`;
    const polUrl = `/v1/admin/compliance/policy?campaign=${campaign}`;

    it('only admins read or edit lexicons and policies', async () => {
      for (const url of [lexUrl, polUrl, `/v1/admin/compliance/audit?campaign=${campaign}`]) {
        expectError(await request(gw.url).get(url).set('authorization', as(EDITOR_KEY)), 403, 'FORBIDDEN');
        expectError(await request(gw.url).get(url), 401, 'UNAUTHORIZED');
      }
      expectError(await request(gw.url).put(lexUrl).set('authorization', as(VIEWER_KEY)).send({}), 403, 'FORBIDDEN');
    });

    it('a campaign edit changes that campaign only, is versioned, audited and guarded by If-Match', async () => {
      const before = await request(gw.url).get(lexUrl).set('authorization', as(ADMIN_KEY)).expect(200);
      expect(before.body.source).toBe('default');
      const etag = before.headers.etag;
      expect(etag).toBe(`"${before.body.version}"`);

      // The campaign sells courses: 名师 claims are off limits there, and 保过 must stay.
      const doc = structuredClone(before.body.document);
      delete doc.version;
      doc.categories.education_guarantee.patterns.push('名师押题');
      doc.categories.teacher_claim = { patterns: ['金牌名师'], negatable: false };
      await check({ text: '金牌名师押题班', direction: 'output' }, campaign).expect(200, {
        verdict: 'allow',
        text: '金牌名师押题班',
        hits: [],
      });
      const put = await request(gw.url)
        .put(lexUrl)
        .set('authorization', as(ADMIN_KEY))
        .set('if-match', etag)
        .send(doc)
        .expect(200);
      expect(put.body.source).toBe('campaign');
      expect(put.body.version).toBe(before.body.version + 1);
      expect(put.headers.etag).toBe(`"${put.body.version}"`);

      const after = await check({ text: '金牌名师押题班', direction: 'output' }, campaign).expect(200);
      expect(after.body.hits.map((h: { category: string }) => h.category).sort()).toEqual([
        'education_guarantee',
        'teacher_claim',
      ]);
      // New category without a policy entry: flagged; education_guarantee blocks.
      expect(after.body.verdict).toBe('block');
      // The default campaign is untouched.
      await check({ text: '金牌名师押题班', direction: 'output' }).expect(200, {
        verdict: 'allow',
        text: '金牌名师押题班',
        hits: [],
      });

      // A stale If-Match is refused and writes nothing.
      expectError(
        await request(gw.url).put(lexUrl).set('authorization', as(ADMIN_KEY)).set('if-match', etag).send(doc),
        412,
        'PRECONDITION_FAILED',
      );

      // Policy: block the new category on output, redact nothing else new.
      const pol = await request(gw.url)
        .put(polUrl)
        .set('authorization', as(ADMIN_KEY))
        .send({ output: { teacher_claim: 'block', education_guarantee: 'flag' } })
        .expect(200);
      expect(pol.body.effective.output.teacher_claim).toBe('block');
      expect(pol.body.effective.output.guaranteed_return).toBe('block');
      const blocked = await check({ text: '金牌名师', direction: 'output' }, campaign).expect(200);
      expect(blocked.body.verdict).toBe('block');
      const flagged = await check({ text: '保过', direction: 'output' }, campaign).expect(200);
      expect(flagged.body.verdict).toBe('allow');

      const audit = await request(gw.url)
        .get(`/v1/admin/compliance/audit?campaign=${campaign}`)
        .set('authorization', as(ADMIN_KEY))
        .expect(200);
      expect(audit.body.map((a: { kind: string }) => a.kind)).toEqual(['policy', 'lexicon']);
      expect(audit.body[1]).toMatchObject({
        kind: 'lexicon',
        campaign,
        version: put.body.version,
        previousVersion: before.body.version,
        by: expect.stringContaining('admin'),
        change: {
          categories: {
            education_guarantee: { added: ['名师押题'], removed: [] },
            teacher_claim: { added: ['金牌名师'], removed: [] },
          },
        },
      });

      // A competitor's name added to the subjects scopes disparagement to it, in this campaign only.
      const rival = '星辰宽带的套餐都是坑人的';
      await check({ text: rival, direction: 'output' }, campaign).expect(200, {
        verdict: 'allow',
        text: rival,
        hits: [],
      });
      const current = await request(gw.url).get(lexUrl).set('authorization', as(ADMIN_KEY)).expect(200);
      const withRival = structuredClone(current.body.document);
      delete withRival.version;
      withRival.categories.competitor_disparagement.subjects.push('星辰宽带');
      await request(gw.url).put(lexUrl).set('authorization', as(ADMIN_KEY)).send(withRival).expect(200);
      expect((await check({ text: rival, direction: 'output' }, campaign).expect(200)).body).toEqual({
        verdict: 'block',
        text: rival,
        hits: [{ category: 'competitor_disparagement', match: '都是坑人的', start: 7, end: 12 }],
      });
      await check({ text: rival, direction: 'output' }).expect(200, { verdict: 'allow', text: rival, hits: [] });
      const audit3 = await request(gw.url)
        .get(`/v1/admin/compliance/audit?campaign=${campaign}&limit=1`)
        .set('authorization', as(ADMIN_KEY))
        .expect(200);
      expect(audit3.body[0].change.categories).toEqual({
        competitor_disparagement: { added: ['星辰宽带'], removed: [] },
      });

      // Reset back to the default, audited as well.
      await request(gw.url).delete(lexUrl).set('authorization', as(ADMIN_KEY)).expect(200);
      const reset = await request(gw.url).get(lexUrl).set('authorization', as(ADMIN_KEY)).expect(200);
      expect(reset.body.source).toBe('default');
      expect(reset.body.version).toBe(put.body.version + 2);
      const audit2 = await request(gw.url)
        .get(`/v1/admin/compliance/audit?campaign=${campaign}&limit=1`)
        .set('authorization', as(ADMIN_KEY))
        .expect(200);
      expect(audit2.body).toHaveLength(1);
      expect(audit2.body[0].change).toEqual({ reset: true });
    });

    it.each([
      ['not an object', [1, 2]],
      ['no categories', { negations: [] }],
      ['empty patterns', { categories: { abuse: { patterns: [] } } }],
      ['bad category name', { categories: { 'Bad Name': { patterns: ['x'] } } }],
      ['pii category', { categories: { pii_mobile: { patterns: ['x'] } } }],
      ['symbol-only pattern', { categories: { abuse: { patterns: ['!!!'] } } }],
      ['pattern too long', { categories: { abuse: { patterns: ['x'.repeat(65)] } } }],
      ['unknown field', { categories: { abuse: { patterns: ['x'], colour: 'red' } } }],
      ['wrong type', { categories: { abuse: { patterns: 'x' } } }],
      ['subjects not a list', { categories: { abuse: { patterns: ['x'], subjects: 'they' } } }],
    ])('PUT lexicons rejects %s with 400 and writes nothing', async (_name, body) => {
      const url = '/v1/admin/compliance/lexicons?campaign=bad-input';
      expectError(
        await request(gw.url).put(url).set('authorization', as(ADMIN_KEY)).send(body),
        400,
        'VALIDATION_FAILED',
      );
      const get = await request(gw.url).get(url).set('authorization', as(ADMIN_KEY)).expect(200);
      expect(get.body.source).toBe('default');
    });

    it.each([
      ['bad action', { output: { abuse: 'nuke' } }],
      ['unknown category', { output: { no_such_thing: 'block' } }],
      ['unknown direction', { sideways: {} }],
      ['not an object', 'block'],
    ])('PUT policy rejects %s with 400', async (_name, body) => {
      const res = await request(gw.url)
        .put('/v1/admin/compliance/policy?campaign=bad-input')
        .set('authorization', as(ADMIN_KEY))
        .set('content-type', 'application/json')
        .send(JSON.stringify(body));
      expectError(res, 400, 'VALIDATION_FAILED');
    });

    it('400 on a malformed If-Match and on a bad audit limit', async () => {
      expectError(
        await request(gw.url)
          .put(polUrl)
          .set('authorization', as(ADMIN_KEY))
          .set('if-match', 'garbage')
          .send({ output: {} }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await request(gw.url).get(`/v1/admin/compliance/audit?limit=0`).set('authorization', as(ADMIN_KEY)),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await request(gw.url).get(`/v1/admin/compliance/audit?limit=abc`).set('authorization', as(ADMIN_KEY)),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('keeps its keys under the compliance: namespace of the app prefix', async () => {
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const keys = await redis.keys(`${gw.config.redis.keyPrefix}compliance:*`);
        expect(keys.length).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
    });
  });

  it('an edit on one gateway is live on another gateway of the same deployment within a second', async () => {
    const other = await bootGateway('compliance-2', { REDIS_KEY_PREFIX: gw.config.redis.keyPrefix });
    try {
      const url = '/v1/admin/compliance/policy?campaign=shared';
      const probe = () =>
        request(other.url)
          .post('/v1/admin/compliance/check?campaign=shared')
          .set('authorization', as(VIEWER_KEY))
          .send({ text: '全网最低', direction: 'output' });
      expect((await probe().expect(200)).body.verdict).toBe('block');
      await request(gw.url)
        .put(url)
        .set('authorization', as(ADMIN_KEY))
        .send({ output: { absolute_claim: 'flag' } })
        .expect(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await probe().expect(200)).body.verdict).toBe('allow');
    } finally {
      await other.app.close();
    }
  });

  it('reports readiness and metrics', async () => {
    const ready = await request(gw.url).get('/health/ready').expect(200);
    expect(ready.body.info.compliance).toMatchObject({ status: 'up' });
    const metrics = await request(gw.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/huashu_compliance_check_seconds_bucket/);
    expect(metrics.text).toMatch(/huashu_compliance_hits_total\{[^}]*category="guaranteed_return"/);
  });
});
