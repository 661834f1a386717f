// A caller whose number is hidden (SIP "anonymous", Twilio's ANONYMOUS or its keypad spelling
// +266696687) or does not parse is greeted like any other: the telephony start takes the call without
// a number (no do-not-call check: the conversation has none), and the call goes on. The chat API keeps
// its own validation: a REST client's junk number is still a 400.
import request from 'supertest';
import { AUDIOCODES_AUTH, TELEPHONY_ENV, genericEvent, twilioVoice } from './support/telephony-env.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

/** A caller line the shipped intent model classifies as ask_price. */
const PRICE = '一个月多少钱';

const gw = gatewayForSuite('withheld-caller', TELEPHONY_ENV);

const generic = (body: object) => genericEvent(gw.url, body);
const twilioCall = (sid: string, params: Record<string, string>) => twilioVoice(gw.url, sid, params);

/** TwiML that says a line inside a <Gather> (the caller is spoken to and listened to). */
const SAYS_AND_LISTENS = /<Gather [^>]*><Say language="zh-CN">[^<]+<\/Say><\/Gather><\/Response>$/;

describe('a withheld or unparseable caller number is still greeted', () => {
  it.each(['anonymous', '+266696687', 'Restricted', '12'])(
    'generic start with phone %s: greeted, and the call goes on',
    async (phone) => {
      const callId = `withheld-${phone.replace(/[^A-Za-z0-9]/g, 'x')}`;
      const start = await generic({ callId, event: { type: 'start', phone } }).expect(200);
      expect(start.body).toMatchObject({ callId, action: 'continue', turn: 0, degraded: false });
      expect(start.body.reply.text.length).toBeGreaterThan(0);
      const price = await generic({ callId, eventId: 'e1', event: { type: 'user_text', text: PRICE } }).expect(200);
      expect(price.body).toMatchObject({ action: 'continue', intent: { name: 'ask_price' }, turn: 1 });
    },
  );

  it.each([
    ['anonymous', 'CA' + '1'.repeat(32)],
    ['+266696687', 'CA' + '2'.repeat(32)],
  ])('Twilio voice webhook From=%s: greeted with <Gather><Say>, then answered', async (from, sid) => {
    const greet = await twilioCall(sid, { From: from, CallStatus: 'ringing' }).expect(200);
    expect(greet.text).toMatch(SAYS_AND_LISTENS);
    const price = await twilioCall(sid, { From: from, SpeechResult: PRICE, Confidence: '0.9' }).expect(200);
    expect(price.text).toMatch(SAYS_AND_LISTENS);
    expect(price.text).not.toBe(greet.text);
  });

  it('AudioCodes start with caller "anonymous": greeted, then answered', async () => {
    const conv = 'ac-withheld-1';
    const ac = (path: string, body: unknown) =>
      request(gw.url)
        .post(`/v1/telephony/audiocodes${path}`)
        .set(AUDIOCODES_AUTH)
        .send(body as object);
    await ac('', { conversation: conv }).expect(200);
    const act = (id: string, a: Record<string, unknown>) =>
      ac(`/conversations/${conv}/activities`, {
        conversation: conv,
        activities: [{ id, timestamp: new Date().toISOString(), ...a }],
      });
    const greet = await act('a1', { type: 'event', name: 'start', parameters: { caller: 'anonymous' } }).expect(200);
    expect(greet.body.activities).toMatchObject([{ type: 'message', text: expect.any(String) }]);
    const price = await act('a2', { type: 'message', text: PRICE }).expect(200);
    expect(price.body.activities).toMatchObject([{ type: 'message', text: expect.any(String) }]);
  });

  it('the conversation has no number, and the chat API still refuses a junk one', async () => {
    const start = await generic({ callId: 'withheld-view', event: { type: 'start', phone: 'anonymous' } }).expect(200);
    const view = await request(gw.url).get(`/v1/conversations/${start.body.conversationId}`).expect(200);
    expect(view.body.customer.phone).toBeUndefined();
    expect(view.body.metadata).toMatchObject({ callerNumber: 'withheld' });
    expectError(
      await request(gw.url)
        .post('/v1/conversations')
        .send({ customer: { phone: 'anonymous' } }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
