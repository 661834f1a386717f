// Scenario: the commonest question's first answer states the price. A bare 多少钱 / "how much is
// it" on the generator route (offline retrieval provider) used to get zh-price-compare ("…每月能省下
// 一部分费用，具体可以按您的账单帮您算一下"): the customer heard no figure until they asked again.
// The first answer to the question now states the campaign's price slot (zh-price-basic / en-price-basic),
// and asking again moves on to another price line rather than repeating it.
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { sampleSlots } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';

const ASKS: Record<Lang, string[]> = { zh: ['多少钱', '这个多少钱'], en: ['how much is it', 'what does it cost'] };
const GREETING: Record<Lang, string> = { zh: '你好', en: 'hello' };

describe('the first price question hears the price', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-first-price', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-first-price');
  });

  const cases = (['zh', 'en'] as const).flatMap((lang) => ASKS[lang].map((ask) => [lang, ask] as const));

  it.each(cases)('%s: "%s" as the first question states the price', async (lang, ask) => {
    const price = sampleSlots(lang).price;
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const t = await chat.say(conversationId, ask);
    expect(t).toMatchObject({ intent: { name: 'ask_price' }, route: 'generator', action: 'continue' });
    expect(t.reply.fallback).toBe(false);
    expect(t.reply.text).toContain(price);
    expect(t.reply.scriptId).toBe(`${lang}-price-basic`);
  });

  it.each(cases)(
    '%s: "%s" after a greeting states the price, and asking again does not repeat it',
    async (lang, ask) => {
      const price = sampleSlots(lang).price;
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId });
      await chat.say(conversationId, GREETING[lang]);
      const first = await chat.say(conversationId, ask);
      expect(first).toMatchObject({ intent: { name: 'ask_price' }, route: 'generator' });
      expect(first.reply.text).toContain(price);
      const again = await chat.say(conversationId, ask);
      expect(again.intent.name).toBe('ask_price');
      expect(again.reply.scriptId).not.toBe(first.reply.scriptId);
    },
  );
});
