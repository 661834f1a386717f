// What a telephony caller hears around the dialogue's turns: a reprompt (a key without meaning,
// silence, empty speech) repeats the last prompt and is no failure (`degraded: false`); the third
// silence in a row ends the call with the goodbye, not a silent hangup; the agent key (DTMF 0)
// announces the transfer before the line goes to <Dial>.
import { TELEPHONY_ENV, genericEvent, twilioVoice } from './support/telephony-env.js';
import { gatewayForSuite } from './support/suite.js';

/** data/campaigns/default/scripts.jsonl zh-goodbye (the campaign's goodbyeScriptId). */
const GOODBYE = '好的，感谢您抽出时间接听，祝您生活愉快，再见！';
/** zh-transfer-generic: the library's transfer line. */
const TRANSFER = '好的，我为您转接专员，请不要挂机，稍等一下。';

const gw = gatewayForSuite('telephony-reprompts', TELEPHONY_ENV);

const generic = (body: object) => genericEvent(gw.url, body);
const twilioCall = (sid: string, params: Record<string, string>) =>
  twilioVoice(gw.url, sid, { From: '+8613800000621', ...params });

describe('telephony reprompts and endings', () => {
  it('reprompts are not degraded; the third silence says goodbye and hangs up', async () => {
    const callId = 'rp-1';
    const start = await generic({ callId, event: { type: 'start', phone: '+8613800000622' } }).expect(200);
    const opening = start.body.reply.text as string;
    for (const [eventId, event] of [
      ['k5', { type: 'dtmf', digits: '5' }],
      ['empty', { type: 'user_text', text: '  ' }],
      // Control characters alone say nothing either: a silence, not a turn.
      ['controls', { type: 'user_text', text: '\u0000\u0007' }],
      ['n1', { type: 'no_input', count: 1 }],
      ['n2', { type: 'no_input', count: 2 }],
    ] as const) {
      const res = await generic({ callId, eventId, event }).expect(200);
      expect(res.body).toMatchObject({ action: 'continue', reply: { text: opening }, reprompt: true, degraded: false });
    }
    const third = await generic({ callId, eventId: 'n3', event: { type: 'no_input', count: 3 } }).expect(200);
    expect(third.body).toMatchObject({
      action: 'hangup',
      hangup: { reason: 'no_input' },
      reply: { text: GOODBYE },
      degraded: false,
    });
  });

  it('generic: DTMF 0 says the transfer line with the transfer', async () => {
    const callId = 'rp-2';
    await generic({ callId, event: { type: 'start', phone: '+8613800000623' } }).expect(200);
    const res = await generic({ callId, eventId: 'k0', event: { type: 'dtmf', digits: '0' } }).expect(200);
    expect(res.body).toMatchObject({
      action: 'transfer',
      reply: { text: TRANSFER },
      transfer: { target: 'sales-closers', reason: 'dtmf_agent_request' },
    });
  });

  it('Twilio: DTMF 0 is <Say> then <Dial>; the third silence is <Say> then <Hangup/>', async () => {
    const sid = 'CA' + 'f'.repeat(32);
    await twilioCall(sid, { CallStatus: 'ringing' }).expect(200);
    const key0 = await twilioCall(sid, { Digits: '0' }).expect(200);
    expect(key0.text).toMatch(
      new RegExp(`<Response><Say language="zh-CN">${TRANSFER}</Say><Dial [^>]*>sales-closers</Dial></Response>$`),
    );
    const quiet = 'CA' + '9'.repeat(32);
    await twilioCall(quiet, { CallStatus: 'ringing', From: '+8613800000624' }).expect(200);
    await twilioCall(quiet, { From: '+8613800000624' }).expect(200);
    await twilioCall(quiet, { From: '+8613800000624' }).expect(200);
    const third = await twilioCall(quiet, { From: '+8613800000624' }).expect(200);
    expect(third.text).toMatch(new RegExp(`<Response><Say language="zh-CN">${GOODBYE}</Say><Hangup/></Response>$`));
  });
});
