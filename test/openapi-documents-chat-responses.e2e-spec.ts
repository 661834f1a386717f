// Scenario: a client generates its SDK from /docs-json. Real responses of the chat API (greeting,
// scripted, generated, transfer, busy callback, do-not-call confirmation, view, end, errors) must
// each match the schema the document gives for that route and status, with undocumented fields
// refused (additionalProperties: false applied here), so a field missing from the document fails;
// and every route/status pair the document names for the chat routes must be seen here (500 and 503
// provoked with a Redis that refuses every key, then is stopped), except the one race listed below.
// Real gateway, Redis, models and index; the LLM is the local fake server. Turns run in the event
// loop and, in the second block, in a turn thread (whose JSON the route sends as it is).
import type { Response } from 'supertest';
import type { TurnResult } from '@huashu/dialogue';
import { ADMIN_KEY, type Booted } from './support/boot.js';
import {
  checkedRequest,
  checkStorageFailures,
  loadDocument,
  type DocumentedRequest,
  type DocumentedResponses,
  routeOf,
  type Method,
} from './support/openapi.js';
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
/** The chat routes: what this spec checks (the audit and whoami are the admin spec's). */
const CHAT = (path: string): boolean => path.startsWith(START);
const CHAT_KEY = 'openapi-chat-key-0123456789';
/**
 * Documented pairs only a race answers (/end while a turn of the conversation holds its lock longer
 * than CONVERSATION_LOCK_WAIT_MS): the same ErrorBodyDto, checked at every other status.
 */
const ONLY_UNDER_RACE = [`POST ${END} 409`];
const chatKey = { authorization: `Bearer ${CHAT_KEY}` };

/** A chat client (with `headers`) whose every response is checked against the document. */
function documentedChat(gw: Booted, docs: () => DocumentedResponses, headers: Record<string, string> = {}) {
  const send = (method: Method, path: string, status: number, req: DocumentedRequest = {}): Promise<Response> =>
    checkedRequest(gw.url, docs(), method, path, status, { headers, ...req });
  const start = (body: object, status = 201): Promise<Response> => send('post', START, status, { body });
  const say = async (id: string, text: string, status = 200): Promise<TurnResult> => {
    const res = await send('post', TURNS, status, { url: `/v1/conversations/${id}/turns`, body: { text } });
    return JSON.parse(res.text) as TurnResult;
  };
  return { send, start, say };
}

describe('the chat API answers as /docs-json documents it', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('openapi-chat', { ...DIALER, CHAT_API_KEYS: CHAT_KEY });
  let docs: DocumentedResponses;
  const chat = documentedChat(gw, () => docs, chatKey);
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

    const view = await chat.send('get', CONVERSATION, 200, { url: `/v1/conversations/${conversationId}` });
    expect(view.body).toMatchObject({ status: 'ended', customer: { phone: expect.stringContaining('*') } });
    expect(view.body.endedAt).toEqual(expect.any(String));
    const roles = new Set((view.body.transcript as { role: string }[]).map((e) => e.role));
    expect([...roles].sort()).toEqual(['bot', 'customer', 'event']);

    // A turn on an ended conversation, and /end (idempotent) on it.
    await chat.say(conversationId, '你好', 409);
    await chat.send('post', END, 200, { url: `/v1/conversations/${conversationId}/end`, body: {} });

    // /end on a live conversation with a reason; without a name or phone.
    const other = (await chat.start({})).body as { conversationId: string };
    const ended = await chat.send('post', END, 200, {
      url: `/v1/conversations/${other.conversationId}/end`,
      body: { reason: 'customer hung up' },
    });
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
    const unknown = `/v1/conversations/c_doesnotexist000`;
    const big = { text: 'x'.repeat(gw.config.http.bodyLimitBytes) };
    await chat.send('get', CONVERSATION, 404, { url: unknown });
    await chat.send('get', CONVERSATION, 400, { url: '/v1/conversations/not-an-id' });
    await chat.say('c_doesnotexist000', 'hello', 404);
    await chat.send('post', TURNS, 400, { url: `${unknown}/turns`, body: {} });
    await chat.send('post', END, 404, { url: `${unknown}/end`, body: {} });
    await chat.send('post', END, 400, { url: `${unknown}/end`, body: { reason: 5 } });
    for (const [url, path] of [
      [START, START],
      [`${unknown}/turns`, TURNS],
      [`${unknown}/end`, END],
    ]) {
      await chat.send('post', path, 415, { url, type: 'text/plain', body: 'hi' });
      await chat.send('post', path, 413, { url, body: big });
    }
    await chat.start({ campaignId: 'no-such-campaign' }, 404);
    await chat.start({ channel: 'fax' }, 400);
    // CHAT_API_KEYS is set: every chat route refuses a request without a key.
    for (const pair of docs.documented(CHAT).filter((p) => p.endsWith(' 401'))) {
      const { method, path } = routeOf(pair);
      const url = path.replace('{id}', 'c_doesnotexist000');
      await chat.send(method, path, 401, { url, headers: {}, body: method === 'post' ? {} : undefined });
    }
  });

  it('500 with the requestId while Redis refuses every key, 503 while it is down, on every chat route', async () => {
    const url = '/v1/conversations/c_doesnotexist000';
    await checkStorageFailures(
      docs,
      CHAT,
      {
        [`POST ${START}`]: { headers: chatKey, body: {} },
        [`POST ${TURNS}`]: { headers: chatKey, url: `${url}/turns`, body: { text: '你好' } },
        [`GET ${CONVERSATION}`]: { headers: chatKey, url },
        [`POST ${END}`]: { headers: chatKey, url: `${url}/end`, body: {} },
      },
      { CHAT_API_KEYS: CHAT_KEY },
    );
  });

  it('the conversation audit and whoami answer as documented, 401 without a key', async () => {
    const { conversationId } = (await chat.start({})).body as { conversationId: string };
    await chat.say(conversationId, '你好');
    const path = '/v1/admin/conversations/{id}/audit';
    const url = `/v1/admin/conversations/${conversationId}/audit`;
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    await chat.send('get', path, 200, { url, headers: admin });
    await chat.send('get', path, 401, { url, headers: {} });
    await chat.send('get', '/v1/admin/whoami', 200, { headers: admin });
  });

  // Last in the block: it sums up what the tests above checked.
  it('checked every chat route at each status it documents', () => {
    docs.expectEverySeen(CHAT, ONLY_UNDER_RACE);
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
