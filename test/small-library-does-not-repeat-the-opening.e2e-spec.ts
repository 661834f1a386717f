// Scenario: a small library (the opening, the greeting reply, a goodbye and fallbacks) and a caller
// who is thinking it over. The generator route had only greeting lines to quote, so 我对这个挺感兴趣的 /
// "I'm interested" heard the opening or the greeting reply again mid-call ("您好您好！我是…"), as if the
// call had just started. A greeting line (the
// campaign's opening, a script tagged `opening`, any greeting script) now answers only a greeting; the
// turn falls back to its intent's fallback. A caller who greets again still hears the greeting.
import { Chat, createSmallCampaigns, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const LIBRARY = ['opening', 'greeting-reply', 'goodbye', 'fallback-default', 'fallback-interested'];
const THINKING: Record<Lang, string[]> = { zh: ['我考虑一下', '我对这个挺感兴趣的'], en: ["I'm interested"] };
const GREETING: Record<Lang, string> = { zh: '你好', en: 'hello' };

describe('a small library does not repeat the opening mid-call', () => {
  const gw = gatewayForSuite('dlg-small-opening', { GENERATOR_MODE: 'inprocess' });
  let campaigns: Record<Lang, string>;
  beforeAll(async () => {
    campaigns = await createSmallCampaigns(gw.url, 'small-opening', LIBRARY);
  });

  const cases = (['zh', 'en'] as const).flatMap((lang) => THINKING[lang].map((said) => [lang, said] as const));

  it.each(cases)('%s: "%s" hears the intent fallback, not a greeting line', async (lang, said) => {
    const chat = new Chat(gw.url);
    const { conversationId, reply } = await chat.start({ campaignId: campaigns[lang] });
    expect(reply?.scriptId).toBe(`${lang}-opening`);
    const t = await chat.say(conversationId, said);
    expect(t).toMatchObject({ intent: { name: 'interested' }, action: 'continue' });
    expect(t.reply).toMatchObject({ scriptId: `${lang}-fallback-interested`, fallback: true });
  });

  it.each(['zh', 'en'] as const)('%s: a greeting mid-call still hears a greeting line', async (lang) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: campaigns[lang] });
    await chat.say(conversationId, THINKING[lang][0]);
    const t = await chat.say(conversationId, GREETING[lang]);
    expect(t.intent.name).toBe('greeting');
    expect([`${lang}-opening`, `${lang}-greeting-reply`]).toContain(t.reply.scriptId);
  });
});
