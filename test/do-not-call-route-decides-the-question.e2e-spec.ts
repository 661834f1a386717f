// Scenario: the do-not-call listing belongs to the DESIGN §3 row of do_not_call, "hangup + do-not-call
// list" (as a busy callback belongs to busy_call_later's hangup). A campaign that routes do_not_call to
// go on or to transfer lists nothing on such a turn, so it does not ask the confirmation question
// either (the question exists because a listing is for good), and does not say the sample library's
// do_not_call lines, which announce a listing. An explicit request found by input screening is
// honoured whatever the campaign's route: goodbye, hangup, listed (DESIGN §1 step 2). Bilingual
// sample library; the question (a `confirm` script) is never said outside the confirmation step.
import request from 'supertest';
import { Chat, createSampleCampaign } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

/** Haggling the shipped intent model reads as an unsure do_not_call (the sample campaign asks about it). */
const HAGGLE = { zh: '能不能别再打八折了，直接打五折', en: "don't call 199 cheap" };
/** A sample do_not_call line or question (they announce the listing, or ask about it). */
const DNC_SCRIPT = /-(dnc-|fallback-do-not-call)/;

describe('the do_not_call route decides the question and the listing', () => {
  const gw = gatewayForSuite('dlg-dnc-route', { GENERATOR_MODE: 'inprocess' });
  let goesOn: string;
  let transfers: string;
  beforeAll(async () => {
    goesOn = await createSampleCampaign(gw.url, 'dnc-route-continue', {
      routes: { do_not_call: { route: 'script', action: 'continue' } },
    });
    transfers = await createSampleCampaign(gw.url, 'dnc-route-transfer', {
      routes: { do_not_call: { route: 'script', action: 'transfer' } },
    });
  });
  const callable = async (campaignId: string, phone: string) =>
    (await request(gw.url).post('/v1/conversations').send({ campaignId, customer: { phone } })).status === 201;

  it.each(['zh', 'en'] as const)(
    '%s, route continue: an unsure do_not_call is not asked about, nothing listed, no do_not_call line',
    async (lang) => {
      const phone = lang === 'zh' ? '13800138301' : '(415) 555-2301';
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId: goesOn, customer: { phone } });
      const turn = await chat.say(conversationId, HAGGLE[lang]);
      expect(turn).toMatchObject({ intent: { name: 'do_not_call' }, action: 'continue' });
      expect(turn.doNotCall).toBeUndefined();
      expect(turn.reply.scriptId).not.toMatch(DNC_SCRIPT);
      expect(turn.reply.scriptId.startsWith(`${lang}-`)).toBe(true);
      const [record] = await chat.audit(conversationId);
      expect(record.effects).toEqual({});
      // A "yes" now answers nothing about the list.
      const yes = await chat.say(conversationId, lang === 'zh' ? '是的' : 'yes');
      expect(yes.doNotCall).toBeUndefined();
      expect(yes.action).toBe('continue');
      expect(await callable(goesOn, phone)).toBe(true);
    },
  );

  it('route transfer: an unsure do_not_call is transferred, not asked about, nothing listed', async () => {
    const phone = '13800138302';
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: transfers, customer: { phone } });
    const turn = await chat.say(conversationId, HAGGLE.zh);
    expect(turn).toMatchObject({
      intent: { name: 'do_not_call' },
      action: 'transfer',
      reply: { scriptId: 'zh-transfer-generic' },
    });
    expect(turn.doNotCall).toBeUndefined();
    expect(await callable(transfers, phone)).toBe(true);
  });

  it.each([
    ['route continue', () => goesOn, '13800138303'],
    ['route transfer', () => transfers, '13800138304'],
  ])('%s: an explicit request is honoured: goodbye line, hangup, listed', async (_, campaignId, phone) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: campaignId(), customer: { phone } });
    const turn = await chat.say(conversationId, '以后别再给我打电话了');
    expect(turn).toMatchObject({
      intent: { name: 'do_not_call' },
      action: 'hangup',
      leadStage: 'closed',
      actionDetail: { reason: 'do_not_call' },
      doNotCall: 'listed',
    });
    expect(turn.reply.scriptId).toMatch(/^zh-(dnc-confirm|fallback-do-not-call)$/);
    expect(await callable(campaignId(), phone)).toBe(false);
  });
});
