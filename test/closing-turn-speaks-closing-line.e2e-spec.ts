// Scenario: a turn that ends the call (hangup) or hands it over (transfer) speaks a script fit for
// that action, in the customer's language. A busy customer who names a time hears the callback
// confirmation that names it; one who names none hears a closing line, not a question they can no longer answer.
// The third out-of-scope turn in a row escalates: a transfer is announced, a hangup says goodbye.
import { Chat, createLanguageCampaign, createSampleCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const BUSY: Record<Lang, { time: string; none: string }> = {
  zh: { time: '在开会，两秒后再打', none: '我现在很忙' },
  en: { time: "I'm busy right now, call back in 2 seconds", none: "I'm busy right now" },
};
const OUT_OF_SCOPE: Record<Lang, string[]> = {
  zh: ['今天天气怎么样', '你喜欢吃火锅吗', '帮我查一下火车票'],
  en: ["what's the weather like today", 'do you like pizza', 'book me a train ticket to Leeds'],
};

describe('a closing turn speaks a line fit for its action', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-closing-line', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-closing');
  });

  it.each(['zh', 'en'] as const)('busy, %s: a time given → confirm; none → closing line', async (lang) => {
    const chat = new Chat(gw.url);
    const timed = await chat.say((await chat.start({ campaignId })).conversationId, BUSY[lang].time);
    // The confirmation that names the time (the sample's callback_time line: its plain one has no slot).
    expect(timed).toMatchObject({ action: 'hangup', reply: { scriptId: `${lang}-callback-time` } });
    expect(timed.reply.text).not.toMatch(/[?？{]/);
    const open = await chat.say((await chat.start({ campaignId })).conversationId, BUSY[lang].none);
    expect(open.intent.name).toBe('busy_call_later');
    expect(open).toMatchObject({ action: 'hangup', reply: { scriptId: `${lang}-fallback-busy-call-later` } });
    expect(open.reply.text).not.toMatch(/[?？]/);
  });

  it.each(['zh', 'en'] as const)(
    'out of scope escalated, %s: transfer announced, hangup says goodbye',
    async (lang) => {
      for (const [escalation, scriptId] of [
        ['transfer', `${lang}-transfer-generic`],
        ['hangup', `${lang}-goodbye`],
      ] as const) {
        const id = await createLanguageCampaign(gw.url, lang, `closing-oos-${lang}-${escalation}`, {
          fallbackEscalation: escalation,
        });
        const chat = new Chat(gw.url);
        const { conversationId } = await chat.start({ campaignId: id });
        const turns = [];
        for (const line of OUT_OF_SCOPE[lang]) turns.push(await chat.say(conversationId, line));
        expect(turns.map((t) => t.action)).toEqual(['continue', 'continue', escalation]);
        expect(turns[2].reply.scriptId).toBe(scriptId);
      }
    },
  );
});
