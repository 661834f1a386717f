// Scenario: the LLM server is slower than the turn's deadline → the turn degrades to the
// fallback script for the intent, within the deadline, instead of leaving the caller in silence.
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

const PRICE: Record<Lang, string> = { zh: '月费多少钱？', en: 'how much does it cost per month?' };
const PHONE_DEADLINE_MS = 1500;
// The product's phone deadline and generation budget, stated here rather than left to the defaults
// (the helpers' campaigns get wide test deadlines); the other stages have room on a loaded machine.
const DEADLINES = {
  phoneMs: PHONE_DEADLINE_MS,
  restMs: 5000,
  stages: { classify: 400, generate: 1100, comply: 200, match: 400 },
};

describe('generator slow → fallback within the deadline', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-slow');

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const campaignId = await createLanguageCampaign(gw.url, lang, `sample-${lang}`, { deadlines: DEADLINES });
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId, channel: 'phone' });
    llm.behave({ delayMs: 5000, text: 'too late' });
    const sent = llm.requests.length;

    const turn = await chat.say(conversationId, PRICE[lang]);
    expect(turn.intent.name).toBe('ask_price');
    expect(turn).toMatchObject({ route: 'fallback', action: 'continue', degraded: true });
    expect(turn.reply).toMatchObject({ fallback: true, scriptId: `${lang}-fallback-ask-price` });
    // The server was asked, and the turn did not wait for it past the phone deadline.
    expect(llm.requests.length).toBeGreaterThan(sent);
    expect(turn.timingsMs.total).toBeLessThanOrEqual(PHONE_DEADLINE_MS + 250);
    expect(turn.timingsMs.generate).toBeGreaterThan(0);

    const [record] = await chat.audit(conversationId);
    expect(record.degraded).toBe(true);
    expect(record.problems.join(' ')).toMatch(/generate/);
    // The abandoned request is closed on the server side (cancellation reaches it).
    const last = llm.requests[llm.requests.length - 1];
    await last.settled;
    expect(last.clientClosedEarly).toBe(true);
  });
});
