// Full calls through every telephony adapter against the booted gateway with the real dialogue
// pipeline (DialogueModule: ONNX intent model, compliance, retrieval generator, HNSW scripts) and
// real Redis: greeting → interest → price → transfer, and do-not-call → hangup (after which the
// same number is refused). Plus auth failures, duplicates and bad input per adapter.
import request from 'supertest';
import twilio from 'twilio';
import { ADMIN_KEY } from './support/boot.js';
import { AUDIOCODES_AUTH, frames, GENESYS_AUTH, openWs, PUBLIC_BASE, TELEPHONY_ENV } from './support/telephony-env.js';
import { expectError, expectErrorBody } from './support/errors.js';
import { eventually } from './support/eventually.js';
import { fakeLlmGatewayForSuite, gatewayForSuite } from './support/suite.js';

const PUBLIC = PUBLIC_BASE;
const ENV = TELEPHONY_ENV;
const AC = AUDIOCODES_AUTH;
const GEN = GENESYS_AUTH;
/** Caller lines the shipped intent model classifies as interested, ask_price, ready_to_buy, do_not_call. */
const SAY = { interest: '听起来不错，你说说看', price: '一个月多少钱', buy: '那就办吧', dnc: '以后别打给我' };
const TRANSFER_TARGET = 'sales-closers'; // data/campaigns/default/campaign.json

const gw = gatewayForSuite('telephony', ENV);

describe('generic events POST /v1/telephony/events', () => {
  const post = (body: unknown) =>
    request(gw.url)
      .post('/v1/telephony/events')
      .send(body as object);

  it('greeting → interest → price → transfer, with a retried event answered once', async () => {
    const start = await post({ callId: 'g-1', event: { type: 'start', phone: '+8613800000101' } }).expect(200);
    expect(start.body).toMatchObject({ callId: 'g-1', action: 'continue', turn: 0, reply: { language: 'zh-CN' } });
    expect(start.body.reply.text.length).toBeGreaterThan(0);
    expect(
      (await post({ callId: 'g-1', eventId: 'p', event: { type: 'user_text', text: '听起', final: false } })).body
        .action,
    ).toBe('none');
    const interest = await post({
      callId: 'g-1',
      eventId: 'e1',
      event: { type: 'user_text', text: SAY.interest },
    }).expect(200);
    expect(interest.body).toMatchObject({ action: 'continue', intent: { name: 'interested' }, turn: 1 });
    const price = await post({ callId: 'g-1', eventId: 'e2', event: { type: 'user_text', text: SAY.price } }).expect(
      200,
    );
    expect(price.body).toMatchObject({ action: 'continue', intent: { name: 'ask_price' }, turn: 2 });
    const again = await post({ callId: 'g-1', eventId: 'e2', event: { type: 'user_text', text: SAY.price } }).expect(
      200,
    );
    expect(again.body).toEqual(price.body);
    const buy = await post({ callId: 'g-1', eventId: 'e3', event: { type: 'user_text', text: SAY.buy } }).expect(200);
    expect(buy.body).toMatchObject({
      action: 'transfer',
      turn: 3,
      intent: { name: 'ready_to_buy' },
      transfer: { target: TRANSFER_TARGET, reason: expect.any(String) },
    });
    await post({ callId: 'g-1', eventId: 'e4', event: { type: 'transfer_result', status: 'answered' } }).expect(200);
  });

  it('do-not-call → goodbye + hangup, and the number is refused on the next call', async () => {
    await post({ callId: 'g-2', event: { type: 'start', phone: '+8613800000102' } }).expect(200);
    const dnc = await post({ callId: 'g-2', event: { type: 'user_text', text: SAY.dnc } }).expect(200);
    expect(dnc.body).toMatchObject({
      action: 'hangup',
      intent: { name: 'do_not_call' },
      hangup: { reason: expect.any(String) },
    });
    expect(dnc.body.reply.text.length).toBeGreaterThan(0);
    const next = await post({ callId: 'g-3', event: { type: 'start', phone: '+8613800000102' } }).expect(200);
    expect(next.body).toMatchObject({ action: 'hangup', hangup: { reason: 'do_not_call' }, reply: null });
  });

  it('answers bad input with the binding error body', async () => {
    expectErrorBody(
      (await post({ callId: 'nope', event: { type: 'dtmf', digits: '1' } }).expect(404)).body,
      'NOT_FOUND',
    );
    expectErrorBody((await post({ callId: 'x', event: { type: 'warp' } }).expect(400)).body, 'VALIDATION_FAILED');
    expectErrorBody(
      (await post({ callId: 'x', event: { type: 'start' }, extra: 1 }).expect(400)).body,
      'VALIDATION_FAILED',
    );
    const malformed = await request(gw.url)
      .post('/v1/telephony/events')
      .set('content-type', 'application/json')
      .send('{"callId":');
    expectError(malformed, 400, 'MALFORMED_BODY');
    const big = await post({ callId: 'x', event: { type: 'user_text', text: '啊'.repeat(40_000) } });
    expect(big.status).toBe(413);
  });
});

