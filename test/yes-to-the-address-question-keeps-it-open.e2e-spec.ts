// Scenario: the bot asks for the address (zh-affirm-engaged "…请问您家是在哪个小区？", a campaign
// `questions` entry) and the caller first just agrees (好的，可以 / "ok sure"), then gives it. The bare yes
// used to move the call on (the product summary, or the affirm fallback) and drop the question, so the
// address said next was read on its own (ask_product_detail 0.43) and answered with the
// number-portability line. Now a yes to a question that asks for something asks it again and keeps it
// open: the address then answers it, and the hot lead is handed over with it.
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const YES: Record<Lang, string> = { zh: '好的', en: 'sure' };
const AGREED: Record<Lang, string[]> = { zh: ['好的，可以', '可以，没问题', '行'], en: ['ok sure', 'yes of course'] };
const ADDRESS: Record<Lang, string> = { zh: '我住在朝阳区阳光小区5号楼', en: 'I live at 5 Elm Street' };

describe('a yes to the address question keeps it open', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-address-yes', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-address-yes');
  });

  const cases = (['zh', 'en'] as const).flatMap((lang) => AGREED[lang].map((yes) => [lang, yes] as const));

  it.each(cases)('%s: "%s", then the address', async (lang, yes) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const pitched = await chat.say(conversationId, YES[lang]);
    expect(pitched.reply).toMatchObject({ followOn: { scriptId: `${lang}-intro-product` } });
    const asked = await chat.say(conversationId, YES[lang]);
    expect(asked.reply.scriptId).toBe(`${lang}-affirm-engaged`);
    const agreed = await chat.say(conversationId, yes);
    expect(agreed).toMatchObject({ intent: { name: 'affirm' }, action: 'continue' });
    expect(agreed.reply.scriptId).toBe(`${lang}-affirm-engaged`);
    const answered = await chat.say(conversationId, ADDRESS[lang]);
    expect(answered).toMatchObject({ intent: { name: 'ready_to_buy' }, action: 'transfer' });
    expect(answered.actionDetail?.answers).toEqual({ address: ADDRESS[lang] });
  });
});
