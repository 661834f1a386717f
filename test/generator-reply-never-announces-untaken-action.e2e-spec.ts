// Scenario: a customer keeps saying yes. From the second turn the generator route answers; once the
// affirm scripts were heard it used to land on another intent's script, one promising a transfer
// (zh-ask-human) or answering a deny (en-deny-engaged). The exemplars are the intent's scripts and the
// match accepts only scripts fit for the turn's action (continue), so the customer hears an affirm
// reply and nothing it announces is left undone. The second yes is answered by the generator route
// with the address question (zh-affirm-engaged, a campaign `questions` entry); a bare yes to it agrees
// to answer without answering, so the third hears the question again, on the scripted route, and the
// fourth, the question having been asked twice (its default `askAtMost`), is taken as its ready_to_buy:
// a transfer, announced by a ready_to_buy line (address-question-asked-twice-then-the-lead-is-handed-over).
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { SAMPLE } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';

const LINES: Record<Lang, string[]> = {
  zh: ['好的', '好的', '好的', '好的'],
  en: ['yes', 'yes, go on', 'sure', 'ok'],
};

describe('a generator reply never announces an action the turn does not take', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-gen-action', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-gen-action');
  });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const turns = [];
    for (const line of LINES[lang]) turns.push(await chat.say(conversationId, line));
    expect(turns.map((t) => t.route)).toEqual(['script', 'generator', 'script', 'script']);
    const handed = turns.pop()!;
    expect(handed).toMatchObject({ intent: { name: 'ready_to_buy' }, action: 'transfer' });
    expect(SAMPLE.find((s) => s.id === handed.reply.scriptId)!.intent).toBe('ready_to_buy');
    for (const t of turns) {
      expect(t.intent.name).toBe('affirm');
      expect(t.action).toBe('continue');
      const script = SAMPLE.find((s) => s.id === t.reply.scriptId)!;
      expect(script.intent).toBe('affirm');
      expect(script.id.startsWith(`${lang}-`)).toBe(true);
    }
  });
});
