// Scenario: on the bilingual sample library a caller who did not catch the bot's last line (没听清,
// 你说什么, "what did you say?", "pardon?"), checks the line (喂？听得到吗, 喂) or asks the bot to wait
// (你等一下, "hold on") asks nothing of the product. Before, the intent model read such words as
// out_of_scope (the clarify line, a fallback: "hi → what did you say? → can you repeat that? → pardon?"
// handed the call to a person for `consecutive_fallbacks`) or 喂 as a greeting (the pitch restarted, the
// opening said again to an interested lead). Now the bot says its last line again (a repeat is exempt
// from "no line twice in a row"), or acknowledges the wait with the library's `hold` line; neither is a
// fallback, the lead stage does not move, and what the last line asked stays open. Anything else said
// in the same words keeps the turn what it was (喂，多少钱 is a price question).
// Real gateway + real dialogue pipeline + real models + real Redis, over the chat API and the generic
// telephony route.
import request from 'supertest';
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { spokenSample } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';
import { TELEPHONY_ENV } from './support/telephony-env.js';

const HELLO: Record<Lang, string> = { zh: '你好', en: 'hi' };
const REPEATS: Record<Lang, string[]> = {
  zh: ['没听清', '你说什么？', '不好意思，你能再说一遍吗？', '喂？', '喂喂，听得到吗', '喂'],
  en: ['What did you say?', 'Can you repeat that?', 'Pardon?', 'sorry?', 'can you hear me?'],
};
const HOLDS: Record<Lang, string[]> = { zh: ['你等一下', '稍等'], en: ['hold on a second', 'one moment'] };

describe('a caller who asks for the last line again hears it again', () => {
  const gw = gatewayForSuite('dlg-caller-asks-again', TELEPHONY_ENV);
  let campaignId: string;
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'caller-asks-again');
  });

  /** A conversation greeted once: its last line is the greeting reply. */
  async function greeted(lang: Lang): Promise<{ chat: Chat; conversationId: string; greeting: string; text: string }> {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const hi = await chat.say(conversationId, HELLO[lang]);
    expect(hi.action).toBe('continue');
    return { chat, conversationId, greeting: hi.reply.scriptId, text: hi.reply.text };
  }

  describe.each(['zh', 'en'] as const)('%s', (lang) => {
    it.each(REPEATS[lang])('"%s": the last line again, no fallback, the stage unchanged', async (text) => {
      const { chat, conversationId, greeting, text: said } = await greeted(lang);
      const before = (await chat.view(conversationId)).leadStage;
      const again = await chat.say(conversationId, text);
      expect(again).toMatchObject({
        route: 'script',
        action: 'continue',
        leadStage: before,
        reply: { scriptId: greeting, fallback: false, text: said },
      });
      const [, record] = await chat.audit(conversationId);
      expect(record).toMatchObject({ callerAsked: expect.stringMatching(/^(repeat|line_check)$/) });
    });

    it('asking again and again never escalates: three repeats in a row, still the same line, no transfer', async () => {
      const { chat, conversationId, greeting } = await greeted(lang);
      for (const text of REPEATS[lang].slice(0, 3)) {
        const t = await chat.say(conversationId, text);
        expect(t).toMatchObject({ action: 'continue', reply: { scriptId: greeting, fallback: false } });
      }
    });

    it.each(HOLDS[lang])(
      '"%s": the hold line, no fallback; a repeat afterwards says the line before it',
      async (text) => {
        const { chat, conversationId, greeting } = await greeted(lang);
        const hold = await chat.say(conversationId, text);
        expect(hold).toMatchObject({
          route: 'script',
          action: 'continue',
          reply: { scriptId: `${lang}-hold`, fallback: false },
        });
        const [, record] = await chat.audit(conversationId);
        expect(record).toMatchObject({ callerAsked: 'hold' });
        const again = await chat.say(conversationId, REPEATS[lang][0]);
        expect(again.reply).toMatchObject({ scriptId: greeting, fallback: false });
      },
    );
  });

  it('zh: a line said with its follow-on is said again whole', async () => {
    const { chat, conversationId } = await greeted('zh');
    const yes = await chat.say(conversationId, '好的');
    expect(yes.reply.followOn?.scriptId).toBe('zh-intro-product');
    const again = await chat.say(conversationId, '没听清，再说一遍');
    expect(again.reply).toMatchObject({
      scriptId: yes.reply.scriptId,
      text: yes.reply.text,
      followOn: { scriptId: 'zh-intro-product' },
      fallback: false,
    });
  });

  it('zh: 喂 to an interested lead repeats the price, not the opening; the stage stays interested', async () => {
    const { chat, conversationId } = await greeted('zh');
    const price = await chat.say(conversationId, '月费多少钱');
    expect(price).toMatchObject({ intent: { name: 'ask_price' }, leadStage: 'interested' });
    const hello = await chat.say(conversationId, '喂');
    expect(hello).toMatchObject({
      leadStage: 'interested',
      reply: { scriptId: price.reply.scriptId, fallback: false },
    });
  });

  it('zh: the retention attempt said again stays open: a no then says goodbye', async () => {
    const { chat, conversationId } = await greeted('zh');
    const retention = await chat.say(conversationId, '不需要，没兴趣');
    expect(retention.reply.scriptId).toBe('zh-retention');
    const again = await chat.say(conversationId, '你说什么？');
    expect(again.reply.scriptId).toBe('zh-retention');
    const no = await chat.say(conversationId, '不用了');
    expect(no).toMatchObject({ action: 'hangup', actionDetail: { reason: 'not_interested' } });
  });

  it.each([
    ['zh', '喂，多少钱', 'ask_price'],
    ['zh', '没听清，安装要多久？', 'ask_product_detail'],
    ['en', 'sorry, how much is it?', 'ask_price'],
  ] as const)('%s "%s": a question in the same words is answered as one', async (lang, text, intent) => {
    const { chat, conversationId, greeting } = await greeted(lang);
    const t = await chat.say(conversationId, text);
    expect(t.intent.name).toBe(intent);
    expect(t.reply.scriptId).not.toBe(greeting);
    const [, record] = await chat.audit(conversationId);
    expect(record).not.toHaveProperty('callerAsked');
  });

  it('the generic telephony route: 你说什么 repeats the line, 你等一下 acknowledges the wait', async () => {
    const post = (body: object) => request(gw.url).post('/v1/telephony/events').send(body).expect(200);
    const callId = 'fs-repeat-zh';
    await post({ callId, event: { type: 'start', campaignId } });
    const hi = await post({ callId, eventId: 'e1', event: { type: 'user_text', text: '你好' } });
    const again = await post({ callId, eventId: 'e2', event: { type: 'user_text', text: '你说什么' } });
    expect(again.body).toMatchObject({ action: 'continue', reply: { text: hi.body.reply.text } });
    const hold = await post({ callId, eventId: 'e3', event: { type: 'user_text', text: '你等一下' } });
    expect(hold.body).toMatchObject({ action: 'continue', reply: { text: spokenSample('zh-hold') } });
  });
});