describe('AudioCodes Bot API, HTTP mode', () => {
  const ac = (path: string, body?: unknown) =>
    request(gw.url)
      .post(`/v1/telephony/audiocodes${path}`)
      .set(AC)
      .send(body as object);
  const act = (conv: string, id: string, a: Record<string, unknown>) =>
    ac(`/conversations/${conv}/activities`, {
      conversation: conv,
      activities: [{ id, timestamp: new Date().toISOString(), ...a }],
    });

  it('rejects a missing or wrong bearer token (401) and answers the health probe', async () => {
    expectErrorBody(
      (await request(gw.url).post('/v1/telephony/audiocodes').send({ conversation: 'x' }).expect(401)).body,
      'UNAUTHORIZED',
    );
    expectErrorBody(
      (await request(gw.url).get('/v1/telephony/audiocodes').set('authorization', 'Bearer wrong').expect(401)).body,
      'UNAUTHORIZED',
    );
    await request(gw.url).get('/v1/telephony/audiocodes').set(AC).expect(200, { type: 'ac-bot-api', success: true });
  });

  it('greeting → interest → price → transfer (transferTarget, handoverReason, SIP header)', async () => {
    const conv = 'ac-call-1';
    const created = await ac('', { conversation: conv, id: 'c1', timestamp: new Date().toISOString() }).expect(200);
    expect(created.body).toEqual({
      activitiesURL: `${PUBLIC}/v1/telephony/audiocodes/conversations/${conv}/activities`,
      refreshURL: `${PUBLIC}/v1/telephony/audiocodes/conversations/${conv}/refresh`,
      disconnectURL: `${PUBLIC}/v1/telephony/audiocodes/conversations/${conv}/disconnect`,
      expiresSeconds: 120,
    });
    const greet = await act(conv, 'a1', {
      type: 'event',
      name: 'start',
      parameters: { caller: '+8613800000201', callee: '+861058880000' },
    }).expect(200);
    expect(greet.body.activities).toEqual([
      {
        id: expect.any(String),
        timestamp: expect.any(String),
        type: 'message',
        text: expect.any(String),
        activityParams: { language: 'zh-CN' },
      },
    ]);
    const interest = await act(conv, 'a2', {
      type: 'message',
      text: SAY.interest,
      parameters: { confidence: 0.9 },
    }).expect(200);
    expect(interest.body.activities).toHaveLength(1);
    const price = await act(conv, 'a3', { type: 'message', text: SAY.price, parameters: { confidence: 0.9 } }).expect(
      200,
    );
    const retry = await act(conv, 'a3', { type: 'message', text: SAY.price, parameters: { confidence: 0.9 } }).expect(
      200,
    );
    expect(retry.body.activities[0].text).toBe(price.body.activities[0].text);
    await ac(`/conversations/${conv}/refresh`, { conversation: conv }).expect(200, { expiresSeconds: 120 });
    const buy = await act(conv, 'a4', { type: 'message', text: SAY.buy }).expect(200);
    expect(buy.body.activities.map((a: { type: string; name?: string }) => a.name ?? a.type)).toEqual([
      'message',
      'transfer',
    ]);
    expect(buy.body.activities[1].activityParams).toEqual({
      transferTarget: TRANSFER_TARGET,
      handoverReason: expect.any(String),
      transferSipHeaders: [{ name: 'X-Huashu-Conversation', value: expect.stringMatching(/^c_/) }],
    });
    await ac(`/conversations/${conv}/disconnect`, {
      conversation: conv,
      reasonCode: 'transferred',
      reason: 'Transferred',
    }).expect(200, {});
  });

  it('do-not-call → goodbye + hangup event; unknown conversations get 404', async () => {
    const conv = 'ac-call-2';
    await ac('', { conversation: conv }).expect(200);
    await act(conv, 'b1', { type: 'event', name: 'start', parameters: { caller: '+8613800000202' } }).expect(200);
    const dnc = await act(conv, 'b2', { type: 'message', text: SAY.dnc }).expect(200);
    expect(dnc.body.activities.map((a: { type: string; name?: string }) => a.name ?? a.type)).toEqual([
      'message',
      'hangup',
    ]);
    expect(dnc.body.activities[1].activityParams).toEqual({
      hangupReason: expect.any(String),
      hangupSipHeaders: [{ name: 'X-Huashu-Conversation', value: expect.stringMatching(/^c_/) }],
    });
    expectErrorBody((await act('ac-unknown', 'z', { type: 'message', text: 'hi' }).expect(404)).body, 'NOT_FOUND');
    expectErrorBody((await ac('/conversations/ac-unknown/refresh', {}).expect(404)).body, 'NOT_FOUND');
    expectErrorBody(
      (await ac(`/conversations/${conv}/activities`, { activities: 'x' }).expect(400)).body,
      'VALIDATION_FAILED',
    );
  });
});

