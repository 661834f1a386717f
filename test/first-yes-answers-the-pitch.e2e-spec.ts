// Scenario: a new lead's first "yes" answers the opening pitch: the scripted route matches at the
// stage the lead was at when they spoke (new: zh-affirm-continue), not the stage the turn raises it
// to (engaged: zh-affirm-engaged asks for the address).
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const YES: Record<Lang, string> = { zh: '是的', en: 'yes' };

describe('a first yes answers the pitch', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-first-yes', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-first-yes');
  });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const t = await chat.say(conversationId, YES[lang]);
    expect(t).toMatchObject({
      intent: { name: 'affirm' },
      route: 'script',
      leadStage: 'engaged',
      reply: { scriptId: `${lang}-affirm-continue` },
    });
  });
});
