// Scenario: a caller asks which company this is again and again on the bilingual sample campaign.
// Once their language's scripts for the intent were heard, the language outranks not repeating:
// the intent's fallback in their language, then a repeat in it (the one heard longest ago), never
// the other language's unheard scripts.
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const LINES: Record<Lang, string[]> = {
  zh: ['你们是哪家公司', '你们公司叫什么', '你们是什么公司', '你们到底是哪家公司'],
  en: [
    'which company is this?',
    'who are you, which company is this?',
    'what is the name of your company?',
    'which company are you from?',
  ],
};

describe('a repeated question stays in the caller’s language', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-repeat-lang', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-repeat');
  });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const turns = [];
    for (const line of LINES[lang]) turns.push(await chat.say(conversationId, line));
    expect(turns.map((t) => t.intent.name)).toEqual(Array(4).fill('ask_company'));
    expect(new Set(turns.slice(0, 2).map((t) => t.reply.scriptId))).toEqual(
      new Set([`${lang}-company-intro`, `${lang}-company-why-call`]),
    );
    expect(turns[2].reply).toMatchObject({ scriptId: `${lang}-fallback-ask-company`, fallback: true });
    // Then a repeat, the first heard, still in the caller's language.
    expect(turns[3].reply).toMatchObject({ scriptId: turns[0].reply.scriptId, fallback: false });
    for (const t of turns) expect(t.action).toBe('continue');
  });
});
