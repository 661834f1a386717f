// GET /v1/admin/intents/examples/report?campaign=: what an editor should look at in a campaign's
// intent examples, checked against the published library, each other and the intent model (booted
// gateway, real Redis, real encoder and intent model).
import request from 'supertest';
import { ADMIN_KEY, EDITOR_KEY, VIEWER_KEY } from './support/boot.js';
import { createSampleCampaign } from './support/dialogue.js';
import { expectErrorBody } from './support/errors.js';
import { SAMPLE, SAMPLE_SETTINGS } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';

const EXAMPLES = SAMPLE_SETTINGS.intentExamples;

describe('GET /v1/admin/intents/examples/report', () => {
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const report = (campaign: string) =>
    request(gw.url)
      .get(`/v1/admin/intents/examples/report?campaign=${campaign}`)
      .set('authorization', `Bearer ${EDITOR_KEY}`);

  const gw = gatewayForSuite('examples-report');
  beforeAll(async () => {
    // The sample campaign's examples, with an editor's slips added.
    const intentExamples = {
      byIntent: {
        ...EXAMPLES.byIntent,
        // The same wording as an example of the installation script.
        ask_price: ['安装要多久'],
      },
      byScript: {
        ...EXAMPLES.byScript,
        // Near the installation script's 安装要多久, given for the contract script.
        'zh-detail-contract': [...EXAMPLES.byScript['zh-detail-contract'], '安装要多长时间'],
        // The model hears a refusal here, not a question about offers.
        'zh-price-promo': [...EXAMPLES.byScript['zh-price-promo'], '我不需要，谢谢'],
        'zh-retired-offer': ['去年的活动还有吗'],
        'zh-detail-wifi': ['wifi能覆盖几个房间'],
      },
    };
    const rows = SAMPLE.map((s) => (s.id === 'en-detail-number' ? { ...s, enabled: false } : s));
    await createSampleCampaign(gw.url, 'report', { intentExamples }, rows);
    // Written into the draft after the publish: not yet said to callers.
    await request(gw.url)
      .post('/v1/admin/scripts?campaign=report')
      .set(admin)
      .send({ id: 'zh-detail-wifi', text: '我们的光猫自带Wi-Fi 6，一般三居室都能覆盖。', intent: 'ask_product_detail' })
      .expect(201);
  });

  it('lists missing and disabled scripts, repeated wordings, confusable pairs and examples the model reads otherwise', async () => {
    const { body } = await report('report').expect(200);
    const total = Object.values(EXAMPLES.byIntent).flat().length + Object.values(EXAMPLES.byScript).flat().length + 5;
    expect(body).toMatchObject({ campaignId: 'report', threshold: 0.65, examples: total });
    expect(body.encoder).toEqual(expect.any(String));

    const status = Object.fromEntries(
      (body.scripts as { scriptId: string; status: string }[]).map((s) => [s.scriptId, s.status]),
    );
    expect(status).toMatchObject({
      'zh-retired-offer': 'missing',
      'en-detail-number': 'disabled',
      'zh-detail-wifi': 'unpublished',
      'zh-detail-install': 'ok',
    });
    expect(body.scripts).toContainEqual({
      scriptId: 'zh-detail-install',
      examples: EXAMPLES.byScript['zh-detail-install'].length,
      status: 'ok',
      intent: 'ask_product_detail',
    });

    expect(body.duplicates).toContainEqual({
      text: '安装要多久',
      owners: expect.arrayContaining([
        { intent: 'ask_price' },
        { scriptId: 'zh-detail-install', intent: 'ask_product_detail' },
      ]),
    });

    const pair = (body.confusable as { similarity: number; a: { text: string }; b: { text: string } }[]).find(
      (p) => [p.a.text, p.b.text].sort().join('|') === ['安装要多久', '安装要多长时间'].sort().join('|'),
    );
    expect(pair).toBeDefined();
    expect(pair!.similarity).toBeGreaterThanOrEqual(0.65);
    // Nearest first, and never two examples of one script.
    const sims = (body.confusable as { similarity: number }[]).map((p) => p.similarity);
    expect(sims).toEqual([...sims].sort((x, y) => y - x));
    for (const p of body.confusable as { a: { owner: object }; b: { owner: object } }[]) {
      expect(p.a.owner).not.toEqual(p.b.owner);
    }
    expect(body.confusableTotal).toBeGreaterThanOrEqual(body.confusable.length);

    expect(body.modelDisagrees).toContainEqual({
      text: '我不需要，谢谢',
      owner: { scriptId: 'zh-price-promo', intent: 'ask_price' },
      predicted: { name: 'not_interested', confidence: expect.any(Number) },
    });
  });

  it('is empty for a campaign without examples; 404 for no campaign, 400 for a bad id, 401 without a key', async () => {
    await request(gw.url)
      .put('/v1/admin/campaigns/bare')
      .set({ ...admin, 'if-none-match': '*' })
      .send({ name: 'bare' })
      .expect(200);
    expect((await report('bare').expect(200)).body).toMatchObject({
      examples: 0,
      scripts: [],
      duplicates: [],
      confusable: [],
      confusableTotal: 0,
      modelDisagrees: [],
    });
    expectErrorBody((await report('no-such-campaign').expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await report('bad%20id').expect(400)).body, 'VALIDATION_FAILED');
    expectErrorBody((await report('x'.repeat(65)).expect(400)).body, 'VALIDATION_FAILED');
    await request(gw.url).get('/v1/admin/intents/examples/report').expect(401);
    // It embeds and classifies every example: editors and admins only.
    await request(gw.url)
      .get('/v1/admin/intents/examples/report?campaign=bare')
      .set('authorization', `Bearer ${VIEWER_KEY}`)
      .expect(403);
  });

  it('reports on a campaign that has never published a library: its scripts are missing, not a 404', async () => {
    await request(gw.url)
      .put('/v1/admin/campaigns/unpublished')
      .set({ ...admin, 'if-none-match': '*' })
      .send({ intentExamples: { byScript: { 'zh-detail-install': ['安装要多久'] } } })
      .expect(200);
    const { body } = await report('unpublished').expect(200);
    expect(body.scripts).toEqual([{ scriptId: 'zh-detail-install', examples: 1, status: 'missing' }]);
    // Turns and the classify route pass its examples over the same way.
    const classified = await request(gw.url)
      .post('/v1/admin/intents/classify?campaign=unpublished')
      .set(admin)
      .send({ text: '安装要多久' })
      .expect(200);
    expect(classified.body.source).toBe('model');
  });
});
