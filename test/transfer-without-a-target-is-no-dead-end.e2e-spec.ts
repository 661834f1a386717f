// Scenario: a campaign created by its first import has no `transferTarget` (the sample campaign sets
// "sales-closers"), yet its route table transfers (ready_to_buy, ask_human, complaint; DTMF 0 on the
// phone). On Twilio <Gather> such a transfer was `<Say>` "please hold for an agent" then `<Hangup/>`:
// the caller was dropped. Now the line is said and the call is taken back as a transfer no agent
// answered: the library's failed-transfer apology in a <Gather>, and the next words are answered. The
// publish warns about the missing setting (TRANSFER_TARGET_MISSING, naming what transfers), and the
// platforms that route a transfer in their own flow (generic events here) get it without a target.
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { createLanguageCampaign } from './support/dialogue.js';
import { TELEPHONY_ENV, genericEvent, twilioVoice } from './support/telephony-env.js';
import { gatewayForSuite } from './support/suite.js';

/** data/campaigns/default/scripts.jsonl zh-transfer-failed. */
const APOLOGY = '抱歉，人工客服现在都在忙。您可以继续跟我聊，或者我安排专人稍后给您回电。';
/** Caller lines the shipped intent model classifies as ask_human and ask_price. */
const SAY = { human: '我要找人工客服', price: '一个月多少钱' };
const C = 'no-transfer-target';

describe('a transfer without a target is no dead end', () => {
  const gw = gatewayForSuite('untargeted-transfer', TELEPHONY_ENV);
  const twilioCall = (sid: string, params: Record<string, string>) =>
    twilioVoice(gw.url, sid, { From: '+8613800000711', ...params }, `?campaign=${C}`);

  beforeAll(async () => {
    await createLanguageCampaign(gw.url, 'zh', C, { transferTarget: null });
  });

  it('the publish warns that the campaign transfers without a target', async () => {
    const campaign = await request(gw.url)
      .get(`/v1/admin/campaigns/${C}`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .expect(200);
    expect(campaign.body).not.toHaveProperty('transferTarget');
    const published = await request(gw.url)
      .post(`/v1/admin/scripts/publish?campaign=${C}`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .expect(201);
    expect(published.body.warnings).toContainEqual(
      expect.objectContaining({
        code: 'TRANSFER_TARGET_MISSING',
        field: 'transferTarget',
        transfers: expect.arrayContaining(['ready_to_buy', 'ask_human', 'complaint']),
      }),
    );
  });

  it.each([
    ['asking for a person', 'CA' + '7'.repeat(32), { SpeechResult: SAY.human, Confidence: '0.9' }],
    ['the agent key (DTMF 0)', 'CA' + '8'.repeat(32), { Digits: '0' }],
  ])('Twilio <Gather>, %s: the line, then the apology in a <Gather>; the call goes on', async (_, sid, ask) => {
    await twilioCall(sid, { CallStatus: 'ringing' }).expect(200);
    const transfer = await twilioCall(sid, ask).expect(200);
    expect(transfer.text).not.toContain('<Hangup/>');
    expect(transfer.text).not.toContain('<Dial');
    expect(transfer.text).toMatch(
      new RegExp(
        `<Response><Say language="zh-CN">[^<]+</Say><Gather [^>]*><Say language="zh-CN">${APOLOGY}</Say></Gather></Response>$`,
      ),
    );
    const price = await twilioCall(sid, { SpeechResult: SAY.price, Confidence: '0.9' }).expect(200);
    expect(price.text).toMatch(/<Gather [^>]*><Say language="zh-CN">[^<]+<\/Say><\/Gather><\/Response>$/);
    expect(price.text).not.toContain(APOLOGY);
  });

  it('generic events: the transfer is handed over without a target, for the flow to route', async () => {
    const callId = 'untargeted-generic';
    await genericEvent(gw.url, {
      callId,
      event: { type: 'start', campaignId: C, phone: '+8613800000712' },
    }).expect(200);
    const transfer = await genericEvent(gw.url, {
      callId,
      eventId: 'e1',
      event: { type: 'user_text', text: SAY.human },
    }).expect(200);
    expect(transfer.body).toMatchObject({ action: 'transfer', transfer: { reason: 'ask_human' } });
    expect(transfer.body.transfer).not.toHaveProperty('target');
  });
});
