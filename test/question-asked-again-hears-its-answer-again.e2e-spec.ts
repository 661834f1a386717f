// Scenario: a caller who asks the same question again (合约期多久 twice, 安装要多久 → 刚才没听清，安装要多久？,
// "how long is the contract" → "how long is the contract again?") hears the script that answers it again:
// a repeated question is a repeat request in disguise. Before, heard scripts of the intent ranked below
// unheard ones in the generator prompt, the offline generator's repetition penalty pushed the heard one
// off, and "no line twice in a row" replaced it: 合约期多久 three times heard the contract line, then the
// installation line, then the data line; 月费多少钱 → 多少钱一个月来着 heard the comparison line, which names
// no price. Novelty stays among lines that answer equally well: a bare 多少钱 twice hears two price
// lines (first-price-question-hears-the-price).
// Real gateway + real dialogue pipeline + real models (intent, encoder) + the offline generator + real
// Redis, over the chat API.
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { sampleSlots } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';

const HELLO: Record<Lang, string> = { zh: '你好', en: 'hello' };

/** Questions asked one after another, and the script that answers each of them. */
const AGAIN: [Lang, string[], string][] = [
  ['zh', ['合约期多久', '合约期多久', '合约期多久'], 'zh-detail-contract'],
  ['zh', ['安装要多久', '刚才没听清，安装要多久？'], 'zh-detail-install'],
  [
    'en',
    ['how long is the contract', 'how long is the contract again?', 'how long is the contract'],
    'en-detail-contract',
  ],
  ['en', ['how long does installation take', 'how long does the install take again?'], 'en-detail-install'],
];

describe('a question asked again hears its answer again', () => {
  const gw = gatewayForSuite('dlg-asked-again', { GENERATOR_MODE: 'inprocess' });
  let campaignId: string;
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'asked-again');
  });

  async function greeted(lang: Lang): Promise<{ chat: Chat; conversationId: string }> {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    await chat.say(conversationId, HELLO[lang]);
    return { chat, conversationId };
  }

  it.each(AGAIN)('%s: %j hears %s each time, never a fallback', async (lang, questions, answer) => {
    const { chat, conversationId } = await greeted(lang);
    for (const question of questions) {
      const t = await chat.say(conversationId, question);
      expect(t).toMatchObject({
        intent: { name: 'ask_product_detail' },
        route: 'generator',
        action: 'continue',
        reply: { scriptId: answer, fallback: false },
      });
    }
  });

  it.each([
    ['zh', ['月费多少钱', '多少钱一个月来着', '三百兆的多少钱']],
    ['en', ['how much is it a month', 'sorry, how much was it per month?']],
  ] as const)('%s: %j hears the price each time, never the comparison line', async (lang, questions) => {
    const price = sampleSlots(lang).price;
    const { chat, conversationId } = await greeted(lang);
    for (const question of questions) {
      const t = await chat.say(conversationId, question);
      expect(t).toMatchObject({ intent: { name: 'ask_price' }, route: 'generator', reply: { fallback: false } });
      expect(t.reply.scriptId).not.toBe(`${lang}-price-compare`);
      expect(t.reply.text).toContain(price);
    }
  });
});
