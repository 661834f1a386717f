// Scenario: on the bilingual sample campaign (language zh, goodbyeScriptId zh-goodbye) a customer
// who speaks English and declines twice hears the English goodbye: a campaign-named script is said
// in the customer's language when the library has one of the same role (README "Script library").
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const LINES: Record<Lang, [string, string]> = {
  zh: ['我不感兴趣', '真的不需要，谢谢'],
  en: ['Not interested, thanks', 'No'],
};

describe('goodbye in the customer’s language', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-goodbye-lang', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-goodbye');
  });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const first = await chat.say(conversationId, LINES[lang][0]);
    expect(first.reply.scriptId).toBe(`${lang}-retention`);
    const second = await chat.say(conversationId, LINES[lang][1]);
    expect(second).toMatchObject({ action: 'hangup', reply: { scriptId: `${lang}-goodbye` } });
  });
});
