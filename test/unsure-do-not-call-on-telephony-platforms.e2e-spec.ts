// Scenario: on the shipped sample campaign, a caller haggles in words the intent model reads as an
// unsure do_not_call. On every platform the turn that asks the confirmation question is an ordinary
// "say this and listen" turn: nothing a call flow could take for a do-not-call request (Genesys gets
// no huashuIntent=do_not_call, only huashuDoNotCall=confirming; the generic answer no intent, only
// doNotCall: "confirming"; ConversationRelay and AudioCodes only the spoken question). The caller's
// "yes" then ends the call with reason do_not_call and, where the platform carries it, "listed".
// Real gateway + real dialogue pipeline + real Redis, over WebSocket where the platform speaks it.
import request from 'supertest';
import twilio from 'twilio';
import { bootGateway, type Booted } from './support/boot.js';
import {
  AUDIOCODES_AUTH,
  frames,
  GENESYS_AUTH,
  genericEvent,
  openWs,
  startAudioCodesCall,
  TELEPHONY_ENV,
  twilioVoice,
} from './support/telephony-env.js';

/** The shipped sample campaign, as the gateway seeds it from data/campaigns/default. */
const CAMPAIGN = 'default';
/** Haggling the shipped intent model reads as do_not_call 0.48 (below doNotCallConfirmBelow 0.92). */
const HAGGLE = '能不能别再打八折了，直接打五折';
const QUESTION = '您是希望我们以后不再给您打电话了吗？';