describe('AudioCodes Bot API, streaming (WebSocket) mode', () => {
  const wsUrl = () => `${gw.url.replace('http', 'ws')}/v1/telephony/audiocodes/ws`;

  it('refuses the upgrade without the bearer token (401)', async () => {
    await expect(openWs(wsUrl(), {})).rejects.toThrow('status 401');
    await expect(openWs(wsUrl(), { authorization: 'Bearer nope' })).rejects.toThrow('status 401');
  });

  it('session.initiate → accepted, greeting, interest, price, transfer, session.end', async () => {
    const ws = await openWs(wsUrl(), AC);
    const conversationId = 'ac-ws-1';
    try {
      const acc = await frames(
        ws,
        { type: 'session.initiate', conversationId, expectAudioMessages: false, caller: '+8613800000203' },
        (f) => f.length >= 1,
      );
      expect(acc).toEqual([{ type: 'session.accepted' }]);
      const activity = (id: string, a: Record<string, unknown>) => ({
        type: 'activities',
        conversationId,
        activities: [{ id, ...a }],
      });
      const greet = await frames(
        ws,
        activity('w1', { type: 'event', name: 'start', parameters: { caller: '+8613800000203' } }),
        (f) => f.length >= 1,
      );
      expect(greet[0]).toMatchObject({
        type: 'activities',
        activities: [{ type: 'message', activityParams: { language: 'zh-CN' } }],
      });
      type Acts = { type: string; name?: string; activityParams?: Record<string, unknown> }[];
      const transfers = (f: Record<string, unknown>) =>
        ((f.activities as Acts) ?? []).some((a) => a.name === 'transfer');
      // Generator-route replies stream one frame per approved script (no end marker in this protocol),
      // so the next steps wait for what they expect rather than counting frames.
      await frames(ws, activity('w2', { type: 'message', text: SAY.interest }), (f) => f.length >= 1);
      await frames(ws, activity('w3', { type: 'message', text: SAY.price }), (f) => f.length >= 1);
      const buy = await frames(ws, activity('w4', { type: 'message', text: SAY.buy }), (f) => f.some(transfers));
      const acts = buy.find(transfers)!.activities as Acts;
      expect(acts.map((a) => a.name ?? a.type)).toEqual(['message', 'transfer']);
      expect(acts[1].activityParams?.transferTarget).toBe(TRANSFER_TARGET);
      const closed = new Promise((r) => ws.once('close', r));
      ws.send(JSON.stringify({ type: 'session.end', conversationId, reasonCode: 'transferred' }));
      await closed;
    } finally {
      ws.terminate();
    }
  });
});

