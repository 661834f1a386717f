// Scenario: the bot asks permission to pitch and the caller agrees. A greeting raises a new lead to
// engaged, yet the greeting's reply (zh-greeting-reply "…方便听我简单说一下吗？") still asks permission:
// a "yes" to it (好的, or a go-ahead such as 你说吧 / 嗯，你说 / "go ahead") used to be answered at the
// engaged stage (zh-affirm-engaged: the address question, the pitch skipped) or read as another
// greeting (zh-greeting-again: permission asked again). Now a yes answers the stage of the line it
// replies to: the lead-in and the summary it promises (zh-affirm-continue + zh-intro-product), the lead
// stays engaged, and a yes to the summary then gets the address question.
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const GREETING: Record<Lang, string> = { zh: '你好', en: 'hello' };
const CONSENT: Record<Lang, string[]> = {
  zh: ['好的', '你说吧', '嗯，你说', '说吧', '你说'],
  en: ['sure', 'go ahead', 'go on then'],
};

describe('a yes to the permission question gets the pitch', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-permission-pitch', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-permission-pitch');
  });

  const cases = (['zh', 'en'] as const).flatMap((lang) => CONSENT[lang].map((yes) => [lang, yes] as const));

  it.each(cases)('%s: greeting, then "%s" hears the pitch', async (lang, yes) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const greeted = await chat.say(conversationId, GREETING[lang]);
    expect(greeted).toMatchObject({ intent: { name: 'greeting' }, leadStage: 'engaged' });
    const t = await chat.say(conversationId, yes);
    expect(t).toMatchObject({
      intent: { name: 'affirm' },
      action: 'continue',
      leadStage: 'engaged',
      reply: { scriptId: `${lang}-affirm-continue`, followOn: { scriptId: `${lang}-intro-product` } },
    });
  });

  it.each(['zh', 'en'] as const)('%s: a yes to the pitch then gets the address question', async (lang) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    await chat.say(conversationId, GREETING[lang]);
    await chat.say(conversationId, CONSENT[lang][0]);
    const t = await chat.say(conversationId, CONSENT[lang][0]);
    expect(t).toMatchObject({ intent: { name: 'affirm' }, leadStage: 'interested' });
    expect(t.reply.scriptId).toBe(`${lang}-affirm-engaged`);
  });
});