describe('an unsure do-not-call on the telephony platforms: the question is not a request', () => {
  let gw: Booted;
  beforeAll(async () => {
    gw = await bootGateway('tel-dnc-confirm', TELEPHONY_ENV);
  });
  afterAll(async () => gw.close());

  /** Whether the number may still be called on the sample campaign. */
  const callable = async (phone: string) =>
    (await request(gw.url).post('/v1/conversations').send({ campaignId: CAMPAIGN, customer: { phone } })).status ===
    201;

  it('Genesys: MoreData with huashuDoNotCall=confirming and no huashuIntent; yes → Complete, listed', async () => {
    const phone = '+8613800000901';
    const msg = (messageId: string, text: string, extra: Record<string, unknown> = {}) =>
      request(gw.url)
        .post('/v1/telephony/genesys/messages')
        .set(GENESYS_AUTH)
        .send({
          botId: CAMPAIGN,
          botSessionId: 'gs-dnc-1',
          messageId,
          inputMessage: { type: 'Text', text },
          languageCode: 'zh-cn',
          ...extra,
        });
    await msg('m0', '', { parameters: { customerPhone: phone } }).expect(200);
    const asked = await msg('m1', HAGGLE).expect(200);
    expect(asked.body).toMatchObject({
      botState: 'MoreData',
      replyMessages: [{ type: 'Text', text: QUESTION }],
      parameters: { action: 'continue', huashuDoNotCall: 'confirming' },
    });
    expect(asked.body.intent).toBeUndefined();
    expect(asked.body.parameters).not.toHaveProperty('huashuIntent');
    expect(asked.body.parameters).not.toHaveProperty('huashuConfidence');
    expect(await callable(phone)).toBe(true);

    const yes = await msg('m2', '是的').expect(200);
    expect(yes.body).toMatchObject({
      botState: 'Complete',
      intent: 'end_conversation',
      parameters: { action: 'hangup', reason: 'do_not_call', huashuDoNotCall: 'listed', huashuIntent: 'affirm' },
    });
    expect(await callable(phone)).toBe(false);
  });

  it('generic events: continue with doNotCall "confirming" and no intent; no → declined, not listed', async () => {
    const phone = '+8613800000902';
    const post = (body: object) => genericEvent(gw.url, body).expect(200);
    await post({ callId: 'fs-dnc-1', event: { type: 'start', campaignId: CAMPAIGN, phone } });
    const asked = await post({ callId: 'fs-dnc-1', eventId: 'e1', event: { type: 'user_text', text: HAGGLE } });
    expect(asked.body).toMatchObject({ action: 'continue', doNotCall: 'confirming', reply: { text: QUESTION } });
    expect(asked.body).not.toHaveProperty('intent');
    const no = await post({ callId: 'fs-dnc-1', eventId: 'e2', event: { type: 'user_text', text: '不是' } });
    expect(no.body).toMatchObject({ action: 'continue', doNotCall: 'declined', intent: { name: 'deny' } });
    expect(await callable(phone)).toBe(true);
  });

  it('Twilio ConversationRelay: the question is spoken and the session goes on; yes → end, reason do_not_call', async () => {
    const phone = '+8613800000903';
    const relay = '/v1/telephony/twilio/relay';
    const signature = twilio.getExpectedTwilioSignature(
      TELEPHONY_ENV.TWILIO_AUTH_TOKEN,
      `${TELEPHONY_ENV.PUBLIC_BASE_URL.replace('https', 'wss')}${relay}`,
      {},
    );
    const ws = await openWs(`${gw.url.replace('http', 'ws')}${relay}`, { 'x-twilio-signature': signature });
    const lastToken = (f: Record<string, unknown>[]) => f.some((x) => x.type === 'text' && x.last === true);
    try {
      const setup = {
        type: 'setup',
        sessionId: 'VX' + '9'.repeat(32),
        callSid: 'CA' + '9'.repeat(32),
        from: phone,
        to: '+861058880000',
        direction: 'inbound',
        customParameters: { campaign: CAMPAIGN },
      };
      await frames(ws, setup, lastToken);
      const asked = await frames(ws, { type: 'prompt', voicePrompt: HAGGLE, lang: 'zh-CN', last: true }, lastToken);
      expect(asked.map((f) => f.type)).not.toContain('end');
      expect(asked.filter((f) => f.type === 'text').map((f) => f.token)).toEqual([QUESTION]);
      expect(await callable(phone)).toBe(true);

      const yes = await frames(ws, { type: 'prompt', voicePrompt: '是的', lang: 'zh-CN', last: true }, (f) =>
        f.some((x) => x.type === 'end'),
      );
      const end = yes.find((f) => f.type === 'end') as { handoffData: string };
      expect(JSON.parse(end.handoffData)).toMatchObject({ reasonCode: 'hangup', reason: 'do_not_call' });
      expect(await callable(phone)).toBe(false);
    } finally {
      ws.close();
    }
  });

  it('Twilio <Gather>: the question is said inside a <Gather>; yes → <Hangup/>', async () => {
    const phone = '+8613800000905';
    const call = (params: Record<string, string>) =>
      twilioVoice(gw.url, 'CA' + '8'.repeat(32), { From: phone, ...params }, `?campaign=${CAMPAIGN}`).expect(200);
    await call({ CallStatus: 'ringing' });
    const asked = await call({ SpeechResult: HAGGLE, Confidence: '0.9' });
    expect(asked.text).toMatch(
      new RegExp(`<Gather [^>]*><Say language="zh-CN">${QUESTION}</Say></Gather></Response>$`),
    );
    expect(await callable(phone)).toBe(true);
    const yes = await call({ SpeechResult: '是的', Confidence: '0.9' });
    expect(yes.text).toMatch(/<\/Say><Hangup\/><\/Response>$/);
    expect(await callable(phone)).toBe(false);
  });

  it('AudioCodes streaming mode: the question is a message activity, no hangup; yes → hangup, do_not_call', async () => {
    const phone = '+8613800000904';
    const ws = await openWs(`${gw.url.replace('http', 'ws')}/v1/telephony/audiocodes/ws?campaign=${CAMPAIGN}`, {
      ...AUDIOCODES_AUTH,
    });
    type Acts = { type: string; name?: string; text?: string; activityParams?: Record<string, unknown> }[];
    const acts = (got: Record<string, unknown>[]) => got.flatMap((f) => (f.activities as Acts | undefined) ?? []);
    try {
      const send = await startAudioCodesCall(ws, 'ac-dnc-1', phone);
      const asked = acts(
        await send('h', { type: 'message', text: HAGGLE }, (f) => f.some((x) => x.type === 'activities')),
      );
      expect(asked.map((a) => a.name ?? a.type)).toEqual(['message']);
      expect(asked[0].text).toBe(QUESTION);
      expect(await callable(phone)).toBe(true);

      const yes = acts(
        await send('y', { type: 'message', text: '是的' }, (f) => acts(f).some((a) => a.name === 'hangup')),
      );
      expect(yes.find((a) => a.name === 'hangup')?.activityParams?.hangupReason).toBe('do_not_call');
      expect(await callable(phone)).toBe(false);
    } finally {
      ws.terminate();
    }
  });
});
