// Scenario: a do-not-call that only the intent model hears, below the campaign's
// `doNotCallConfirmBelow`, is asked about before the number is listed (listing is for good): the
// bot asks the approved confirmation question and the call goes on. "Yes" then lists the number and
// hangs up; "no" goes on unlisted; anything else is answered as usual and drops the question. A
// do-not-call that input screening finds is listed at once, as before. The sample library has no
// confirmation question: the campaigns here get one the way a script editor adds it (admin API, publish).
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

/** Haggling the shipped intent model reads as do_not_call (0.48 for both), which screening lets through. */
const UNSURE: Record<Lang, string> = { zh: '能不能别再打八折了，直接打五折', en: "don't call that a deal" };
const YES: Record<Lang, string> = { zh: '是的', en: 'yes' };
const NO: Record<Lang, string> = { zh: '不是', en: 'no' };
const SCREENED: Record<Lang, string> = { zh: '别再打了，烦死了', en: 'stop calling me' };
/** The shipped model's second intent for UNSURE. */
const RUNNER_UP: Record<Lang, string> = { zh: 'objection_price', en: 'not_interested' };
const OTHER: Record<Lang, string> = { zh: '多少钱一个月', en: 'how much is it per month' };
const CONFIRM: Record<Lang, string> = {
  zh: '您是希望我们以后不再给您打电话了吗？',
  en: 'Just to confirm: would you like us to stop calling you?',
};
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

/** The campaign's confirmation question, added and published as a script editor would. */
async function addConfirmation(url: string, campaignId: string, lang: Lang): Promise<void> {
  await request(url)
    .post(`/v1/admin/scripts?campaign=${campaignId}`)
    .set(admin)
    .send({ id: `${lang}-dnc-ask-confirm`, text: CONFIRM[lang], intent: 'do_not_call', tags: [lang, 'confirm'] })
    .expect(201);
  await request(url).post(`/v1/admin/scripts/publish?campaign=${campaignId}`).set(admin).expect(201);
}

describe('an unsure do-not-call is confirmed before the number is listed', () => {
  const gw = gatewayForSuite('dlg-dnc-confirm', { GENERATOR_MODE: 'inprocess' });
  const campaigns = {} as Record<Lang, string>;
  beforeAll(async () => {
    for (const lang of ['zh', 'en'] as const) {
      campaigns[lang] = await createLanguageCampaign(gw.url, lang);
      await addConfirmation(gw.url, campaigns[lang], lang);
    }
  });

  const PHONES: Record<Lang, string[]> = {
    zh: ['13800138101', '13800138102', '13800138103', '13800138104', '13800138105'],
    en: ['(415) 555-2681', '(415) 555-2682', '(415) 555-2683', '(415) 555-2684', '(415) 555-2685'],
  };
  const startStatus = async (lang: Lang, phone: string) =>
    (await request(gw.url).post('/v1/conversations').send({ campaignId: campaigns[lang], customer: { phone } })).status;

  /** A conversation whose first turn is the unsure do-not-call, checked to be asked about. */
  async function asked(lang: Lang, phone: string): Promise<{ chat: Chat; conversationId: string }> {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: campaigns[lang], customer: { phone } });
    const turn = await chat.say(conversationId, UNSURE[lang]);
    expect(turn.intent.name).toBe('do_not_call');
    expect(turn.intent.confidence).toBeLessThan(0.92);
    expect(turn).toMatchObject({ route: 'script', action: 'continue', leadStage: 'new' });
    expect(turn.actionDetail).toBeUndefined();
    expect(turn.reply.scriptId).toBe(`${lang}-dnc-ask-confirm`);
    const [record] = await chat.audit(conversationId);
    expect(record.intent.source).toBe('classifier');
    expect(record.compliance.input.categories).not.toContain('do_not_call');
    expect(record.effects).toEqual({ doNotCall: 'confirming' });
    // Not listed: the number may still be called.
    expect(await startStatus(lang, phone)).toBe(201);
    return { chat, conversationId };
  }

  describe.each(['zh', 'en'] as const)('%s', (lang) => {
    it('asked, then yes: listed, goodbye, hangup, and a later call is refused', async () => {
      const phone = PHONES[lang][0];
      const { chat, conversationId } = await asked(lang, phone);
      const yes = await chat.say(conversationId, YES[lang]);
      expect(yes.intent.name).toBe('affirm');
      expect(yes).toMatchObject({ action: 'hangup', leadStage: 'closed', actionDetail: { reason: 'do_not_call' } });
      expect(yes.reply.scriptId).toMatch(new RegExp(`^${lang}-(dnc-confirm|goodbye|fallback-do-not-call)$`));
      const records = await chat.audit(conversationId);
      expect(records[1].effects).toEqual({ doNotCall: 'listed' });
      expect(records[1].intent).toMatchObject({ name: 'affirm', answered: 'do_not_call' });
      expect(await startStatus(lang, phone)).toBe(409);
    });

    it('asked, then no: the call goes on, not listed', async () => {
      const phone = PHONES[lang][1];
      const { chat, conversationId } = await asked(lang, phone);
      const no = await chat.say(conversationId, NO[lang]);
      expect(no.intent.name).toBe('deny');
      expect(no.action).toBe('continue');
      expect(no.reply.scriptId).not.toMatch(/dnc|goodbye|do-not-call/);
      const records = await chat.audit(conversationId);
      expect(records[1].effects).toEqual({ doNotCall: 'declined' });
      // The asking utterance is answered as its runner-up intent (zh: objection_price, en: not_interested).
      expect(records[1].intent).toMatchObject({ name: 'deny', answered: RUNNER_UP[lang] });
      expect(await startStatus(lang, phone)).toBe(201);
    });

    it('asked, then something else: answered as usual, the question dropped', async () => {
      const phone = PHONES[lang][2];
      const { chat, conversationId } = await asked(lang, phone);
      const other = await chat.say(conversationId, OTHER[lang]);
      expect(other.intent.name).toBe('ask_price');
      expect(other.action).toBe('continue');
      // A later yes answers nothing about the list.
      const yes = await chat.say(conversationId, YES[lang]);
      expect(yes.action).toBe('continue');
      const records = await chat.audit(conversationId);
      expect(records[1].effects).toEqual({ doNotCall: 'dropped' });
      expect(records[2].effects).toEqual({});
      expect(await startStatus(lang, phone)).toBe(201);
    });

    it('a library without a confirmation question (the sample) lists at once, as before', async () => {
      const campaignId = await createLanguageCampaign(gw.url, lang, `sample-${lang}-no-confirm`);
      const phone = PHONES[lang][4];
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId, customer: { phone } });
      const turn = await chat.say(conversationId, UNSURE[lang]);
      expect(turn).toMatchObject({ intent: { name: 'do_not_call' }, action: 'hangup' });
      const [record] = await chat.audit(conversationId);
      expect(record.intent.source).toBe('classifier');
      expect(record.effects).toEqual({ doNotCall: 'listed' });
    });

    it('screening finds the request: listed at once', async () => {
      const phone = PHONES[lang][3];
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId: campaigns[lang], customer: { phone } });
      const turn = await chat.say(conversationId, SCREENED[lang]);
      expect(turn).toMatchObject({ intent: { name: 'do_not_call' }, action: 'hangup', leadStage: 'closed' });
      const [record] = await chat.audit(conversationId);
      expect(record.intent.source).toBe('compliance');
      expect(record.effects).toEqual({ doNotCall: 'listed' });
      expect(await startStatus(lang, phone)).toBe(409);
    });
  });
});
