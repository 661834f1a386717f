// Scenario: a do-not-call that only the intent model hears, below the campaign's
// `doNotCallConfirmBelow`, is asked about before the number is listed (listing is for good): the
// bot asks the approved confirmation question and the call goes on. "Yes" then lists the number and
// hangs up; "no" answers what the caller meant; anything else is answered as usual and drops the
// question; hanging up on it lists nothing. A do-not-call that input screening finds is listed at
// once, as before. The shipped sample campaign (seeded at boot, zh and en) has the confirmation
// questions; a library without one lists at once.
import request from 'supertest';
import { DEFAULT_DO_NOT_CALL_CONFIRM_BELOW } from '@huashu/campaigns';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

/** The shipped sample campaign, as the gateway seeds it from data/campaigns/default. */
const SAMPLE_CAMPAIGN = 'default';
/**
 * Haggling the shipped intent model reads as do_not_call (zh 0.48, en 0.47), which screening lets
 * through; its runner-up is objection_price in both (0.11, 0.34).
 */
const HAGGLE: Record<Lang, string> = { zh: '能不能别再打八折了，直接打五折', en: "don't call 199 cheap" };
const YES: Record<Lang, string> = { zh: '是的', en: 'yes' };
const NO: Record<Lang, string> = { zh: '不是', en: 'no' };
const SCREENED: Record<Lang, string> = { zh: '别再打了，烦死了', en: 'stop calling me' };
const OTHER: Record<Lang, string> = { zh: '多少钱一个月', en: 'how much is it per month' };

