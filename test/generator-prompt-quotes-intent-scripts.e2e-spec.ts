// Scenario: the generator prompt quotes the approved replies this answer should end on: the
// classified intent's scripts, in the customer's language, slots filled as the customer would hear
// them, ones the customer has not heard yet first. The library is bilingual (the whole sample
// library, zh and en), so a prompt that took the nearest scripts of any language or intent shows.
import { promptExemplars, type ChatMessage } from '@huashu/generator';
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { SAMPLE, SAMPLE_SETTINGS as SETTINGS, sampleSlots, spokenSample as spoken } from './support/sample-campaign.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

const CAMPAIGN = 'bilingual';

const CASES: Record<Lang, { ask: string }> = {
  zh: { ask: '月费多少钱？' },
  en: { ask: 'how much does it cost per month?' },
};

describe('the generator prompt quotes the intent’s approved scripts in the customer’s language', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-exemplars');
  beforeAll(async () => {
    // Without the campaign's script examples, which would put their scripts first: this spec is
    // about the ranking that takes over where no example is near (campaign-script-examples spec).
    await createSampleCampaign(gw.url, CAMPAIGN, {
      intentExamples: { ...SETTINGS.intentExamples, byScript: {} },
      openingScriptId: 'zh-opening',
      goodbyeScriptId: 'zh-goodbye',
    });
  });

  /** The approved replies quoted by the first chat request sent since `from`. */
  const quotedSince = (from: number): string[] => {
    const req = llm.requests.slice(from).find((r) => r.path.endsWith('/chat/completions'))!;
    return promptExemplars((req.body as { messages: ChatMessage[] }).messages);
  };

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    // The sample library's approved (not fallback) ask_price scripts in this language: exactly the
    // campaign's three exemplars.
    const priceScripts = SAMPLE.filter((s) => s.intent === 'ask_price' && !s.fallback && s.id.startsWith(`${lang}-`));
    expect(priceScripts).toHaveLength(3);
    const basic = `${lang}-price-basic`;

    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: CAMPAIGN });
    // The model restates the basic price script word for word: the customer hears that script.
    llm.behave({ text: spoken(basic) });
    let sent = llm.requests.length;
    const first = await chat.say(conversationId, CASES[lang].ask);
    expect(first).toMatchObject({ route: 'generator', intent: { name: 'ask_price' }, reply: { scriptId: basic } });

    const quoted = quotedSince(sent);
    expect([...quoted].sort()).toEqual(priceScripts.map((s) => spoken(s.id)).sort());
    for (const line of quoted) expect(line).not.toMatch(/[{}]/);
    // In the customer's language: 每月199元 for a Chinese caller, 199 yuan for an English one.
    expect(quoted.join('')).toContain(sampleSlots(lang).price);

    // Asked again, the price is still what was asked: the price line not heard yet first, the one just
    // heard after it, and the comparison line, which names no price, last (README "Asked again"; before,
    // the heard line came after both unheard ones, and the comparison line was said).
    llm.behave({ text: spoken(basic) });
    sent = llm.requests.length;
    await chat.say(conversationId, CASES[lang].ask);
    const again = quotedSince(sent);
    expect([...again].sort()).toEqual([...quoted].sort());
    expect(again).toEqual([spoken(`${lang}-price-promo`), spoken(basic), spoken(`${lang}-price-compare`)]);
  });

  // Five product-detail scripts per language, three places: the one that answers the question is
  // quoted first, because it shares the question's words (ranked by the encoder's similarity alone,
  // all but the data question put another script first: "what speeds do you get" → the data script).
  it.each([
    ['zh', '上传速度有多少', 'zh-detail-speed'],
    ['zh', '流量是全国通用的吗', 'zh-detail-data'],
    ['zh', '老号码能不能加进来', 'zh-detail-number'],
    ['zh', '合约结束后价格会涨吗', 'zh-detail-contract'],
    ['en', 'what speeds do you get', 'en-detail-speed'],
    ['en', 'how long does the installation take', 'en-detail-install'],
  ] as const)('%s: "%s" quotes %s first', async (_lang, question, answer) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: CAMPAIGN });
    llm.behave({ text: spoken(answer) });
    const sent = llm.requests.length;
    const turn = await chat.say(conversationId, question);
    expect(turn).toMatchObject({ route: 'generator', intent: { name: 'ask_product_detail' } });
    expect(quotedSince(sent)[0]).toBe(spoken(answer));
  });
});
