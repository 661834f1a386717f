// Scenario: a price question that names the period (这个套餐多少钱一个月) is still the first price
// question, and its answer states the price. It used to get zh-price-compare ("…每月能省下一部分费用…",
// no figure): its campaign example 帮我算算一个月能省多少 is near, and the comparison line shared more of
// the question's characters than zh-price-basic did, but only 多 (大多数) and 一 (一部分, 一下), which say
// nothing about a comparison. The lexical ranking now leaves such characters out (lexical-rank.ts STOP).
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { sampleSlots } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';

const ASKS: Record<Lang, string[]> = {
  zh: ['这个套餐多少钱一个月', '一个月多少钱', '每个月要交多少钱'],
  en: ['how much is this plan per month', 'how much a month is it'],
};
const GREETING: Record<Lang, string> = { zh: '你好', en: 'hello' };

describe('a price question naming the month hears the price', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-price-per-month', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-price-per-month');
  });

  const cases = (['zh', 'en'] as const).flatMap((lang) => ASKS[lang].map((ask) => [lang, ask] as const));

  it.each(cases)('%s: "%s" first, or after a greeting, states the price', async (lang, ask) => {
    const price = sampleSlots(lang).price;
    const chat = new Chat(gw.url);
    for (const greet of [false, true]) {
      const { conversationId } = await chat.start({ campaignId });
      if (greet) await chat.say(conversationId, GREETING[lang]);
      const t = await chat.say(conversationId, ask);
      expect(t).toMatchObject({ intent: { name: 'ask_price' }, action: 'continue' });
      expect(t.reply.scriptId).toBe(`${lang}-price-basic`);
      expect(t.reply.text).toContain(price);
    }
  });
});
