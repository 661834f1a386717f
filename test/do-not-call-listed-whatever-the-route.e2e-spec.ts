// Scenario: an opt-out is a legal obligation, so a sure do-not-call lists the number whatever the
// campaign routes do_not_call to (DESIGN §3: "hangup + do-not-call list"), and an unsure one is asked
// about first on any route. Only what is said and the action follow the campaign's route: a campaign
// that routes do_not_call to go on or to transfer lists the number (doNotCall "listed") but says none of
// the sample library's do_not_call lines, which say goodbye; it goes on with a fallback line, or
// announces the transfer with the generic transfer script. An explicit request found by input
// screening, even as the answer to the question, takes the DESIGN §1 step 2 row: goodbye line, hangup.
import request from 'supertest';
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

/** Haggling the shipped intent model reads as an unsure do_not_call (the sample campaign asks about it). */
const HAGGLE: Record<Lang, string> = { zh: '能不能别再打八折了，直接打五折', en: "don't call 199 cheap" };
const YES: Record<Lang, string> = { zh: '是的', en: 'yes' };
/** An explicit request input screening finds. */
const REQUEST = '以后别再给我打电话了';
/** A sample do_not_call line that announces the listing and says goodbye. */
const LISTING_LINE = /-(dnc-confirm|fallback-do-not-call)$/;

describe('a do-not-call is listed whatever the campaign routes do_not_call to', () => {
  const gw = gatewayForSuite('dlg-dnc-route', { GENERATOR_MODE: 'inprocess' });
  let goesOn: string;
  let goesOnSure: string;
  let transfers: string;
  beforeAll(async () => {
    const continueRoute = { do_not_call: { route: 'script', action: 'continue' } };
    goesOn = await createSampleCampaign(gw.url, 'dnc-route-continue', { routes: continueRoute });
    // No confidence is below 0: every do_not_call the model hears is sure, none asked about.
    goesOnSure = await createSampleCampaign(gw.url, 'dnc-route-continue-sure', {
      routes: continueRoute,
      doNotCallConfirmBelow: 0,
    });
    transfers = await createSampleCampaign(gw.url, 'dnc-route-transfer', {
      routes: { do_not_call: { route: 'script', action: 'transfer' } },
    });
  });
  const callable = async (campaignId: string, phone: string) =>
    (await request(gw.url).post('/v1/conversations').send({ campaignId, customer: { phone } })).status === 201;

  /** A conversation whose haggle was asked about, on `campaignId`. */
  async function asked(campaignId: string, lang: Lang, phone: string) {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId, customer: { phone } });
    const turn = await chat.say(conversationId, HAGGLE[lang]);
    expect(turn).toMatchObject({
      intent: { name: 'do_not_call' },
      action: 'continue',
      doNotCall: 'confirming',
      reply: { scriptId: `${lang}-dnc-ask-confirm` },
    });
    expect(await callable(campaignId, phone)).toBe(true);
    return { chat, conversationId };
  }

  it.each(['zh', 'en'] as const)(
    '%s, route continue: an unsure do_not_call is asked about; "yes" lists, the call goes on, no listing line',
    async (lang) => {
      const phone = lang === 'zh' ? '13800138301' : '(415) 555-2301';
      const { chat, conversationId } = await asked(goesOn, lang, phone);
      const yes = await chat.say(conversationId, YES[lang]);
      expect(yes).toMatchObject({ action: 'continue', doNotCall: 'listed' });
      expect(yes.reply.scriptId).not.toMatch(LISTING_LINE);
      expect(yes.reply.scriptId.startsWith(`${lang}-`)).toBe(true);
      const records = await chat.audit(conversationId);
      expect(records[1].effects).toEqual({ doNotCall: 'listed' });
      expect(await callable(goesOn, phone)).toBe(false);
    },
  );

  it.each(['zh', 'en'] as const)(
    '%s, route continue: a sure do_not_call lists at once, the call goes on, no listing line',
    async (lang) => {
      const phone = lang === 'zh' ? '13800138305' : '(415) 555-2305';
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId: goesOnSure, customer: { phone } });
      const turn = await chat.say(conversationId, HAGGLE[lang]);
      expect(turn).toMatchObject({ intent: { name: 'do_not_call' }, action: 'continue', doNotCall: 'listed' });
      expect(turn.reply.scriptId).not.toMatch(/-dnc-/);
      expect(turn.reply.scriptId).not.toMatch(LISTING_LINE);
      expect(await callable(goesOnSure, phone)).toBe(false);
    },
  );

  it('route transfer: an unsure do_not_call is asked about; "yes" lists and transfers', async () => {
    const phone = '13800138302';
    const { chat, conversationId } = await asked(transfers, 'zh', phone);
    const yes = await chat.say(conversationId, YES.zh);
    expect(yes).toMatchObject({
      action: 'transfer',
      actionDetail: { reason: 'do_not_call' },
      doNotCall: 'listed',
      reply: { scriptId: 'zh-transfer-generic' },
    });
    expect(await callable(transfers, phone)).toBe(false);
  });

  it.each([
    ['route continue', () => goesOn, '13800138303'],
    ['route transfer', () => transfers, '13800138304'],
  ])('%s: an explicit request is honoured: goodbye line, hangup, listed', async (_, campaignId, phone) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: campaignId(), customer: { phone } });
    const turn = await chat.say(conversationId, REQUEST);
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

  it('route continue: an explicit request answering the question is honoured as one: hangup, listed', async () => {
    const phone = '13800138306';
    const { chat, conversationId } = await asked(goesOn, 'zh', phone);
    const turn = await chat.say(conversationId, REQUEST);
    expect(turn).toMatchObject({
      intent: { name: 'do_not_call' },
      action: 'hangup',
      actionDetail: { reason: 'do_not_call' },
      doNotCall: 'listed',
    });
    expect(turn.reply.scriptId).toMatch(/^zh-(dnc-confirm|fallback-do-not-call)$/);
    expect(await callable(goesOn, phone)).toBe(false);
  });
});