describe('Twilio <Gather input="speech"> webhooks', () => {
  const VOICE = '/v1/telephony/twilio/voice';
  const call = (sid: string, params: Record<string, string>, query = '', badSig = false) => {
    const body = {
      AccountSid: 'AC' + '0'.repeat(32),
      CallSid: sid,
      From: '+8613800000301',
      To: '+861058880000',
      Direction: 'inbound',
      CallStatus: 'in-progress',
      ...params,
    };
    const signature = twilio.getExpectedTwilioSignature(ENV.TWILIO_AUTH_TOKEN, `${PUBLIC}${VOICE}${query}`, body);
    return request(gw.url)
      .post(`${VOICE}${query}`)
      .set('x-twilio-signature', badSig ? signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) : signature)
      .type('form')
      .send(body);
  };

  it('rejects a missing or wrong X-Twilio-Signature (403)', async () => {
    const sid = 'CA' + 'a'.repeat(32);
    expectErrorBody(
      (await request(gw.url).post(VOICE).type('form').send({ CallSid: sid }).expect(403)).body,
      'FORBIDDEN',
    );
    expectErrorBody((await call(sid, {}, '', true).expect(403)).body, 'FORBIDDEN');
  });

  it('greeting → interest → price → transfer with <Dial>, reprompt on empty speech', async () => {
    const sid = 'CA' + 'b'.repeat(32);
    const q = '?campaign=default';
    const greet = await call(sid, { CallStatus: 'ringing' }, q).expect(200);
    expect(greet.headers['content-type']).toMatch(/text\/xml/);
    expect(greet.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Gather input="speech dtmf" action="https:\/\/bot.example.test\/v1\/telephony\/twilio\/voice\?campaign=default" method="POST" language="zh-CN" speechTimeout="auto" actionOnEmptyResult="true" [^>]*><Say language="zh-CN">[^<]+<\/Say><\/Gather><\/Response>$/,
    );
    const interest = await call(sid, { SpeechResult: SAY.interest, Confidence: '0.9' }, q)
      .set('i-twilio-idempotency-token', 'idem-1')
      .expect(200);
    expect(interest.text).toContain('<Gather');
    // A retried webhook (same idempotency token) is answered from the first delivery, not re-run.
    const retried = await call(sid, { SpeechResult: SAY.interest, Confidence: '0.9' }, q)
      .set('i-twilio-idempotency-token', 'idem-1')
      .expect(200);
    expect(retried.text).toBe(interest.text);
    const empty = await call(sid, { SpeechResult: '', Confidence: '0' }, q).expect(200);
    expect(empty.text).toBe(interest.text);
    await call(sid, { SpeechResult: SAY.price, Confidence: '0.9' }, q).expect(200);
    const buy = await call(sid, { SpeechResult: SAY.buy, Confidence: '0.9' }, q).expect(200);
    expect(buy.text).toMatch(
      /<Say language="zh-CN">[^<]+<\/Say><Dial action="[^"]+" method="POST">sales-closers<\/Dial><\/Response>$/,
    );
    const after = await call(sid, { DialCallStatus: 'completed' }, q).expect(200);
    expect(after.text).toContain('<Hangup/>');
    await call(sid, { CallStatus: 'completed' }, q).expect(200);
  });

  it('do-not-call → goodbye and <Hangup/>', async () => {
    const sid = 'CA' + 'c'.repeat(32);
    await call(sid, { CallStatus: 'ringing', From: '+8613800000302' }).expect(200);
    const dnc = await call(sid, { SpeechResult: SAY.dnc, Confidence: '0.95', From: '+8613800000302' }).expect(200);
    expect(dnc.text).toMatch(/<Say language="zh-CN">[^<]+<\/Say><Hangup\/><\/Response>$/);
    const refused = await call('CA' + 'd'.repeat(32), { CallStatus: 'ringing', From: '+8613800000302' }).expect(200);
    expect(refused.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
  });
});

