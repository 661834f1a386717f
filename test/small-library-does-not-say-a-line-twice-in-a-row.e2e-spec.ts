// Scenario: a small library with one line for an objection, and a caller who says 太贵了 / "too
// expensive" three times. The generator's answer mapped to that one line each time: the caller heard
// the same sentence three times running. The bot's last line is now never its next: the turn hears
// the intent's fallback instead (then the stage's, a clarifying line, the default), and the line may
// come back once something else was said in between.
import { Chat, createSmallCampaigns, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const LIBRARY = ['opening', 'goodbye', 'fallback-default', 'objection-price-value', 'fallback-objection-price'];
const TOO_DEAR: Record<Lang, string> = { zh: '太贵了', en: 'too expensive' };

describe('a small library does not say a line twice in a row', () => {
  const gw = gatewayForSuite('dlg-small-twice', { GENERATOR_MODE: 'inprocess' });
  let campaigns: Record<Lang, string>;
  beforeAll(async () => {
    campaigns = await createSmallCampaigns(gw.url, 'small-twice', LIBRARY);
  });

  it.each(['zh', 'en'] as const)('%s: the same objection three times', async (lang) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: campaigns[lang] });
    const said: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await chat.say(conversationId, TOO_DEAR[lang]);
      expect(t).toMatchObject({ intent: { name: 'objection_price' }, action: 'continue' });
      said.push(t.reply.scriptId);
    }
    expect(said[0]).toBe(`${lang}-objection-price-value`);
    expect(said[1]).toBe(`${lang}-fallback-objection-price`);
    for (let i = 1; i < said.length; i++) expect(said[i]).not.toBe(said[i - 1]);
  });
});
