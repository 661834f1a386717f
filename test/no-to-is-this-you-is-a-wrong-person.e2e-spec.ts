// Scenario: the opening asks who answered ("您好，请问是王先生吗？…", "Hello, am I speaking with Tom? …"; with no
// name "请问是机主吗"). The sample campaign declares the openings questions of kind `identity`, so a bare no right
// after the opening (不是, "No": the intent model's deny) is a wrong person: the wrong-person line and hangup.
// Before, only 我不是 reached wrong_person; 不是 and "No" heard the soft-deny pitch (zh-deny-soft
// "没关系…我只用半分钟说一下重点"). A yes goes on as before, and a no to the offer the zh opening also makes (不用了)
// or to the time it asks for (没时间) is what it was: not interested, busy.
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

/** The shipped sample campaign, as the gateway seeds it from data/campaigns/default (zh; en by the start's hint). */
const SAMPLE_CAMPAIGN = 'default';
const NAME: Record<Lang, string> = { zh: '王先生', en: 'Tom' };
const NO: Record<Lang, string[]> = { zh: ['不是', '不对'], en: ['No', 'nope'] };
const YES: Record<Lang, string> = { zh: '是的', en: 'yes' };

describe('a no to "is this you?" is a wrong person', () => {
  const gw = gatewayForSuite('dlg-identity-no', { GENERATOR_MODE: 'inprocess' });

  async function opened(lang: Lang, name?: string): Promise<{ chat: Chat; conversationId: string; text: string }> {
    const chat = new Chat(gw.url);
    const { conversationId, reply } = await chat.start({
      campaignId: SAMPLE_CAMPAIGN,
      customer: { ...(name ? { name } : {}), ...(lang === 'en' ? { language: 'en' } : {}) },
    });
    expect(reply?.scriptId).toBe(`${lang}-opening`);
    return { chat, conversationId, text: reply!.text };
  }

  describe.each(['zh', 'en'] as const)('%s', (lang) => {
    it.each([
      ['named', NAME[lang]],
      ['no name', undefined],
    ])('%s: a no to the opening → the wrong-person line and hangup', async (_, name) => {
      for (const no of NO[lang]) {
        const { chat, conversationId, text } = await opened(lang, name);
        if (name) expect(text).toContain(name);
        else expect(text).toContain(lang === 'zh' ? '请问是机主吗' : 'am I speaking with the account holder?');
        const turn = await chat.say(conversationId, no);
        expect(turn).toMatchObject({
          intent: { name: 'wrong_person' },
          route: 'script',
          action: 'hangup',
          leadStage: 'closed',
          actionDetail: { reason: 'wrong_person' },
        });
        expect(turn.reply.scriptId).toBe(`${lang}-wrong-person`);
        const record = (await chat.audit(conversationId)).at(-1)!;
        expect(record.intent).toMatchObject({ source: 'answer', question: { scriptId: `${lang}-opening` } });
        // What the model said stays on record.
        expect((record.intent as unknown as { ranking: { name: string }[] }).ranking[0].name).toBe('deny');
        expect((await chat.view(conversationId)).status).toBe('ended');
      }
    });

    it('a yes to the opening goes on as before', async () => {
      const { chat, conversationId } = await opened(lang, NAME[lang]);
      const turn = await chat.say(conversationId, YES[lang]);
      expect(turn).toMatchObject({ intent: { name: 'affirm' }, action: 'continue', leadStage: 'engaged' });
      expect(turn.reply.scriptId).toBe(`${lang}-affirm-continue`);
    });

    it('a no later in the call is still a no (the identity question was the opening only)', async () => {
      const { chat, conversationId } = await opened(lang, NAME[lang]);
      await chat.say(conversationId, YES[lang]);
      const turn = await chat.say(conversationId, NO[lang][0]);
      expect(turn.intent.name).toBe('deny');
      expect(turn.action).toBe('continue');
    });
  });

  it.each([
    ['不用了', 'not_interested'],
    ['没时间', 'busy_call_later'],
  ])('zh: %s after the opening is what it was (%s), not a wrong person', async (text, intent) => {
    const { chat, conversationId } = await opened('zh', NAME.zh);
    const turn = await chat.say(conversationId, text);
    expect(turn.intent.name).toBe(intent);
    expect(turn.reply.scriptId).not.toBe('zh-wrong-person');
  });

  it('a campaign PUT with a bad question kind, or an identity question that keeps an answer, is refused with 400', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'en', 'identity-no-en', { questions: null });
    const put = (questions: unknown) =>
      request(gw.url)
        .put(`/v1/admin/campaigns/${campaignId}`)
        .set({ authorization: `Bearer ${ADMIN_KEY}` })
        .send({ questions });
    const cases: [unknown, string][] = [
      [{ 'en-opening': { kind: 'who' } }, 'questions.en-opening.kind'],
      [{ 'en-opening': { kind: 'identity', answer: 'name' } }, 'questions.en-opening.answer'],
      [{ 'en-opening': { kind: 'identity', intent: 'wrong_person' } }, 'questions.en-opening.intent'],
      [{ 'en-opening': { kind: 'identity', askAtMost: 2 } }, 'questions.en-opening.askAtMost'],
      [{ 'en-affirm-engaged': { kind: 'address', intent: 'ready_to_buy' } }, 'questions.en-affirm-engaged.answer'],
    ];
    for (const [questions, field] of cases) {
      const res = await put(questions);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    const ok = await put({ 'en-opening': { kind: 'identity' } }).expect(200);
    expect(ok.body.questions).toEqual({ 'en-opening': { kind: 'identity' } });
  });
});
