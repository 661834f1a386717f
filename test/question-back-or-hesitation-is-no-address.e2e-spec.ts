// Scenario: the bot has asked an interested lead for their address (zh-affirm-engaged "…请问您家是在哪个小区？",
// en-affirm-engaged "…Which street do you live on?"; the sample campaign declares them questions of kind
// `address`). What the caller says next answers it only when it names a place: a question asked back as a
// speech recogniser writes it (no question mark: 为什么要问这个, "why do you need that"), a hesitation
// (我还没想好要不要办呢, "not sure yet") or a word such as "WiFi" is answered by its own intent, nothing is
// kept as the address, the call goes on and the question stays open, so the address said after it still
// hands the hot lead over. Before, each of them was taken as the address: ready_to_buy, transfer to
// sales-closers with answers.address "why do you need that".
import { Chat, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

/** The shipped sample campaign, as the gateway seeds it from data/campaigns/default. */
const SAMPLE_CAMPAIGN = 'default';
/** The exploratory tester's way to the address question: a greeting, a yes to the pitch, a yes again. */
const TO_THE_QUESTION: Record<Lang, string[]> = {
  zh: ['你好', '好的', '好的你说'],
  en: ['hi', 'yes go ahead', 'sure'],
};
/** What the caller says instead of an address (the intent model: out_of_scope 0.65–0.83, affirm 0.92). */
const NOT_AN_ADDRESS: Record<Lang, string[]> = {
  zh: ['为什么要问这个', '我还没想好要不要办呢', 'WiFi'],
  en: ['why do you need that', 'not sure yet', 'what for'],
};
const ADDRESS: Record<Lang, string> = { zh: '阳光小区3栋2单元', en: '12 Maple Street' };

describe('a question back or a hesitation after the address question is no address', () => {
  const gw = gatewayForSuite('dlg-question-back', { GENERATOR_MODE: 'inprocess' });

  async function askedForAddress(lang: Lang): Promise<{ chat: Chat; conversationId: string }> {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({
      campaignId: SAMPLE_CAMPAIGN,
      customer: { name: 'Wang', ...(lang === 'en' ? { language: 'en' } : {}) },
    });
    let said = '';
    for (const text of TO_THE_QUESTION[lang]) said = (await chat.say(conversationId, text)).reply.scriptId;
    expect(said).toBe(`${lang}-affirm-engaged`);
    return { chat, conversationId };
  }

  describe.each(['zh', 'en'] as const)('%s', (lang) => {
    it.each(NOT_AN_ADDRESS[lang])('%j: answered by its own intent, the call goes on, nothing kept', async (text) => {
      const { chat, conversationId } = await askedForAddress(lang);
      // Twice: a hesitation the model reads as a yes ("not sure yet" affirm 0.92) is no bare yes either,
      // which the question's askAtMost (2) would take at its word the second time.
      for (let i = 0; i < 2; i++) {
        const turn = await chat.say(conversationId, text);
        expect(turn.intent.name).not.toBe('ready_to_buy');
        expect(turn.action).toBe('continue');
        expect(turn.actionDetail).toBeUndefined();
        expect(['answer', 'unanswered']).not.toContain((await chat.audit(conversationId)).at(-1)!.intent.source);
      }
      expect((await chat.view(conversationId)) as unknown).not.toHaveProperty('answers');
    });

    it('the question stays open: the address said after a question back hands the hot lead over', async () => {
      const { chat, conversationId } = await askedForAddress(lang);
      const back = await chat.say(conversationId, NOT_AN_ADDRESS[lang][0]);
      expect(back.action).toBe('continue');
      const answer = await chat.say(conversationId, ADDRESS[lang]);
      expect(answer).toMatchObject({
        intent: { name: 'ready_to_buy' },
        action: 'transfer',
        actionDetail: { reason: 'ready_to_buy', target: 'sales-closers', answers: { address: ADDRESS[lang] } },
      });
      expect((await chat.audit(conversationId)).at(-1)!.intent).toMatchObject({
        source: 'answer',
        question: { scriptId: `${lang}-affirm-engaged`, answer: 'address', text: ADDRESS[lang] },
      });
    });
  });
});
