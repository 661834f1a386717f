// Scenario: the bot asks an interested lead for their address (zh-affirm-engaged "…请问您家是在哪个小区？",
// a campaign `questions` entry) and the lead only ever says yes. A bare yes agrees to answer without
// answering, so the question is asked again (yes-to-the-address-question-keeps-it-open); but it used to be
// asked again on every yes: three yeses, the same line three times, and the never-twice-in-a-row rule did
// not stop it (the re-ask is exempt from it, on purpose, for the first repeat). A sales floor does not lose
// a lead who keeps agreeing: after the question was asked twice, the next bare yes hands the willing lead
// to a closer, who takes the address: the yes is taken as the question's intent (ready_to_buy: transfer,
// stage hot) without an answer, and the lead summary says the address is still to be asked. How many
// times the question is asked is the question's `askAtMost` (default 2), validated as the other settings.
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

/** Bare yeses the shipped intent model reads as affirm (yes-to-the-address-question-keeps-it-open). */
const YES: Record<Lang, string[]> = {
  zh: ['好的', '好的', '好的，可以', '行', '好的', '好的，可以'],
  en: ['sure', 'sure', 'ok sure', 'yes of course', 'sure', 'ok sure'],
};
const question = (lang: Lang) => `${lang}-affirm-engaged`;

describe('the address question is asked twice, then the willing lead is handed over', () => {
  const gw = gatewayForSuite('dlg-address-twice', { GENERATOR_MODE: 'inprocess' });
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  let campaignId: string;
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'address-twice');
  });

  /** Says yes until the bot has asked the address question; returns the chat and the turns after it. */
  async function yesUntilAsked(lang: Lang, campaign = campaignId) {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: campaign, customer: { name: 'Wang' } });
    const yeses = [...YES[lang]];
    for (;;) {
      const turn = await chat.say(conversationId, yeses.shift()!);
      expect(turn).toMatchObject({ intent: { name: 'affirm' }, action: 'continue' });
      if (turn.reply.scriptId === question(lang)) break;
      expect(yeses.length).toBeGreaterThan(3);
    }
    return { chat, conversationId, yeses };
  }

  describe.each(['zh', 'en'] as const)('%s', (lang) => {
    it('asked, asked again, then the next yes transfers the hot lead with the address still to ask', async () => {
      const { chat, conversationId, yeses } = await yesUntilAsked(lang);
      const again = await chat.say(conversationId, yeses.shift()!);
      expect(again).toMatchObject({ intent: { name: 'affirm' }, action: 'continue' });
      expect(again.reply.scriptId).toBe(question(lang));

      const handed = await chat.say(conversationId, yeses.shift()!);
      expect(handed).toMatchObject({
        intent: { name: 'ready_to_buy' },
        route: 'script',
        action: 'transfer',
        leadStage: 'closed',
        actionDetail: { reason: 'ready_to_buy', target: 'sales-closers' },
      });
      expect(handed.reply.scriptId).not.toBe(question(lang));
      expect(handed.reply.scriptId).toMatch(new RegExp(`^${lang}-(fallback-)?ready-`));
      expect(handed.actionDetail?.summary).toContain('lead stage: hot');
      expect(handed.actionDetail?.summary).toContain('address: not given (asked 2 times)');
      expect(handed.actionDetail).not.toHaveProperty('answers');

      const view = await chat.view(conversationId);
      expect(view.status).toBe('ended');
      expect(view as unknown).not.toHaveProperty('answers');
      const last = (await chat.audit(conversationId)).at(-1) as unknown as Record<string, Record<string, unknown>>;
      expect(last.intent).toMatchObject({
        name: 'ready_to_buy',
        source: 'unanswered',
        question: { scriptId: question(lang), answer: 'address', asked: 2 },
      });
      // What the model said stays on record.
      expect((last.intent.ranking as { name: string }[])[0].name).toBe('affirm');
    });

    it('the question’s askAtMost: 1 hands over on the first yes to it, 3 asks it three times', async () => {
      const once = await createSampleCampaign(gw.url, `address-once-${lang}`, {
        questions: { [question(lang)]: { answer: 'address', intent: 'ready_to_buy', askAtMost: 1 } },
      });
      const first = await yesUntilAsked(lang, once);
      const handed = await first.chat.say(first.conversationId, first.yeses.shift()!);
      expect(handed).toMatchObject({ intent: { name: 'ready_to_buy' }, action: 'transfer' });
      expect(handed.actionDetail?.summary).toContain('address: not given (asked 1 time)');

      const thrice = await createSampleCampaign(gw.url, `address-thrice-${lang}`, {
        questions: { [question(lang)]: { answer: 'address', intent: 'ready_to_buy', askAtMost: 3 } },
      });
      const { chat, conversationId, yeses } = await yesUntilAsked(lang, thrice);
      for (let i = 0; i < 2; i++) {
        const again = await chat.say(conversationId, yeses.shift()!);
        expect(again).toMatchObject({ intent: { name: 'affirm' }, action: 'continue' });
        expect(again.reply.scriptId).toBe(question(lang));
      }
      const last = await chat.say(conversationId, yeses.shift()!);
      expect(last).toMatchObject({ intent: { name: 'ready_to_buy' }, action: 'transfer' });
    });
  });

  it('a bad askAtMost is refused with 400, naming it', async () => {
    const put = (askAtMost: unknown) =>
      request(gw.url)
        .put(`/v1/admin/campaigns/${campaignId}`)
        .set(auth)
        .send({ questions: { 'zh-affirm-engaged': { answer: 'address', intent: 'ready_to_buy', askAtMost } } });
    for (const bad of [0, 6, 1.5, -1, '2', true]) {
      const res = await put(bad);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'questions.zh-affirm-engaged.askAtMost' })]),
      );
    }
    const ok = await put(3).expect(200);
    // A PUT merges into the sample's entry, which keeps its kind.
    expect(ok.body.questions['zh-affirm-engaged']).toEqual({
      kind: 'address',
      answer: 'address',
      intent: 'ready_to_buy',
      askAtMost: 3,
    });
  });
});
