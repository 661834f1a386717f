// Scenario: a client generates its SDK from /docs-json. Real responses of the chat API (greeting,
// scripted, generated, transfer, busy callback, do-not-call confirmation, view, end, errors) must
// each match the schema the document gives for that route and status, with undocumented fields
// refused (additionalProperties: false applied here), so a field missing from the document fails.
// Real gateway, Redis, models and index; the LLM is the local fake server. Turns run in the event
// loop and, in the second block, in a turn thread (whose JSON the route sends as it is).
import request, { type Response } from 'supertest';
import type { TurnResult } from '@huashu/dialogue';
import { ADMIN_KEY, type Booted } from './support/boot.js';
import { loadDocument, type DocumentedResponses } from './support/openapi.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

/** The seeded bilingual sample campaign (data/campaigns/default). */
const SAMPLE_CAMPAIGN = 'default';
/** Haggling the shipped intent model reads as an unsure do_not_call (asked about before listing). */
const HAGGLE = '能不能别再打八折了，直接打五折';
/** No worker runs here, so the callback is only queued (and deleted with the prefix). */
const DIALER = { DIALER_WEBHOOK_URL: 'http://127.0.0.1:9/callbacks' };

const TURNS = '/v1/conversations/{id}/turns';
const CONVERSATION = '/v1/conversations/{id}';
const END = '/v1/conversations/{id}/end';
const START = '/v1/conversations';

/** A chat client whose every response is checked against the document. */
function documentedChat(gw: Booted, docs: () => DocumentedResponses) {
  const start = async (body: object, status = 201): Promise<Response> => {
    const res = await request(gw.url).post(START).send(body);
    docs().check('post', START, res, status);
    return res;
  };
  const say = async (id: string, text: string, status = 200): Promise<TurnResult> => {
    const res = await request(gw.url).post(`/v1/conversations/${id}/turns`).send({ text });
    docs().check('post', TURNS, res, status);
    return JSON.parse(res.text) as TurnResult;
  };
  return { start, say };
}

