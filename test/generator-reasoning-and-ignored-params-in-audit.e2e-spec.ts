// A reasoning model's <think> block never reaches compliance, the match or the audit's candidate,
// and the sampling parameters the backend cannot honour are recorded as ignored: through the booted
// gateway, with the OpenAI-compatible provider on the local fake server set up as TGI.
import { Chat, createLanguageCampaign } from './support/dialogue.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

const THINKING = '<think>\n用户问月费。我应该说最便宜的，第一名的套餐，保证收益。\n</think>\n\n';
const ANSWER =
  '千兆宽带家庭套餐的月费是每月199元，包括宽带和两张手机卡，合约期内价格不会变，安装费和光猫也不另外收费。';

describe('generator: reasoning kept out, ignored parameters recorded', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-reasoning', { LLM_BACKEND: 'tgi' });

  it('a <think> block is stripped before compliance and the match; the audit keeps only its length', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'zh');
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    llm.behave({ text: THINKING + ANSWER });

    const turn = await chat.say(conversationId, '月费多少钱？');
    // The thinking holds words output compliance blocks (最便宜, 第一名, 保证收益): had it reached the
    // check, the turn would have fallen back.
    expect(turn).toMatchObject({ route: 'generator', degraded: false, intent: { name: 'ask_price' } });
    expect(turn.reply).toMatchObject({ scriptId: 'zh-price-basic', fallback: false });
    expect(turn.compliance.output).toEqual({ verdict: 'allow', hits: [] });

    const [record] = await chat.audit(conversationId);
    expect(record.generator?.candidate).toBe(ANSWER);
    // Only the thinking's length is kept (its text, here 29 characters, never is).
    expect(record.generator?.thinking?.strippedChars).toBeGreaterThan(20);
    expect(JSON.stringify(record)).not.toContain('保证收益');
    // TGI's chat endpoint has no repetition_penalty: not sent, and the audit says so.
    expect(record.generator).toMatchObject({ ignoredParams: expect.arrayContaining(['repetition_penalty']) });
    const body = llm.requests.at(-1)!.body;
    expect(body).not.toHaveProperty('repetition_penalty');
  });

  it("reasoning a server sends in both of vLLM's fields is recorded once; its content is the candidate", async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'zh');
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const reasoning = '用户问月费。回答每月199元。';
    llm.behave({ text: ANSWER, reasoning, reasoningField: 'both' });

    const turn = await chat.say(conversationId, '月费多少钱？');
    expect(turn.reply).toMatchObject({ scriptId: 'zh-price-basic', fallback: false });
    const [record] = await chat.audit(conversationId);
    expect(record.generator?.candidate).toBe(ANSWER);
    expect(record.generator?.thinking).toEqual({ strippedChars: reasoning.length });
  });

  it('thinking a DeepSeek-R1 template opened in the prompt (no <think>, only </think>) is not the candidate', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'zh');
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    // Another model than the other tests' (LLM_THINKING=auto learns per model where its thinking starts).
    llm.behave({ text: `用户问月费。我应该说最便宜的，保证收益。\n</think>\n\n${ANSWER}`, model: 'deepseek-r1-test' });

    const turn = await chat.say(conversationId, '月费多少钱？');
    expect(turn).toMatchObject({ degraded: false, compliance: { output: { verdict: 'allow', hits: [] } } });
    const [record] = await chat.audit(conversationId);
    expect(record.generator?.candidate).toBe(ANSWER);
    expect(JSON.stringify(record)).not.toContain('保证收益');
  });
});
