// Scenario: the callee is not the intended person → apology and hangup.
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const LINES: Record<Lang, string> = {
  zh: '你打错了，我不是他',
  en: "Sorry, you've got the wrong number, there's no Mr Smith here",
};

describe('wrong person: apologise and hang up', () => {
  const gw = gatewayForSuite('dlg-wrong', { GENERATOR_MODE: 'inprocess' });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const campaignId = await createLanguageCampaign(gw.url, lang);
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({
      campaignId,
      customer: { name: lang === 'zh' ? '王先生' : 'Mr Smith' },
    });
    const turn = await chat.say(conversationId, LINES[lang]);
    expect(turn.intent.name).toBe('wrong_person');
    expect(turn).toMatchObject({
      route: 'script',
      action: 'hangup',
      leadStage: 'closed',
      actionDetail: { reason: 'wrong_person' },
    });
    expect(turn.reply.scriptId).toBe(`${lang}-wrong-person`);
    expect((await chat.view(conversationId)).status).toBe('ended');
  });
});