describe('the chat API answers as /docs-json documents it', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('openapi-chat', DIALER);
  let docs: DocumentedResponses;
  const chat = documentedChat(gw, () => docs);
  beforeAll(async () => {
    docs = await loadDocument(gw);
  });

  it('documents every chat route’s success with a schema, and refuses an undocumented field', async () => {
    const validate = docs.validator('post', TURNS, 200);
    const { conversationId } = (await chat.start({ campaignId: SAMPLE_CAMPAIGN })).body as { conversationId: string };
    const turn = await chat.say(conversationId, '你好');
    expect(validate(turn)).toBe(true);
    // The strictness this spec relies on: an extra field at the top or nested fails.
    expect(validate({ ...turn, extra: 1 })).toBe(false);
    expect(validate({ ...turn, reply: { ...turn.reply, extra: 1 } })).toBe(false);
    expect(validate({ ...turn, compliance: { ...turn.compliance, input: { verdict: 'allow', extra: 1 } } })).toBe(
      false,
    );
    // Enums are closed: an intent, route or stage the API does not have fails.
    expect(validate({ ...turn, intent: { ...turn.intent, name: 'ask_weather' } })).toBe(false);
    expect(validate({ ...turn, route: 'llm' })).toBe(false);
    expect(validate({ ...turn, leadStage: 'warm' })).toBe(false);
    for (const [method, path, status] of [
      ['post', START, 201],
      ['get', CONVERSATION, 200],
      ['post', END, 200],
    ] as const) {
      expect(() => docs.validator(method, path, status)).not.toThrow();
    }
  });

  it('greeting, scripted, generated and transfer turns; the view; end', async () => {
    llm.behave({ text: '千兆宽带家庭套餐的月费是每月199元，包含宽带和两张手机卡。' });
    const started = await chat.start({
      campaignId: SAMPLE_CAMPAIGN,
      channel: 'rest',
      customer: { name: '王先生', phone: '13800138201' },
      metadata: { source: 'openapi-spec' },
    });
    const { conversationId, reply } = started.body as { conversationId: string; reply?: { scriptId: string } };
    expect(reply?.scriptId).toBeDefined();

    const greeting = await chat.say(conversationId, '你好');
    expect(greeting).toMatchObject({ intent: { name: 'greeting' }, route: 'script' });
    const price = await chat.say(conversationId, '月费多少钱？');
    expect(price).toMatchObject({ intent: { name: 'ask_price' }, route: 'generator' });
    expect(llm.requests.length).toBeGreaterThan(0);
    const buy = await chat.say(conversationId, '好的，我要办理');
    expect(buy).toMatchObject({ action: 'transfer', actionDetail: { reason: 'ready_to_buy' } });
    expect(buy.actionDetail?.summary).toEqual(expect.any(String));
    expect(buy.actionDetail?.target).toEqual(expect.any(String));

    const view = await request(gw.url).get(`/v1/conversations/${conversationId}`);
    docs.check('get', CONVERSATION, view, 200);
    expect(view.body).toMatchObject({ status: 'ended', customer: { phone: expect.stringContaining('*') } });
    expect(view.body.endedAt).toEqual(expect.any(String));
    const roles = new Set((view.body.transcript as { role: string }[]).map((e) => e.role));
    expect([...roles].sort()).toEqual(['bot', 'customer', 'event']);

    // A turn on an ended conversation, and /end (idempotent) on it.
    await chat.say(conversationId, '你好', 409);
    docs.check('post', END, await request(gw.url).post(`/v1/conversations/${conversationId}/end`).send({}), 200);

    // /end on a live conversation with a reason; without a name or phone.
    const other = (await chat.start({})).body as { conversationId: string };
    const ended = await request(gw.url)
      .post(`/v1/conversations/${other.conversationId}/end`)
      .send({ reason: 'customer hung up' });
    docs.check('post', END, ended, 200);
    expect(ended.body).toMatchObject({ status: 'ended', endReason: 'customer hung up' });
  });

  it('a busy customer’s callback in actionDetail.callback', async () => {
    const { conversationId } = (await chat.start({ customer: { phone: '13800138202' } })).body as {
      conversationId: string;
    };
    const busy = await chat.say(conversationId, '我现在很忙，明天下午再打吧');
    expect(busy).toMatchObject({
      action: 'hangup',
      actionDetail: { reason: 'busy_call_later', callback: { dueAt: expect.any(String), requested: '明天下午' } },
    });
  });

  it('the do-not-call question and the listing in doNotCall; a listed number’s next call is 409', async () => {
    const phone = '13800138203';
    const { conversationId } = (await chat.start({ customer: { phone } })).body as { conversationId: string };
    expect(await chat.say(conversationId, HAGGLE)).toMatchObject({ doNotCall: 'confirming', action: 'continue' });
    expect(await chat.say(conversationId, '是的')).toMatchObject({
      doNotCall: 'listed',
      action: 'hangup',
      actionDetail: { reason: 'do_not_call' },
    });
    await chat.start({ customer: { phone } }, 409);
  });

  it('error responses carry the documented error body', async () => {
    const unknown = 'c_doesnotexist000';
    docs.check('get', CONVERSATION, await request(gw.url).get(`/v1/conversations/${unknown}`), 404);
    docs.check('get', CONVERSATION, await request(gw.url).get('/v1/conversations/not-an-id'), 400);
    await chat.say(unknown, 'hello', 404);
    docs.check('post', TURNS, await request(gw.url).post(`/v1/conversations/${unknown}/turns`).send({}), 400);
    docs.check(
      'post',
      TURNS,
      await request(gw.url).post(`/v1/conversations/${unknown}/turns`).set('content-type', 'text/plain').send('hi'),
      415,
    );
    docs.check(
      'post',
      TURNS,
      await request(gw.url)
        .post(`/v1/conversations/${unknown}/turns`)
        .send({ text: 'x'.repeat(gw.config.http.bodyLimitBytes) }),
      413,
    );
    docs.check('post', END, await request(gw.url).post(`/v1/conversations/${unknown}/end`).send({}), 404);
    await chat.start({ campaignId: 'no-such-campaign' }, 404);
    await chat.start({ channel: 'fax' }, 400);
  });

  it('the conversation audit and whoami answer as documented, 401 without a key', async () => {
    const { conversationId } = (await chat.start({})).body as { conversationId: string };
    await chat.say(conversationId, '你好');
    const path = '/v1/admin/conversations/{id}/audit';
    const url = `/v1/admin/conversations/${conversationId}/audit`;
    docs.check('get', path, await request(gw.url).get(url).set('authorization', `Bearer ${ADMIN_KEY}`), 200);
    docs.check('get', path, await request(gw.url).get(url), 401);
    const whoami = await request(gw.url).get('/v1/admin/whoami').set('authorization', `Bearer ${ADMIN_KEY}`);
    docs.check('get', '/v1/admin/whoami', whoami, 200);
  });

  // Last in the block: it sums up what the tests above checked.
  it('checked every chat route at its success and at the error statuses it answers', () => {
    expect([...docs.seen].sort()).toEqual(
      expect.arrayContaining([
        `POST ${START} 201`,
        `POST ${START} 400`,
        `POST ${START} 404`,
        `POST ${START} 409`,
        `POST ${TURNS} 200`,
        `POST ${TURNS} 400`,
        `POST ${TURNS} 404`,
        `POST ${TURNS} 409`,
        `POST ${TURNS} 413`,
        `POST ${TURNS} 415`,
        `GET ${CONVERSATION} 200`,
        `GET ${CONVERSATION} 400`,
        `GET ${CONVERSATION} 404`,
        `POST ${END} 200`,
        `POST ${END} 404`,
      ]),
    );
  });
});

describe('a turn thread’s TurnResult JSON answers as /docs-json documents it', () => {
  const { gw } = fakeLlmGatewayForSuite('openapi-chat-thread', { ...DIALER, DIALOGUE_TURN_THREADS: '1' });
  let docs: DocumentedResponses;
  const chat = documentedChat(gw, () => docs);
  beforeAll(async () => {
    docs = await loadDocument(gw);
  });

  it('scripted turn and busy callback', async () => {
    const { conversationId } = (await chat.start({ customer: { phone: '13800138204' } })).body as {
      conversationId: string;
    };
    expect(await chat.say(conversationId, '你好')).toMatchObject({ intent: { name: 'greeting' } });
    expect(await chat.say(conversationId, '我现在很忙，明天下午再打吧')).toMatchObject({
      actionDetail: { callback: { requested: '明天下午' } },
    });
    await chat.say(conversationId, '你好', 409);
  });
});
