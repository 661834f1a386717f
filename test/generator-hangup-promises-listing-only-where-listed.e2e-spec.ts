// Scenario: a campaign routes a hangup intent to the generator. The sample library's do_not_call
// lines (zh-dnc-confirm, en-dnc-confirm) tell the customer their number is now on the do-not-call
// list, and they close the call, so they fit a generator hangup turn's action. They fit the turn only
// where it really lists a number: a do-not-call on a chat without a phone number lists nothing (doNotCall
// "unlisted"), and a wrong_person hangup lists nothing at all. There the LLM's listing wording is never
// mapped onto such a line, nor is one quoted to the LLM. With a phone number the listing line is said,
// as before.
import request from 'supertest';
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { SAMPLE, spokenSample } from './support/sample-campaign.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

/** Haggling the shipped intent model reads as an unsure do_not_call: asked about, then "yes". */
const HAGGLE: Record<Lang, string> = { zh: '能不能别再打八折了，直接打五折', en: "don't call 199 cheap" };
const YES: Record<Lang, string> = { zh: '是的', en: 'yes' };
const WRONG: Record<Lang, string> = {
  zh: '你打错了，我不是他',
  en: "Sorry, you've got the wrong number, there's no Mr Smith here",
};
/** What the sample library's do_not_call lines promise. */
const PROMISE = /号码|免打扰|number|opted out|opt-out/i;

describe('a generator hangup turn promises a listing only where it lists a number', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-gen-dnc-listing');
  let campaignId: string;
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'gen-hangup-listing', {
      routes: {
        do_not_call: { route: 'generator', action: 'hangup' },
        wrong_person: { route: 'generator', action: 'hangup' },
      },
    });
  });
  const callable = async (phone: string) =>
    (await request(gw.url).post('/v1/conversations').send({ campaignId, customer: { phone } })).status === 201;
  /** The prompt of the chat completion requests sent since `from`. */
  const promptsSince = (from: number) =>
    llm.requests
      .slice(from)
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => JSON.stringify(r.body));

  /** A conversation asked the do-not-call question, then answering "yes" while the LLM says the listing line. */
  async function confirmed(lang: Lang, customer: { phone?: string }) {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId, customer });
    const asked = await chat.say(conversationId, HAGGLE[lang]);
    expect(asked).toMatchObject({ action: 'continue', doNotCall: 'confirming' });
    llm.behave({ text: spokenSample(`${lang}-dnc-confirm`) });
    const sent = llm.requests.length;
    const yes = await chat.say(conversationId, YES[lang]);
    return { yes, prompts: promptsSince(sent) };
  }

  describe.each(['zh', 'en'] as const)('%s', (lang) => {
    it('a confirmed do-not-call without a phone number: never the listing line', async () => {
      const { yes, prompts } = await confirmed(lang, {});
      expect(yes).toMatchObject({
        action: 'hangup',
        actionDetail: { reason: 'do_not_call' },
        doNotCall: 'unlisted',
      });
      expect(SAMPLE.find((s) => s.id === yes.reply.scriptId)!.intent).not.toBe('do_not_call');
      expect(yes.reply.text).not.toMatch(PROMISE);
      // The LLM was asked, and shown no listing line to copy.
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).not.toContain(spokenSample(`${lang}-dnc-confirm`));
    });

    it('a confirmed do-not-call with a phone number: the listing line, listed', async () => {
      const phone = lang === 'zh' ? '13800138411' : '(415) 555-2411';
      const { yes } = await confirmed(lang, { phone });
      expect(yes).toMatchObject({
        route: 'generator',
        action: 'hangup',
        doNotCall: 'listed',
        reply: { scriptId: `${lang}-dnc-confirm` },
      });
      expect(await callable(phone)).toBe(false);
    });

    it('a wrong_person hangup: never the listing line, nothing listed', async () => {
      const phone = lang === 'zh' ? '13800138412' : '(415) 555-2412';
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId, customer: { phone } });
      llm.behave({ text: spokenSample(`${lang}-dnc-confirm`) });
      const sent = llm.requests.length;
      const turn = await chat.say(conversationId, WRONG[lang]);
      expect(turn).toMatchObject({ intent: { name: 'wrong_person' }, action: 'hangup' });
      expect(turn.doNotCall).toBeUndefined();
      const said = SAMPLE.find((s) => s.id === turn.reply.scriptId)!;
      expect(said.intent).not.toBe('do_not_call');
      expect(turn.reply.text).not.toMatch(PROMISE);
      const prompts = promptsSince(sent);
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).not.toContain(spokenSample(`${lang}-dnc-confirm`));
      expect(await callable(phone)).toBe(true);
    });
  });
});
