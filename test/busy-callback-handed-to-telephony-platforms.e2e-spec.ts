// Scenario: a busy caller on Twilio ConversationRelay, AudioCodes VoiceAI Connect (streaming mode) or
// Genesys Digital Bot Connector names a callback time → the bot ends the call with the callback in the
// place each platform hands back to its call flow (ConversationRelay `end` handoffData, the AudioCodes
// hangup's SIP headers on the BYE, Genesys output session variables): when it is due (ISO 8601 UTC,
// the very dueAt the dialogue scheduled), the campaign's time zone and the words it was read from.
// Real gateway + real dialogue pipeline + real Redis, over WebSocket where the platform speaks it.
import { getQueueToken } from '@nestjs/bullmq';
import request from 'supertest';
import twilio from 'twilio';
import type { Queue } from 'bullmq';
import { DIALOGUE_QUEUES } from '@huashu/dialogue';
import { jobId } from '@huashu/redis';
import { bootGateway, type Booted } from './support/boot.js';
import { createLanguageCampaign, tomorrowIn, wallHour, WebhookReceiver } from './support/dialogue.js';
import {
  AUDIOCODES_AUTH,
  frames,
  GENESYS_AUTH,
  openWs,
  startAudioCodesCall,
  TELEPHONY_ENV,
} from './support/telephony-env.js';

const ZONE = 'Asia/Shanghai';
const BUSY = '我现在很忙，明天下午再打吧';

describe('busy caller: the platform ending the call gets the callback time', () => {
  let gw: Booted;
  let dialer: WebhookReceiver;
  let queue: Queue;
  let campaignId: string;

  beforeAll(async () => {
    dialer = await WebhookReceiver.start();
    gw = await bootGateway('tel-callback', { ...TELEPHONY_ENV, DIALER_WEBHOOK_URL: dialer.url });
    queue = gw.app.get<Queue>(getQueueToken(DIALOGUE_QUEUES.callbacks));
    campaignId = await createLanguageCampaign(gw.url, 'zh', 'cb-tel', { timeZone: ZONE });
  });
  afterAll(async () => {
    await gw.close();
    await dialer.close();
  });

  /** The callback the dialogue scheduled for the conversation's first turn (and removes it). */
  async function scheduledDueAt(conversationId: string): Promise<string> {
    const job = await queue.getJob(jobId('callback', conversationId, 1));
    expect(job).toBeDefined();
    await job!.remove();
    return (job!.data as { dueAt: string }).dueAt;
  }

  it('Twilio ConversationRelay: end.handoffData carries {dueAt, timeZone, requested}', async () => {
    const relay = '/v1/telephony/twilio/relay';
    const signature = twilio.getExpectedTwilioSignature(
      TELEPHONY_ENV.TWILIO_AUTH_TOKEN,
      `${TELEPHONY_ENV.PUBLIC_BASE_URL.replace('https', 'wss')}${relay}`,
      {},
    );
    const ws = await openWs(`${gw.url.replace('http', 'ws')}${relay}`, { 'x-twilio-signature': signature });
    try {
      const setup = {
        type: 'setup',
        sessionId: 'VX' + '1'.repeat(32),
        callSid: 'CA' + '1'.repeat(32),
        from: '+8613800000801',
        to: '+861058880000',
        direction: 'inbound',
        customParameters: { campaign: campaignId },
      };
      await frames(ws, setup, (f) => f.some((x) => x.type === 'text' && x.last === true));
      const busy = await frames(ws, { type: 'prompt', voicePrompt: BUSY, lang: 'zh-CN', last: true }, (f) =>
        f.some((x) => x.type === 'end'),
      );
      const end = busy.find((f) => f.type === 'end') as { handoffData: string };
      const handoff = JSON.parse(end.handoffData) as { conversationId: string; callback: { dueAt: string } };
      expect(handoff).toEqual({
        reasonCode: 'hangup',
        reason: 'busy_call_later',
        conversationId: expect.stringMatching(/^c_/),
        callback: { dueAt: expect.stringMatching(/Z$/), timeZone: ZONE, requested: '明天下午' },
      });
      expect(wallHour(handoff.callback.dueAt, ZONE)).toBe(`${tomorrowIn(ZONE)} 15`);
      expect(handoff.callback.dueAt).toBe(await scheduledDueAt(handoff.conversationId));
    } finally {
      ws.close();
    }
  });

  it('AudioCodes streaming mode: the hangup event puts the callback in SIP headers of the BYE', async () => {
    const ws = await openWs(`${gw.url.replace('http', 'ws')}/v1/telephony/audiocodes/ws?campaign=${campaignId}`, {
      ...AUDIOCODES_AUTH,
    });
    type Acts = { type: string; name?: string; activityParams?: Record<string, unknown> }[];
    const hangupOf = (f: Record<string, unknown>) => ((f.activities as Acts) ?? []).find((a) => a.name === 'hangup');
    try {
      const send = await startAudioCodesCall(ws, 'ac-cb-1', '+8613800000802');
      const busy = await send('b', { type: 'message', text: BUSY }, (f) => f.some(hangupOf));
      const hangup = hangupOf(busy.find(hangupOf)!)!;
      const headers = hangup.activityParams?.hangupSipHeaders as { name: string; value: string }[];
      expect(hangup.activityParams?.hangupReason).toBe('busy_call_later');
      const byName = Object.fromEntries(headers.map((h) => [h.name, h.value]));
      expect(byName).toEqual({
        'X-Huashu-Conversation': expect.stringMatching(/^c_/),
        'X-Huashu-Callback-Due': expect.stringMatching(/Z$/),
        'X-Huashu-Callback-Time-Zone': ZONE,
        'X-Huashu-Callback-Requested': encodeURIComponent('明天下午'),
      });
      // Every value is printable ASCII: nothing an SBC could mangle, no line break to split the header.
      for (const h of headers) expect(h.value).toMatch(/^[\x21-\x7e]+$/);
      expect(wallHour(byName['X-Huashu-Callback-Due'], ZONE)).toBe(`${tomorrowIn(ZONE)} 15`);
      expect(byName['X-Huashu-Callback-Due']).toBe(await scheduledDueAt(byName['X-Huashu-Conversation']));
    } finally {
      ws.terminate();
    }
  });

  it('Genesys Digital Bot Connector: Complete end_conversation with callback output variables (strings)', async () => {
    const msg = (messageId: string, text: string, extra: Record<string, unknown> = {}) =>
      request(gw.url)
        .post('/v1/telephony/genesys/messages')
        .set(GENESYS_AUTH)
        .send({
          botId: campaignId,
          botSessionId: 'gs-cb-1',
          messageId,
          inputMessage: { type: 'Text', text },
          languageCode: 'zh-cn',
          ...extra,
        });
    await msg('m0', '', { parameters: { customerPhone: '+8613800000803' } }).expect(200);
    const busy = await msg('m1', BUSY).expect(200);
    expect(busy.body).toMatchObject({
      botState: 'Complete',
      intent: 'end_conversation',
      parameters: {
        action: 'hangup',
        reason: 'busy_call_later',
        callbackDueAt: expect.stringMatching(/Z$/),
        callbackTimeZone: ZONE,
        callbackRequested: '明天下午',
      },
    });
    const parameters = busy.body.parameters as Record<string, string>;
    for (const v of Object.values(parameters)) expect(typeof v).toBe('string');
    expect(wallHour(parameters.callbackDueAt, ZONE)).toBe(`${tomorrowIn(ZONE)} 15`);
    expect(parameters.callbackDueAt).toBe(await scheduledDueAt(parameters.conversationId));
  });
});