describe('an unsure do-not-call is confirmed before the number is listed', () => {
  const gw = gatewayForSuite('dlg-dnc-confirm', { GENERATOR_MODE: 'inprocess' });

  const PHONES: Record<Lang, string[]> = {
    zh: ['13800138101', '13800138102', '13800138103', '13800138104', '13800138105', '13800138106'],
    en: ['(415) 555-2681', '(415) 555-2682', '(415) 555-2683', '(415) 555-2684', '(415) 555-2685', '(415) 555-2686'],
  };
  const startStatus = async (phone: string, campaignId = SAMPLE_CAMPAIGN) =>
    (await request(gw.url).post('/v1/conversations').send({ campaignId, customer: { phone } })).status;

  /** A conversation on the sample campaign whose first turn is the haggle, checked to be asked about. */
  async function asked(lang: Lang, phone: string): Promise<{ chat: Chat; conversationId: string }> {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: SAMPLE_CAMPAIGN, customer: { phone } });
    const turn = await chat.say(conversationId, HAGGLE[lang]);
    expect(turn.intent.name).toBe('do_not_call');
    expect(turn.intent.confidence).toBeLessThan(DEFAULT_DO_NOT_CALL_CONFIRM_BELOW);
    expect(turn).toMatchObject({ route: 'script', action: 'continue', leadStage: 'new', doNotCall: 'confirming' });
    expect(turn.actionDetail).toBeUndefined();
    expect(turn.reply.scriptId).toBe(`${lang}-dnc-ask-confirm`);
    const [record] = await chat.audit(conversationId);
    expect(record.intent.source).toBe('classifier');
    expect(record.compliance.input.categories).not.toContain('do_not_call');
    expect(record.effects).toEqual({ doNotCall: 'confirming' });
    // Not listed: the number may still be called.
    expect(await startStatus(phone)).toBe(201);
    return { chat, conversationId };
  }

  describe.each(['zh', 'en'] as const)('%s, on the shipped sample campaign', (lang) => {
    it('asked, then yes: listed, goodbye, hangup, and a later call is refused', async () => {
      const phone = PHONES[lang][0];
      const { chat, conversationId } = await asked(lang, phone);
      const yes = await chat.say(conversationId, YES[lang]);
      expect(yes.intent.name).toBe('affirm');
      expect(yes).toMatchObject({
        action: 'hangup',
        leadStage: 'closed',
        actionDetail: { reason: 'do_not_call' },
        doNotCall: 'listed',
      });
      expect(yes.reply.scriptId).toMatch(new RegExp(`^${lang}-(dnc-confirm|goodbye|fallback-do-not-call)$`));
      const records = await chat.audit(conversationId);
      expect(records[1].effects).toEqual({ doNotCall: 'listed' });
      expect(records[1].intent).toMatchObject({ name: 'affirm', answered: 'do_not_call' });
      expect(await startStatus(phone)).toBe(409);
    });

    it('asked, then no: the haggle is answered as a price objection, not listed', async () => {
      const phone = PHONES[lang][1];
      const { chat, conversationId } = await asked(lang, phone);
      const no = await chat.say(conversationId, NO[lang]);
      expect(no.intent.name).toBe('deny');
      expect(no).toMatchObject({ action: 'continue', doNotCall: 'declined' });
      // One of the campaign's approved answers to a price objection (the generator's, or the fallback).
      expect(no.reply.scriptId).toMatch(new RegExp(`^${lang}-(fallback-)?objection-price`));
      const records = await chat.audit(conversationId);
      expect(records[1].effects).toEqual({ doNotCall: 'declined' });
      expect(records[1].intent).toMatchObject({ name: 'deny', answered: 'objection_price' });
      expect(await startStatus(phone)).toBe(201);
    });

    it('asked, then something else: answered as usual, the question dropped', async () => {
      const phone = PHONES[lang][2];
      const { chat, conversationId } = await asked(lang, phone);
      const other = await chat.say(conversationId, OTHER[lang]);
      expect(other.intent.name).toBe('ask_price');
      expect(other).toMatchObject({ action: 'continue', doNotCall: 'dropped' });
      // A later yes answers nothing about the list.
      const yes = await chat.say(conversationId, YES[lang]);
      expect(yes.action).toBe('continue');
      expect(yes.doNotCall).toBeUndefined();
      const records = await chat.audit(conversationId);
      expect(records[1].effects).toEqual({ doNotCall: 'dropped' });
      expect(records[2].effects).toEqual({});
      expect(await startStatus(phone)).toBe(201);
    });

    it('asked, then the caller hangs up: not listed', async () => {
      const phone = PHONES[lang][3];
      const { conversationId } = await asked(lang, phone);
      await request(gw.url).post(`/v1/conversations/${conversationId}/end`).send({ reason: 'hangup' }).expect(200);
      expect(await startStatus(phone)).toBe(201);
    });

    it('screening finds the request: listed at once', async () => {
      const phone = PHONES[lang][4];
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId: SAMPLE_CAMPAIGN, customer: { phone } });
      const turn = await chat.say(conversationId, SCREENED[lang]);
      expect(turn).toMatchObject({
        intent: { name: 'do_not_call' },
        action: 'hangup',
        leadStage: 'closed',
        doNotCall: 'listed',
      });
      const [record] = await chat.audit(conversationId);
      expect(record.intent.source).toBe('compliance');
      expect(record.effects).toEqual({ doNotCall: 'listed' });
      expect(await startStatus(phone)).toBe(409);
    });

    it('a library without a confirmation question lists at once', async () => {
      const campaignId = await createLanguageCampaign(
        gw.url,
        lang,
        `sample-${lang}-no-confirm`,
        {},
        (s) => !s.tags.includes('confirm'),
      );
      const phone = PHONES[lang][5];
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId, customer: { phone } });
      const turn = await chat.say(conversationId, HAGGLE[lang]);
      expect(turn).toMatchObject({ intent: { name: 'do_not_call' }, action: 'hangup', doNotCall: 'listed' });
      const [record] = await chat.audit(conversationId);
      expect(record.intent.source).toBe('classifier');
      expect(record.effects).toEqual({ doNotCall: 'listed' });
      expect(await startStatus(phone, campaignId)).toBe(409);
    });
  });

  it('doNotCallConfirmBelow 0 never asks: the unsure do_not_call lists at once', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'zh', 'sample-zh-confirm-off', {
      doNotCallConfirmBelow: 0,
    });
    const phone = '13800138107';
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId, customer: { phone } });
    const turn = await chat.say(conversationId, HAGGLE.zh);
    expect(turn).toMatchObject({ intent: { name: 'do_not_call' }, action: 'hangup', doNotCall: 'listed' });
    expect(await startStatus(phone, campaignId)).toBe(409);
  });

  it('en "don\'t call that a saving" (runner-up not_interested), then no: the retention attempt', async () => {
    const phone = '(415) 555-2687';
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: SAMPLE_CAMPAIGN, customer: { phone } });
    // (The model before the "Misrouted calls" corpus round gave "don't call that a deal" this runner-up; the one
    // after it gives deny.)
    const turn = await chat.say(conversationId, "don't call that a saving");
    expect(turn).toMatchObject({ intent: { name: 'do_not_call' }, doNotCall: 'confirming' });
    const no = await chat.say(conversationId, 'no');
    expect(no).toMatchObject({ action: 'continue', doNotCall: 'declined' });
    expect(no.reply.scriptId).toMatch(/^en-(retention|fallback-not-interested)/);
    const records = await chat.audit(conversationId);
    expect(records[1].intent).toMatchObject({ name: 'deny', answered: 'not_interested' });
    expect(await startStatus(phone)).toBe(201);
  });

  it('the confirmation question is no match target: the admin match never returns it, even for its own words', async () => {
    for (const text of [
      '您是希望我们以后不再给您打电话了吗？',
      'Just to confirm: would you like us to stop calling you?',
    ]) {
      const res = await request(gw.url)
        .post(`/v1/admin/scripts/match?campaign=${SAMPLE_CAMPAIGN}`)
        .set('authorization', `Bearer ${ADMIN_KEY}`)
        .send({ text, k: 50 })
        .expect(200);
      const ids = (res.body as { matches: { scriptId: string }[] }).matches.map((m) => m.scriptId);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.filter((id) => id.endsWith('-dnc-ask-confirm'))).toEqual([]);
    }
  });
});
