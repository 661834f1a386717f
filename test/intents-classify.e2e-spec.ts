import request from 'supertest';
import { INTENT_NAMES } from '@huashu/intent';
import { ADMIN_KEY, bootGateway, EDITOR_KEY, VIEWER_KEY, type Booted } from './support/boot.js';
import { expectError, expectErrorBody } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

// POST /v1/admin/intents/classify against the booted gateway with the shipped int8 model.

const classify = (gw: Booted, body: unknown, key: string | null = VIEWER_KEY) => {
  const req = request(gw.url).post('/v1/admin/intents/classify');
  if (key) void req.set('authorization', `Bearer ${key}`);
  return typeof body === 'string' ? req.set('content-type', 'application/json').send(body) : req.send(body as object);
};

describe('POST /v1/admin/intents/classify (shipped model)', () => {
  const gw = gatewayForSuite('intents');

  it.each([
    ['多少钱', 'ask_price'],
    ['how much does it cost', 'ask_price'],
    ['别再打了', 'do_not_call'],
    ['stop calling me', 'do_not_call'],
    ['转人工', 'ask_human'],
    ['今天天气怎么样', 'out_of_scope'],
  ])('%s → %s with a full calibrated ranking', async (text, intent) => {
    const res = await classify(gw, { text }).expect(200);
    expect(res.body.intent.name).toBe(intent);
    expect(res.body.intent.confidence).toBeGreaterThan(0);
    expect(res.body.intent.confidence).toBeLessThanOrEqual(1);
    const ranking = res.body.ranking as { name: string; confidence: number }[];
    expect(ranking.map((r) => r.name).sort()).toEqual([...INTENT_NAMES].sort());
    for (let i = 1; i < ranking.length; i++)
      expect(ranking[i].confidence).toBeLessThanOrEqual(ranking[i - 1].confidence);
    expect(ranking.reduce((s, r) => s + r.confidence, 0)).toBeCloseTo(1, 4);
  });

  it('with ?campaign=, classifies as that campaign’s turns do: its intent examples where the model says out_of_scope', async () => {
    // The seeded sample campaign has intent examples; the model alone puts this question out of scope.
    const alone = await classify(gw, { text: '装宽带要等几天' }).expect(200);
    expect(alone.body.intent.name).toBe('out_of_scope');
    expect(alone.body).not.toHaveProperty('source');
    const req = (campaign: string, text: string) =>
      request(gw.url)
        .post(`/v1/admin/intents/classify?campaign=${campaign}`)
        .set('authorization', `Bearer ${VIEWER_KEY}`)
        .send({ text });
    const res = await req('default', '装宽带要等几天').expect(200);
    const productDetail = (alone.body.ranking as { name: string; confidence: number }[]).find(
      (r) => r.name === 'ask_product_detail',
    );
    expect(res.body).toEqual({
      intent: { name: 'ask_product_detail', confidence: productDetail!.confidence },
      ranking: alone.body.ranking,
      source: 'campaign-example',
      // The sample campaign gives it for the installation script (intentExamples.byScript).
      example: { text: '装宽带要打孔吗', similarity: expect.any(Number), scriptId: 'zh-detail-install' },
    });
    const elsewhere = await req('default', '今天天气怎么样').expect(200);
    expect(elsewhere.body).toMatchObject({ intent: { name: 'out_of_scope' }, source: 'model' });
    expect(elsewhere.body).not.toHaveProperty('example');
    expect((await req('default', '多少钱').expect(200)).body).toMatchObject({
      intent: { name: 'ask_price' },
      source: 'model',
    });
    expectErrorBody((await req('no-such-campaign', 'hello').expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await req('bad%20id', 'hello').expect(400)).body, 'VALIDATION_FAILED');
    expectErrorBody((await req('x'.repeat(65), 'hello').expect(400)).body, 'VALIDATION_FAILED');
  });

  it('accepts every role (viewer is the weakest)', async () => {
    for (const key of [VIEWER_KEY, EDITOR_KEY, ADMIN_KEY]) await classify(gw, { text: 'hello' }, key).expect(200);
  });

  it('classifies hostile but valid text without failing', async () => {
    for (const text of ['\u0000\u202e<script>alert(1)</script>', '😀😀😀', ' ', 'ａｂｃ１２３', '长'.repeat(1000)]) {
      const res = await classify(gw, { text });
      // Control characters, bidi overrides, markup, emoji, whitespace only, full-width, the longest
      // accepted text: all valid strings, each gets a prediction.
      expect(res.status).toBe(200);
      expect(INTENT_NAMES).toContain(res.body.intent.name);
    }
  });

  it.each([
    ['missing text', 'VALIDATION_FAILED', 400, {}],
    ['empty text', 'VALIDATION_FAILED', 400, { text: '' }],
    ['wrong type', 'VALIDATION_FAILED', 400, { text: 42 }],
    ['array text', 'VALIDATION_FAILED', 400, { text: ['a'] }],
    ['null text', 'VALIDATION_FAILED', 400, { text: null }],
    ['too long (1001 chars)', 'VALIDATION_FAILED', 400, { text: 'x'.repeat(1001) }],
    ['unknown field', 'VALIDATION_FAILED', 400, { text: 'hi', threshold: 0.1 }],
    ['array body', 'VALIDATION_FAILED', 400, '["hi"]'],
    ['malformed JSON', 'MALFORMED_BODY', 400, '{"text": "hi"'],
    ['oversized body', 'PAYLOAD_TOO_LARGE', 413, JSON.stringify({ text: 'x'.repeat(70_000) })],
  ])('%s → %s %s', async (_label, code, status, body) => {
    const res = await classify(gw, body);
    expectError(res, status, code);
  });

  it('401 without a key or with an unknown key', async () => {
    for (const key of [null, 'not-a-configured-key-000000']) {
      const res = await classify(gw, { text: 'hello' }, key).expect(401);
      expectErrorBody(res.body, 'UNAUTHORIZED');
    }
  });

  it('exports classification metrics', async () => {
    await classify(gw, { text: '转人工' }).expect(200);
    const res = await request(gw.url).get('/metrics').expect(200);
    expect(res.text).toMatch(/huashu_intent_predictions_total\{intent="ask_human"[^}]*\} [1-9]/);
    expect(res.text).toMatch(/huashu_intent_classify_duration_seconds_count\{[^}]*\} [1-9]/);
    expect(res.text).toMatch(/huashu_intent_model_reloads\{[^}]*\} 0/);
  });

  it('reports the loaded model on /health/ready', async () => {
    const res = await request(gw.url).get('/health/ready');
    const entry = res.body.info?.['intent-model'] ?? res.body.details?.['intent-model'];
    expect(entry).toEqual(expect.objectContaining({ status: 'up', precision: 'int8', kind: 'bag-mlp' }));
  });
});

describe('classify without a model', () => {
  it('answers 503 SERVICE_UNAVAILABLE and readiness shows the model down', async () => {
    const gw = await bootGateway('intents-nomodel', { INTENT_MODEL_PATH: '/nonexistent/intent-model' });
    try {
      const res = await classify(gw, { text: 'hello' }).expect(503);
      expectErrorBody(res.body, 'SERVICE_UNAVAILABLE');
      const ready = await request(gw.url).get('/health/ready');
      expect(ready.status).toBe(503);
      // terminus' 503 body, wrapped in the binding error body's details
      expectErrorBody(ready.body, 'SERVICE_UNAVAILABLE');
      const entry = ready.body.error.details[0].details['intent-model'];
      expect(entry).toEqual(expect.objectContaining({ status: 'down' }));
    } finally {
      await gw.close();
    }
  });
});