describe('Twilio ConversationRelay WebSocket', () => {
  const RELAY = '/v1/telephony/twilio/relay';
  const relayHeaders = () => ({
    'x-twilio-signature': twilio.getExpectedTwilioSignature(
      ENV.TWILIO_AUTH_TOKEN,
      `wss://bot.example.test${RELAY}`,
      {},
    ),
  });
  const wsUrl = () => `${gw.url.replace('http', 'ws')}${RELAY}`;
  const untilLast = (f: Record<string, unknown>[]) => f.some((x) => x.type === 'text' && x.last === true);

  it('refuses the upgrade without a valid X-Twilio-Signature (403)', async () => {
    await expect(openWs(wsUrl(), {})).rejects.toThrow('status 403');
    await expect(openWs(wsUrl(), { 'x-twilio-signature': 'AAAA' })).rejects.toThrow('status 403');
  });

  const setup = (callSid: string, from: string) => ({
    type: 'setup',
    sessionId: 'VX' + '0'.repeat(32),
    callSid,
    from,
    to: '+861058880000',
    direction: 'inbound',
    customParameters: { campaign: 'default' },
  });

  it('greeting → interest → price → transfer: text tokens end with exactly one last:true, then end with handoffData', async () => {
    const ws = await openWs(wsUrl(), relayHeaders());
    try {
      const greet = await frames(ws, setup('CA' + 'e'.repeat(32), '+8613800000401'), untilLast);
      expect(greet.filter((f) => f.last === true)).toHaveLength(1);
      expect(greet.every((f) => f.type === 'text' && typeof f.token === 'string' && f.lang === 'zh-CN')).toBe(true);
      ws.send(JSON.stringify({ type: 'prompt', voicePrompt: '听起', lang: 'zh-CN', last: false }));
      await frames(ws, { type: 'prompt', voicePrompt: SAY.interest, lang: 'zh-CN', last: true }, untilLast);
      ws.send(JSON.stringify({ type: 'interrupt', utteranceUntilInterrupt: '我们的', durationUntilInterruptMs: 300 }));
      await frames(ws, { type: 'prompt', voicePrompt: SAY.price, lang: 'zh-CN', last: true }, untilLast);
      const buy = await frames(ws, { type: 'prompt', voicePrompt: SAY.buy, lang: 'zh-CN', last: true }, (f) =>
        f.some((x) => x.type === 'end'),
      );
      const end = buy.find((f) => f.type === 'end') as { handoffData: string };
      expect(typeof end.handoffData).toBe('string');
      expect(JSON.parse(end.handoffData)).toMatchObject({
        reasonCode: 'live-agent-handoff',
        target: TRANSFER_TARGET,
        conversationId: expect.stringMatching(/^c_/),
      });
      expect(buy.filter((f) => f.type === 'text' && f.last === true)).toHaveLength(1);
    } finally {
      ws.close();
    }
  });

  it('do-not-call → goodbye tokens and end (hangup)', async () => {
    const ws = await openWs(wsUrl(), relayHeaders());
    try {
      await frames(ws, setup('CA' + 'f'.repeat(32), '+8613800000402'), untilLast);
      const dnc = await frames(ws, { type: 'prompt', voicePrompt: SAY.dnc, lang: 'zh-CN', last: true }, (f) =>
        f.some((x) => x.type === 'end'),
      );
      const end = dnc.find((f) => f.type === 'end') as { handoffData: string };
      expect(JSON.parse(end.handoffData)).toMatchObject({ reasonCode: 'hangup' });
    } finally {
      ws.close();
    }
  });
});

