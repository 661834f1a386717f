// Scenario: the LLM paraphrases an approved script → the embedding match maps it back to that
// script, and the customer hears the approved wording (slots filled), not the model's.
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

const CASES: Record<Lang, { ask: string; paraphrase: string }> = {
  zh: {
    ask: '月费多少钱？',
    paraphrase:
      '千兆宽带家庭套餐的月费是每月199元，包括宽带和两张手机卡，合约期内价格不会变，安装费和光猫也不另外收费。',
  },
  en: {
    ask: 'how much does it cost per month?',
    paraphrase:
      'The gigabit home bundle is $29 per month, covering broadband plus two SIM cards; the price does not change during the contract and the installation and router are included.',
  },
};

describe('generator paraphrases an approved script → that script', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-paraphrase');

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const campaignId = await createLanguageCampaign(gw.url, lang);
    const chat = new Chat(gw.url);
    const { conversationId, reply: greeting } = await chat.start({ campaignId });
    llm.behave({ text: CASES[lang].paraphrase });
    const sent = llm.requests.length;

    const turn = await chat.say(conversationId, CASES[lang].ask);
    expect(turn).toMatchObject({ route: 'generator', degraded: false, intent: { name: 'ask_price' } });
    expect(turn.reply).toMatchObject({ scriptId: `${lang}-price-basic`, fallback: false });
    expect(turn.reply.text).not.toBe(CASES[lang].paraphrase);
    expect(turn.reply.text).not.toMatch(/[{}]/);
    expect(turn.compliance.output).toEqual({ verdict: 'allow', hits: [] });

    const [record] = await chat.audit(conversationId);
    expect(turn.reply.similarity).toBeGreaterThanOrEqual(record.threshold!);
    expect(record.generator?.candidate).toBe(CASES[lang].paraphrase);

    // The prompt carried the campaign prompt, product facts, exemplar scripts and the utterance.
    const prompt = llm.requests.slice(sent).find((r) => r.path.endsWith('/chat/completions'))!.body as {
      messages: { role: string; content: string }[];
    };
    expect(prompt.messages[0].role).toBe('system');
    expect(prompt.messages[0].content).toContain('199');
    expect(prompt.messages.at(-1)).toEqual({ role: 'user', content: CASES[lang].ask });
    // The history (rebuilt from the transcript): the greeting the customer heard, just before the ask.
    expect(prompt.messages.at(-2)).toEqual({ role: 'assistant', content: greeting!.text });

    // The next prompt carries the whole previous exchange, as the customer heard it.
    llm.behave({ text: CASES[lang].paraphrase });
    const next = llm.requests.length;
    await chat.say(conversationId, CASES[lang].ask);
    const second = llm.requests.slice(next).find((r) => r.path.endsWith('/chat/completions'))!.body as {
      messages: { role: string; content: string }[];
    };
    expect(second.messages.slice(-4)).toEqual([
      { role: 'assistant', content: greeting!.text },
      { role: 'user', content: CASES[lang].ask },
      { role: 'assistant', content: turn.reply.text },
      { role: 'user', content: CASES[lang].ask },
    ]);
  });
});
