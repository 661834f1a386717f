// Scenario: the LLM writes an answer that breaks the compliance policy (absolute claims,
// guaranteed returns) → output check blocks it → the customer hears the fallback script.
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

const CASES: Record<Lang, { ask: string; bad: string }> = {
  zh: { ask: '月费多少钱？', bad: '我们是全网最低价，办了稳赚不赔，绝对划算！' },
  en: {
    ask: 'how much does it cost per month?',
    bad: 'It is the cheapest deal anywhere, guaranteed returns and zero risk!',
  },
};

describe('generator writes a non-compliant answer → blocked → fallback', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-block');

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const campaignId = await createLanguageCampaign(gw.url, lang);
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    llm.behave({ text: CASES[lang].bad });

    const turn = await chat.say(conversationId, CASES[lang].ask);
    expect(turn.intent.name).toBe('ask_price');
    expect(turn.compliance.output.verdict).toBe('block');
    expect(turn.compliance.output.hits.length).toBeGreaterThan(0);
    expect(turn).toMatchObject({ route: 'fallback', degraded: false });
    expect(turn.reply).toMatchObject({ fallback: true, scriptId: `${lang}-fallback-ask-price` });
    expect(turn.reply.text).not.toContain(CASES[lang].bad);

    const [record] = await chat.audit(conversationId);
    expect(record.plannedRoute).toBe('generator');
    expect(record.generator).toMatchObject({ model: 'fake-sales-model', finishReason: 'stop' });
    expect(record.compliance.output.verdict).toBe('block');
    expect(record.compliance.output.categories.length).toBeGreaterThan(0);
  });
});