describe('Genesys Cloud Digital Bot Connector', () => {
  const G = '/v1/telephony/genesys';
  const msg = (session: string, messageId: string, text: string, extra: Record<string, unknown> = {}) =>
    request(gw.url)
      .post(`${G}/messages`)
      .set(GEN)
      .send({
        botId: 'default',
        botVersion: '1',
        botSessionId: session,
        messageId,
        inputMessage: { type: 'Text', text },
        languageCode: 'zh-cn',
        botSessionTimeout: 720,
        genesysConversationId: 'g-conv',
        ...extra,
      });

  it('403 without the connection secret; lists bots', async () => {
    expectErrorBody((await request(gw.url).get(`${G}/bots`).expect(403)).body, 'FORBIDDEN');
    expectErrorBody(
      (await request(gw.url).get(`${G}/bots`).set('x-huashu-secret', 'wrong').expect(403)).body,
      'FORBIDDEN',
    );
    const bots = await request(gw.url).get(`${G}/bots`).set(GEN).expect(200);
    expect(bots.body.entities).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'default' })]));
    const bot = await request(gw.url).get(`${G}/bots/default`).set(GEN).expect(200);
    expect(bot.body.versions[0].intents.map((i: { name: string }) => i.name)).toEqual([
      'transfer_to_agent',
      'end_conversation',
    ]);
    expectErrorBody((await request(gw.url).get(`${G}/bots/nope`).set(GEN).expect(404)).body, 'NOT_FOUND');
  });

  it('greeting + interest → price (retried messageId answered once) → Complete transfer_to_agent', async () => {
    const first = await msg('gs-1', 'm1', SAY.interest, { parameters: { customerPhone: '+8613800000501' } }).expect(
      200,
    );
    expect(first.body).toMatchObject({ botState: 'MoreData', parameters: { huashuIntent: 'interested', turn: '1' } });
    expect(first.body.replyMessages).toHaveLength(2);
    const price = await msg('gs-1', 'm2', SAY.price).expect(200);
    const again = await msg('gs-1', 'm2', SAY.price).expect(200);
    expect(again.body).toEqual(price.body);
    const buy = await msg('gs-1', 'm3', SAY.buy).expect(200);
    expect(buy.body).toMatchObject({
      botState: 'Complete',
      intent: 'transfer_to_agent',
      parameters: { action: 'transfer', transferTarget: TRANSFER_TARGET, turn: '3' },
    });
    for (const v of Object.values(buy.body.parameters as Record<string, unknown>)) expect(typeof v).toBe('string');
  });

  it('do-not-call → Complete end_conversation; unknown bot → 200 Failed', async () => {
    await msg('gs-2', 'n1', '', { parameters: { customerPhone: '+8613800000502' } }).expect(200);
    const dnc = await msg('gs-2', 'n2', SAY.dnc).expect(200);
    expect(dnc.body).toMatchObject({ botState: 'Complete', intent: 'end_conversation' });
    const unknown = await msg('gs-3', 'o1', 'hi', { botId: 'no-such-bot' }).expect(200);
    expect(unknown.body).toMatchObject({ botState: 'Failed', errorInfo: { errorCode: 'UnknownBot' } });
    expectErrorBody(
      (await msg('gs-3', 'o2', 'hi', { inputMessage: { type: 'Audio' } }).expect(400)).body,
      'VALIDATION_FAILED',
    );
  });
});

describe('barge-in end to end (slow LLM behind the generator route)', () => {
  const { gw: slow, llm } = fakeLlmGatewayForSuite('telephony-bargein', {
    LLM_MODEL: 'fake-model',
    TURN_DEADLINE_PHONE_MS: '8000',
  });
  beforeAll(async () => {
    // A wide generation budget keeps the turn in flight long enough to talk over it on a busy machine.
    await request(slow.url)
      .put('/v1/admin/campaigns/default')
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .send({ deadlines: { phoneMs: 8000, stages: { generate: 6000 } } })
      .expect(200);
  });

  it('cancels the generation in flight, sends no reply, and records what the caller heard', async () => {
    const post = (body: unknown) =>
      request(slow.url)
        .post('/v1/telephony/events')
        .send(body as object);
    const start = await post({ callId: 'b-1', event: { type: 'start', phone: '+8613800000601' } }).expect(200);
    llm.behave({ delayMs: 5000, text: '这是一个很长的回答' });
    // "interested" goes to the generator route: the LLM is slow, the caller talks over the wait.
    const turn = post({ callId: 'b-1', eventId: 't1', event: { type: 'user_text', text: SAY.interest } }).then(
      (r) => r,
    );
    // The caller talks over the wait once the generation is in flight (the LLM server holds its request).
    // A fixed 300 ms pause raced the turn's earlier stages (at load 17 the request came 285 ms in, or
    // later), and a barge-in that came before the turn had nothing to cancel.
    await eventually(() => Promise.resolve(expect(llm.requests.length).toBeGreaterThan(0)), 15_000);
    const barge = await post({ callId: 'b-1', eventId: 't2', event: { type: 'barge_in', heard: '您好，请问' } }).expect(
      200,
    );
    expect(barge.body).toMatchObject({ action: 'none', reply: null });
    const answered = await turn;
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ action: 'none', reply: null, degraded: true });
    // The cancellation reached the LLM server: it saw the socket close before it answered.
    expect(llm.requests.length).toBeGreaterThan(0);
    await llm.requests[0].settled;
    expect(llm.requests[0].clientClosedEarly).toBe(true);
    // The record says what was actually heard.
    let transcript: { role: string; text: string }[] = [];
    for (let i = 0; i < 50; i++) {
      transcript = (await request(slow.url).get(`/v1/conversations/${start.body.conversationId}`).expect(200)).body
        .transcript;
      if (transcript.some((e) => e.role === 'event' && e.text.includes('您好，请问'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(transcript).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'event', text: expect.stringContaining('您好，请问') })]),
    );
  });
});
