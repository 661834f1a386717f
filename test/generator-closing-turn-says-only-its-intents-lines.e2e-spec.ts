// Scenario: a campaign routes closing intents to the generator. On a turn that hangs up or transfers,
// the LLM's words used to be mapped onto any library line fit for that action, another intent's too:
// a customer who asked not to be called again heard wrong_person's "our details are out of date", a
// wrong number heard busy_call_later's "we'll call you back", a customer ready to buy heard the
// complaint transfer's apology. Such a turn now maps only onto lines of its own intent or plain ones (no
// intent), the rule the library's closing line already follows (reply-fit.ts fitsAction, closesCall), and
// is shown no other intent's line to copy; nothing fit → the fallback chain (the goodbye, the intent's
// fallback), and a chain that ends on another intent's closing line (a campaign default fallback) gives
// way to the goodbye; zh and en.
import { Chat, createLanguageCampaign, createSampleCampaign, type Lang } from './support/dialogue.js';
import { SAMPLE, spokenSample } from './support/sample-campaign.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

/** Haggling the shipped intent model reads as an unsure do_not_call: asked about, then "yes". */
const HAGGLE: Record<Lang, string> = { zh: '能不能别再打八折了，直接打五折', en: "don't call 199 cheap" };
const YES: Record<Lang, string> = { zh: '是的', en: 'yes' };
const WRONG: Record<Lang, string> = {
  zh: '你打错了，我不是他',
  en: "Sorry, you've got the wrong number, there's no Mr Smith here",
};
const BUY: Record<Lang, string> = { zh: '好的，我要办理', en: 'ok sign me up' };

/** What the LLM writes: a close paraphrase of another intent's line (zh-wrong-person …). */
const PARAPHRASE: Record<string, string> = {
  'zh-wrong-person': '不好意思，可能是我们这边的信息有误，打扰到您了，祝您生活愉快，再见。',
  'en-wrong-person':
    "I'm sorry, it looks like our details are out of date. Apologies for interrupting, have a good day.",
  'zh-callback-confirm': '好的，已经给您记下了，我们会在您方便的时候再联系您，祝您工作顺利。',
  'en-callback-confirm': "Done, I've noted that. We'll call you back at a time that suits you. Have a good day.",
  'zh-complaint': '非常抱歉给您带来了不好的体验，我这就为您转接投诉专员，他会认真记录并处理您反映的问题。',
  'en-complaint':
    "I'm so sorry about your experience. I'll transfer you to our complaints team now, and they will record and follow up on your concern.",
};

/** What the LLM writes where nothing should fit a closing turn. */
const PRICE: Record<Lang, string> = {
  zh: '千兆宽带家庭套餐每月199元，安装费和光猫都不另外收费。',
  en: 'The gigabit home bundle is 199 yuan a month, installation and router included.',
};

const intentOf = (scriptId: string) => SAMPLE.find((s) => s.id === scriptId)!.intent;

describe('a generator closing turn says only its own intent’s lines or plain ones', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-gen-closing-intent');
  const routes = {
    do_not_call: { route: 'generator', action: 'hangup' },
    wrong_person: { route: 'generator', action: 'hangup' },
    ready_to_buy: { route: 'generator', action: 'transfer' },
  };
  let campaignId: string;
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'gen-closing-intent', { routes });
  });

  /** The turn answering `say` while the LLM writes `text` (a paraphrase of `other`, which it is not shown). */
  async function saidWhileLlmWrites(
    chat: Chat,
    conversationId: string,
    say: string,
    other: string,
    text = PARAPHRASE[other],
  ) {
    llm.behave({ text });
    const sent = llm.requests.length;
    const turn = await chat.say(conversationId, say);
    const prompts = llm.requests
      .slice(sent)
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((r) => JSON.stringify(r.body));
    expect(prompts).toHaveLength(1);
    // The LLM was shown no line of that other intent to copy.
    expect(prompts[0]).not.toContain(JSON.stringify(spokenSample(other)).slice(1, -1));
    const [record] = (await chat.audit(conversationId)).slice(-1);
    // The LLM's text reached the match (not a blocked or failed answer).
    expect(record.generator?.candidate).toBe(text);
    return turn;
  }

  describe.each(['zh', 'en'] as const)('%s', (lang) => {
    it('a do-not-call without a phone number, the LLM writing a wrong-number goodbye: the campaign goodbye', async () => {
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId });
      expect(await chat.say(conversationId, HAGGLE[lang])).toMatchObject({ doNotCall: 'confirming' });
      const yes = await saidWhileLlmWrites(chat, conversationId, YES[lang], `${lang}-wrong-person`);
      expect(yes).toMatchObject({
        action: 'hangup',
        actionDetail: { reason: 'do_not_call' },
        doNotCall: 'unlisted',
        // The goodbye: as what the paraphrase maps to, or where nothing fit, in place of the fallback.
        reply: { scriptId: `${lang}-goodbye`, text: spokenSample(`${lang}-goodbye`) },
      });
    });

    it('a do-not-call whose fallback chain ends on another intent’s closing line: the campaign goodbye', async () => {
      // The campaign's default fallback is busy_call_later's "we'll try you at another time".
      const id = await createLanguageCampaign(gw.url, lang, `gen-closing-default-${lang}`, {
        routes,
        defaultFallbackScriptId: `${lang}-fallback-busy-call-later`,
      });
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId: id });
      expect(await chat.say(conversationId, HAGGLE[lang])).toMatchObject({ doNotCall: 'confirming' });
      // A price answer fits no closing line: the fallback chain.
      const yes = await saidWhileLlmWrites(chat, conversationId, YES[lang], `${lang}-callback-confirm`, PRICE[lang]);
      expect(yes).toMatchObject({
        action: 'hangup',
        doNotCall: 'unlisted',
        route: 'fallback',
        reply: { scriptId: `${lang}-goodbye` },
      });
    });

    it('a wrong number, the LLM writing a callback confirmation: the wrong-number fallback', async () => {
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId });
      const turn = await saidWhileLlmWrites(chat, conversationId, WRONG[lang], `${lang}-callback-confirm`);
      expect(turn).toMatchObject({ intent: { name: 'wrong_person' }, action: 'hangup', route: 'fallback' });
      expect(intentOf(turn.reply.scriptId)).toBe('wrong_person');
      expect(turn.reply.scriptId.startsWith(`${lang}-`)).toBe(true);
      expect(turn.actionDetail?.callback).toBeUndefined();
    });

    it('ready to buy, the LLM writing the complaint transfer: a transfer line of ready_to_buy', async () => {
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId });
      const turn = await saidWhileLlmWrites(chat, conversationId, BUY[lang], `${lang}-complaint`);
      expect(turn).toMatchObject({
        intent: { name: 'ready_to_buy' },
        action: 'transfer',
        actionDetail: { reason: 'ready_to_buy' },
        route: 'fallback',
      });
      expect(intentOf(turn.reply.scriptId)).toBe('ready_to_buy');
      expect(turn.reply.scriptId.startsWith(`${lang}-`)).toBe(true);
    });
  });
});
