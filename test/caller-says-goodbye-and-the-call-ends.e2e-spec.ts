// Scenario: on the bilingual sample library a caller who closes the call (再见, 拜拜, "ok thanks bye")
// and says nothing else hears the campaign's goodbye in their language and the call ends: action hangup,
// lead stage closed, reason `caller_goodbye`. A goodbye is no opt-out (the number is not listed) and no
// "not interested" (no retention pitch). Before, the intent model read 再见 as an unsure do_not_call (the
// confirmation question), 拜拜 and "bye" as out_of_scope (clarify), 好的，再见 as affirm (the pitch) and
// "ok thanks, bye" as not_interested (the retention pitch). A closing inside a request is no goodbye, a
// callback asked for in the same words is scheduled, an explicit do-not-call request is listed.
// Real gateway + real dialogue pipeline + real models + real Redis, over the chat API and the generic
// telephony route.
import request from 'supertest';
import { Chat, createSampleCampaign, expectListedAndRefused, type Lang } from './support/dialogue.js';
import { spokenSample } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';
import { TELEPHONY_ENV } from './support/telephony-env.js';

const HELLO: Record<Lang, string> = { zh: '你好', en: 'hello' };
const GOODBYES: Record<Lang, string[]> = {
  zh: ['再见', '拜拜', '先这样吧再见', '挂了啊', '好的，再见', '好吧，那再见', '不聊了，挂了', '嗯好的拜拜'],
  en: ['bye', 'goodbye', 'ok thanks bye', 'talk later bye', 'ok thanks, bye', 'Bye-bye!'],
};

describe('a caller who says goodbye hears the goodbye and the call ends', () => {
  const gw = gatewayForSuite('dlg-caller-goodbye', TELEPHONY_ENV);
  let campaignId: string;
  let phones = 0;
  const nextPhone = () => `1380013${String(8000 + phones++)}`;
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'caller-goodbye');
  });
  /** Whether the number may still be called. */
  const callable = async (phone: string) =>
    (await request(gw.url).post('/v1/conversations').send({ campaignId, customer: { phone } })).status === 201;

  /** A conversation with a phone number that has been greeted once. */
  async function greeted(lang: Lang): Promise<{ chat: Chat; conversationId: string; phone: string }> {
    const chat = new Chat(gw.url);
    const phone = nextPhone();
    const { conversationId } = await chat.start({ campaignId, customer: { phone } });
    expect((await chat.say(conversationId, HELLO[lang])).action).toBe('continue');
    return { chat, conversationId, phone };
  }

  describe.each(['zh', 'en'] as const)('%s, chat API', (lang) => {
    it.each(GOODBYES[lang])('"%s": goodbye, hangup, reason caller_goodbye, not listed', async (text) => {
      const { chat, conversationId, phone } = await greeted(lang);
      const turn = await chat.say(conversationId, text);
      expect(turn).toMatchObject({
        route: 'script',
        action: 'hangup',
        leadStage: 'closed',
        actionDetail: { reason: 'caller_goodbye' },
        reply: { scriptId: `${lang}-goodbye`, fallback: false },
      });
      expect(turn.compliance.input.hits?.map((h) => h.category)).toContain('goodbye');
      // No opt-out: nothing listed, and a call flow that acts on the intent is not told do_not_call.
      expect(turn).not.toHaveProperty('doNotCall');
      expect(turn.intent.name).not.toBe('do_not_call');

      const [, record] = await chat.audit(conversationId);
      expect(record).toMatchObject({ action: 'hangup', effects: {}, callerGoodbye: true });
      expect(record).toMatchObject({ actionDetail: { reason: 'caller_goodbye' } });
      const view = await chat.view(conversationId);
      expect(view).toMatchObject({ status: 'ended', endReason: 'caller_goodbye' });
      expect(await callable(phone)).toBe(true);
    });
  });

  it('the generic telephony route: 再见 and "ok thanks bye" end the call with the goodbye', async () => {
    const post = (body: object) => request(gw.url).post('/v1/telephony/events').send(body).expect(200);
    for (const [lang, text] of [
      ['zh', '再见'],
      ['en', 'ok thanks bye'],
    ] as const) {
      const callId = `fs-bye-${lang}`;
      const phone = nextPhone();
      await post({ callId, event: { type: 'start', campaignId, phone } });
      await post({ callId, eventId: 'e1', event: { type: 'user_text', text: HELLO[lang] } });
      const bye = await post({ callId, eventId: 'e2', event: { type: 'user_text', text } });
      expect(bye.body).toMatchObject({
        action: 'hangup',
        hangup: { reason: 'caller_goodbye' },
        reply: { text: spokenSample(`${lang}-goodbye`) },
      });
      expect(bye.body).not.toHaveProperty('doNotCall');
      expect(bye.body.intent?.name).not.toBe('do_not_call');
      expect(await callable(phone)).toBe(true);
    }
  });

  it.each([
    ['zh', '再见之前我想问一下价格'],
    ['en', 'bye the way, how much is it'],
    ['en', 'goodbye to high bills?'],
  ] as const)('%s "%s": a closing phrase inside a request is no goodbye', async (lang, text) => {
    const { chat, conversationId } = await greeted(lang);
    const turn = await chat.say(conversationId, text);
    expect(turn.action).toBe('continue');
    expect(turn.actionDetail).toBeUndefined();
    expect(turn.compliance.input.hits?.map((h) => h.category) ?? []).not.toContain('goodbye');
  });

  it('a callback asked for in the same words wins: 明天再打给我，拜拜 schedules it', async () => {
    const { chat, conversationId } = await greeted('zh');
    const turn = await chat.say(conversationId, '明天再打给我，拜拜');
    expect(turn).toMatchObject({
      intent: { name: 'busy_call_later' },
      action: 'hangup',
      actionDetail: { reason: 'busy_call_later', callback: { dueAt: expect.any(String), requested: '明天' } },
    });
  });

  it('an explicit do-not-call request in the same words wins: 别再打了，再见 lists the number', async () => {
    const { chat, conversationId, phone } = await greeted('zh');
    const turn = await chat.say(conversationId, '别再打了，再见');
    await expectListedAndRefused(gw.url, turn, campaignId, phone);
  });

  it('a goodbye in answer to the do-not-call question ends the call without listing the number', async () => {
    const { chat, conversationId, phone } = await greeted('zh');
    // Haggling the shipped intent model reads as an unsure do_not_call: the question is asked.
    const asked = await chat.say(conversationId, '能不能别再打八折了，直接打五折');
    expect(asked).toMatchObject({ action: 'continue', doNotCall: 'confirming' });
    const bye = await chat.say(conversationId, '好的，再见');
    expect(bye).toMatchObject({ action: 'hangup', actionDetail: { reason: 'caller_goodbye' }, doNotCall: 'dropped' });
    expect(await callable(phone)).toBe(true);
  });
});
