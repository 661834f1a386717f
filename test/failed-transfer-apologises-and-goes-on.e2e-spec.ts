// A transfer that reaches no agent (busy, no answer) gives the call back to the bot: the conversation
// is reopened, the caller hears the library's apology (a script tagged `transfer_failed`, not the
// transfer promise again) and the next thing they say is answered as before. Nothing in the pipeline
// failed, so nothing is degraded. Generic events, and Twilio's <Dial action> callback (DialCallStatus).
import request from 'supertest';
import { TELEPHONY_ENV, genericEvent, twilioVoice } from './support/telephony-env.js';
import { gatewayForSuite } from './support/suite.js';

/** data/campaigns/default/scripts.jsonl zh-transfer-failed. */
const APOLOGY = '抱歉，人工客服现在都在忙。您可以继续跟我聊，或者我安排专人稍后给您回电。';
/** Caller lines the shipped intent model classifies as ask_human and ask_price. */
const SAY = { human: '我要找人工客服', price: '一个月多少钱' };

const gw = gatewayForSuite('failed-transfer', TELEPHONY_ENV);

const generic = (body: object) => genericEvent(gw.url, body);
const twilioCall = (sid: string, params: Record<string, string>) =>
  twilioVoice(gw.url, sid, { From: '+8613800000611', ...params });

describe('a failed transfer apologises and the call goes on', () => {
  it.each([
    ['the agent key (DTMF 0)', 'tf-dtmf', { type: 'dtmf', digits: '0' }],
    ['asking for a person', 'tf-human', { type: 'user_text', text: SAY.human }],
  ])('generic events: %s → transfer fails → apology → next turn answered', async (_, callId, ask) => {
    await generic({ callId, event: { type: 'start', phone: '+8613800000612' } }).expect(200);
    const transfer = await generic({ callId, eventId: 'e1', event: ask }).expect(200);
    expect(transfer.body).toMatchObject({ action: 'transfer', transfer: { target: 'sales-closers' } });
    const failed = await generic({
      callId,
      eventId: 'e2',
      event: { type: 'transfer_result', status: 'failed', reason: 'busy' },
    }).expect(200);
    expect(failed.body).toMatchObject({
      action: 'continue',
      reply: { text: APOLOGY },
      degraded: false,
      reprompt: false,
    });
    const price = await generic({ callId, eventId: 'e3', event: { type: 'user_text', text: SAY.price } }).expect(200);
    expect(price.body).toMatchObject({ action: 'continue', intent: { name: 'ask_price' }, degraded: false });
    expect(price.body.reply.text).not.toBe(APOLOGY);

    const view = await request(gw.url).get(`/v1/conversations/${price.body.conversationId}`).expect(200);
    expect(view.body.status).toBe('active');
    expect(view.body.transcript.map((e: { role: string; text: string }) => e.text)).toContain(APOLOGY);
  });

  it('Twilio: <Dial> ends busy → the apology in a <Gather>, and the next words are answered', async () => {
    const sid = 'CA' + 'e'.repeat(32);
    await twilioCall(sid, { CallStatus: 'ringing' }).expect(200);
    const transfer = await twilioCall(sid, { SpeechResult: SAY.human, Confidence: '0.9' }).expect(200);
    expect(transfer.text).toMatch(/<Say language="zh-CN">[^<]+<\/Say><Dial [^>]*>sales-closers<\/Dial><\/Response>$/);
    const busy = await twilioCall(sid, { DialCallStatus: 'busy' }).expect(200);
    expect(busy.text).toMatch(new RegExp(`<Gather [^>]*><Say language="zh-CN">${APOLOGY}</Say></Gather></Response>$`));
    const price = await twilioCall(sid, { SpeechResult: SAY.price, Confidence: '0.9' }).expect(200);
    expect(price.text).toMatch(/<Gather [^>]*><Say language="zh-CN">[^<]+<\/Say><\/Gather><\/Response>$/);
    expect(price.text).not.toContain(APOLOGY);
  });
});
