// Bad input on every chat endpoint: the binding error body and the right status, never a 5xx,
// never a half-written conversation. Also: optional chat API keys, 404s, busy lock → 409, and
// the audit viewer's auth.
import request from 'supertest';
import { ADMIN_KEY, bootGateway, VIEWER_KEY, type Booted } from './support/boot.js';
import { createLanguageCampaign } from './support/dialogue.js';
import type { FakeOpenAiServer } from './support/fake-openai-server.js';
import { bootWithFakeLlm } from './support/generator-gateway.js';
import { expectError } from './support/errors.js';
import { eventually } from './support/eventually.js';
import { gatewayForSuite } from './support/suite.js';

describe('chat API input validation', () => {
  let id: string;
  const gw = gatewayForSuite('dlg-badinput', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    await createLanguageCampaign(gw.url, 'zh', 'default');
    id = (await request(gw.url).post('/v1/conversations').send({}).expect(201)).body.conversationId;
  });

  it.each([
    ['unknown field', { campaignId: 'default', admin: true }, 400, 'VALIDATION_FAILED'],
    ['wrong channel', { channel: 'fax' }, 400, 'VALIDATION_FAILED'],
    ['campaignId with path characters', { campaignId: '../../etc' }, 400, 'VALIDATION_FAILED'],
    ['campaignId wrong type', { campaignId: 42 }, 400, 'VALIDATION_FAILED'],
    ['customer not an object', { customer: 'bob' }, 400, 'VALIDATION_FAILED'],
    ['phone with letters', { customer: { phone: 'call me maybe' } }, 400, 'VALIDATION_FAILED'],
    ['impossible phone number', { customer: { phone: '12' } }, 400, 'VALIDATION_FAILED'],
    ['unknown customer field', { customer: { name: 'a', ssn: '1' } }, 400, 'VALIDATION_FAILED'],
    ['metadata not an object', { metadata: [1, 2] }, 400, 'VALIDATION_FAILED'],
    ['metadata over 4 KiB', { metadata: { blob: 'x'.repeat(5000) } }, 400, 'VALIDATION_FAILED'],
    ['campaign that does not exist', { campaignId: 'nope' }, 404, 'NOT_FOUND'],
  ])('POST /v1/conversations: %s → %d', async (_l, body, status, code) => {
    expectError(await request(gw.url).post('/v1/conversations').send(body), status, code);
  });

  it('a campaign that could not answer every turn is never published nor called: 422, then 409 CAMPAIGN_NOT_READY', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const campaign = 'no-catch-all';
    // Scripts, but no catch-all fallback: a turn that matches nothing would have nothing approved to say.
    await request(gw.url)
      .post(`/v1/admin/scripts/import?campaign=${campaign}`)
      .set(admin)
      .send([
        { id: 'price', text: 'It is 30 dollars a month.', intent: 'ask_price' },
        { id: 'fb-price', text: 'Prices depend on the plan.', intent: 'ask_price', fallback: true },
      ])
      .expect(200);
    // Never published: refused before any conversation exists (it used to be created, then every turn was a 503).
    const early = await request(gw.url).post('/v1/conversations').send({ campaignId: campaign });
    expectError(early, 409, 'CAMPAIGN_NOT_READY');
    expect(early.body.error.details).toEqual([{ campaignId: campaign }]);
    const refused = await request(gw.url).post(`/v1/admin/scripts/publish?campaign=${campaign}`).set(admin);
    expectError(refused, 422, 'UNPROCESSABLE');
    expect(refused.body.error.message).toMatch(/catch-all fallback/);
    const versions = await request(gw.url)
      .get(`/v1/admin/scripts/versions?campaign=${campaign}`)
      .set(admin)
      .expect(200);
    expect(versions.body).toEqual({ versions: [] });
    // The generic telephony adapter hangs up instead of starting a call it cannot serve.
    const call = await request(gw.url)
      .post('/v1/telephony/events')
      .send({ callId: 'no-catch-all-1', event: { type: 'start', campaignId: campaign, phone: '+15550100199' } })
      .expect(200);
    expect(call.body).toMatchObject({ action: 'hangup', hangup: { reason: 'campaign_not_ready' } });
    // With a catch-all fallback it publishes, and conversations start.
    await request(gw.url)
      .post(`/v1/admin/scripts?campaign=${campaign}`)
      .set(admin)
      .send({ id: 'fb-any', text: 'Sorry, could you say that again?', fallback: true })
      .expect(201);
    await request(gw.url).post(`/v1/admin/scripts/publish?campaign=${campaign}`).set(admin).expect(201);
    const started = await request(gw.url).post('/v1/conversations').send({ campaignId: campaign }).expect(201);
    const turn = await request(gw.url)
      .post(`/v1/conversations/${started.body.conversationId}/turns`)
      .send({ text: 'what is the weather like on mars' })
      .expect(200);
    expect(turn.body.reply).toMatchObject({ scriptId: 'fb-any', fallback: true });
  });

  it('rollback refuses a version that no longer has a catch-all fallback (the campaign default moved on)', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const campaign = 'rollback-catch-all';
    const scripts = `/v1/admin/scripts?campaign=${campaign}`;
    await request(gw.url)
      .post(`/v1/admin/scripts/import?campaign=${campaign}`)
      .set(admin)
      .send([
        { id: 'price', text: 'It is 30 dollars a month.', intent: 'ask_price' },
        { id: 'sorry', text: 'Sorry, I did not catch that.' },
      ])
      .expect(200);
    // v1's catch-all is the campaign's default fallback, a plain script.
    await request(gw.url)
      .put(`/v1/admin/campaigns/${campaign}`)
      .set(admin)
      .send({ defaultFallbackScriptId: 'sorry' })
      .expect(200);
    await request(gw.url).post(`/v1/admin/scripts/publish?campaign=${campaign}`).set(admin).expect(201);
    await request(gw.url)
      .post(scripts)
      .set(admin)
      .send({ id: 'fb-any', text: 'Could you say that again?', fallback: true })
      .expect(201);
    // A script the campaign's settings name is deleted only once they name another (409 before).
    await request(gw.url)
      .put(`/v1/admin/campaigns/${campaign}`)
      .set(admin)
      .send({ defaultFallbackScriptId: 'fb-any' })
      .expect(200);
    await request(gw.url).delete(`/v1/admin/scripts/sorry?campaign=${campaign}`).set(admin).expect(204);
    await request(gw.url).post(`/v1/admin/scripts/publish?campaign=${campaign}`).set(admin).expect(201);
    // v1 holds neither a generic fallback script nor fb-any: going back to it would leave unmatched turns mute.
    const back = await request(gw.url)
      .post(`/v1/admin/scripts/rollback?campaign=${campaign}`)
      .set(admin)
      .send({ version: 1 });
    expectError(back, 422, 'UNPROCESSABLE');
    expect(back.body.error.message).toMatch(/version 1 of rollback-catch-all has no catch-all fallback/);
    expectError(
      await request(gw.url).post(`/v1/admin/scripts/rollback?campaign=${campaign}`).set(admin).send({ version: 7 }),
      404,
      'NOT_FOUND',
    );
    const versions = await request(gw.url)
      .get(`/v1/admin/scripts/versions?campaign=${campaign}`)
      .set(admin)
      .expect(200);
    expect(versions.body.current).toBe(2);
    await request(gw.url)
      .post(`/v1/admin/scripts/rollback?campaign=${campaign}`)
      .set(admin)
      .send({ version: 2 })
      .expect(200);
  });

  it('POST /v1/conversations: malformed, oversized and non-JSON bodies', async () => {
    const post = () => request(gw.url).post('/v1/conversations');
    expectError(await post().set('content-type', 'application/json').send('{"campaignId":'), 400, 'MALFORMED_BODY');
    expectError(await post().set('content-type', 'application/xml').send('<a/>'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(
      await post()
        .set('content-type', 'application/json')
        .send(JSON.stringify({ metadata: { x: 'y'.repeat(70000) } })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectError(await post().set('content-type', 'application/json').send('[1,2]'), 400, 'VALIDATION_FAILED');
  });

  it.each([
    ['missing text', {}],
    ['empty text', { text: '' }],
    ['blank text', { text: ' \n\t ' }],
    ['text not a string', { text: 42 }],
    ['text too long', { text: '字'.repeat(2001) }],
    ['unknown field', { text: 'hi', turn: 7 }],
  ])('POST …/turns: %s → 400', async (_l, body) => {
    expectError(await request(gw.url).post(`/v1/conversations/${id}/turns`).send(body), 400, 'VALIDATION_FAILED');
  });

  it('hostile text is just text: no 5xx, PII never stored', async () => {
    const hostile = [
      '<script>alert(1)</script>',
      '{"$gt":""}',
      "'; DROP TABLE x; --",
      '\u0000\u202e\ud83d\ude00',
      '我的手机号是13800138000',
    ];
    for (const text of hostile) {
      const c = (await request(gw.url).post('/v1/conversations').send({}).expect(201)).body.conversationId;
      const res = await request(gw.url).post(`/v1/conversations/${c}/turns`).send({ text });
      expect(res.status).toBe(200);
      const view = await request(gw.url).get(`/v1/conversations/${c}`).expect(200);
      const audit = await request(gw.url)
        .get(`/v1/admin/conversations/${c}/audit`)
        .set('authorization', `Bearer ${VIEWER_KEY}`);
      for (const stored of [JSON.stringify(view.body), JSON.stringify(audit.body)])
        expect(stored).not.toContain('13800138000');
    }
  });

  it('ids: malformed → 400, unknown → 404 on every route', async () => {
    for (const bad of ['x', 'c_', 'c_$$$$$$$$$$', 'c_' + 'a'.repeat(80)]) {
      expectError(await request(gw.url).get(`/v1/conversations/${encodeURIComponent(bad)}`), 400, 'VALIDATION_FAILED');
    }
    const unknown = 'c_AAAAAAAAAAAAAAAA';
    expectError(await request(gw.url).get(`/v1/conversations/${unknown}`), 404, 'NOT_FOUND');
    expectError(
      await request(gw.url).post(`/v1/conversations/${unknown}/turns`).send({ text: 'hi' }),
      404,
      'NOT_FOUND',
    );
    expectError(await request(gw.url).post(`/v1/conversations/${unknown}/end`).send({}), 404, 'NOT_FOUND');
    expectError(
      await request(gw.url)
        .get(`/v1/admin/conversations/${unknown}/audit`)
        .set('authorization', `Bearer ${VIEWER_KEY}`),
      404,
      'NOT_FOUND',
    );
  });

  it('end: idempotent, validates its reason, then turns are refused', async () => {
    const c = (await request(gw.url).post('/v1/conversations').send({}).expect(201)).body.conversationId;
    expectError(await request(gw.url).post(`/v1/conversations/${c}/end`).send({ reason: 7 }), 400, 'VALIDATION_FAILED');
    const ended = await request(gw.url)
      .post(`/v1/conversations/${c}/end`)
      .send({ reason: 'customer hung up' })
      .expect(200);
    expect(ended.body).toMatchObject({ status: 'ended', endReason: 'customer hung up', leadStage: 'closed' });
    await request(gw.url).post(`/v1/conversations/${c}/end`).expect(200);
    expectError(
      await request(gw.url).post(`/v1/conversations/${c}/turns`).send({ text: 'hi' }),
      409,
      'CONVERSATION_ENDED',
    );
  });

  it('the audit viewer needs an admin key of at least viewer', async () => {
    expectError(await request(gw.url).get(`/v1/admin/conversations/${id}/audit`), 401, 'UNAUTHORIZED');
    await request(gw.url).post(`/v1/conversations/${id}/turns`).send({ text: '你好' }).expect(200);
    const ok = await request(gw.url)
      .get(`/v1/admin/conversations/${id}/audit`)
      .set('authorization', `Bearer ${VIEWER_KEY}`);
    expect(ok.status).toBe(200);
    expect(ok.body.records.length).toBeGreaterThan(0);
  });
});

describe('chat API keys', () => {
  it('when CHAT_API_KEYS is set, chat routes need one of them', async () => {
    const gw = await bootGateway('dlg-chatkeys', {
      GENERATOR_MODE: 'inprocess',
      CHAT_API_KEYS: 'chat-key-one,chat-key-two',
    });
    try {
      await createLanguageCampaign(gw.url, 'en', 'default');
      expectError(await request(gw.url).post('/v1/conversations').send({}), 401, 'UNAUTHORIZED');
      expectError(
        await request(gw.url).post('/v1/conversations').set('authorization', 'Bearer wrong').send({}),
        401,
        'UNAUTHORIZED',
      );
      const res = await request(gw.url)
        .post('/v1/conversations')
        .set('authorization', 'Bearer chat-key-two')
        .send({})
        .expect(201);
      expectError(await request(gw.url).get(`/v1/conversations/${res.body.conversationId}`), 401, 'UNAUTHORIZED');
      await request(gw.url)
        .get(`/v1/conversations/${res.body.conversationId}`)
        .set('authorization', 'Bearer chat-key-one')
        .expect(200);
    } finally {
      await gw.close();
    }
  });
});

describe('conversation lock', () => {
  let gw: Booted;
  let llm: FakeOpenAiServer;
  afterAll(async () => {
    await gw.close();
    await llm.close();
  });

  it('a second turn waits up to CONVERSATION_LOCK_WAIT_MS, then 409 CONVERSATION_BUSY; the first completes', async () => {
    // A slow generator (800 ms) holds the lock longer than the 200 ms wait.
    ({ gw, llm } = await bootWithFakeLlm('dlg-busy', { CONVERSATION_LOCK_WAIT_MS: '200' }));
    await createLanguageCampaign(gw.url, 'en', 'default');
    const id = (await request(gw.url).post('/v1/conversations').send({}).expect(201)).body.conversationId;
    llm.behave({ delayMs: 800, text: 'The price is $29 a month.' });
    const before = llm.requests.length;
    const first = request(gw.url)
      .post(`/v1/conversations/${id}/turns`)
      .send({ text: 'how much does it cost per month?' });
    const firstDone = first.then((r) => r);
    // The second turn comes once the first holds the lock (its generation is at the LLM server). A fixed
    // 100 ms pause raced the first turn to the lock: at load 17 its generation had not started by then.
    await eventually(() => Promise.resolve(expect(llm.requests.length).toBeGreaterThan(before)), 15_000);
    expectError(
      await request(gw.url).post(`/v1/conversations/${id}/turns`).send({ text: 'hello?' }),
      409,
      'CONVERSATION_BUSY',
    );
    expect((await firstDone).status).toBe(200);
    const view = await request(gw.url).get(`/v1/conversations/${id}`).expect(200);
    expect(view.body.turns).toBe(1);
  });
});
