// Scenario: no DIALER_WEBHOOK_URL (the client, a dialer, schedules its own callbacks). A busy customer who
// names a time still gets it in the TurnResult's actionDetail.callback (with `scheduled: false` and why),
// the audit's effects.callback and the session, and hears the confirmation that names that time, not a
// "noted" that promises nothing in particular. Real gateway + real Redis, no webhook receiver.
import { bootGateway, type Booted } from './support/boot.js';
import { Chat, createLanguageCampaign, tomorrowIn, wallHour } from './support/dialogue.js';

describe('busy without a dialer webhook: the understood time is handed to the client and said', () => {
  let gw: Booted;

  beforeAll(async () => {
    gw = await bootGateway('dlg-callback-nowebhook', { GENERATOR_MODE: 'inprocess' });
    expect(gw.config.dialogue.dialerWebhookUrl).toBeUndefined();
  });
  afterAll(async () => {
    await gw.close();
  });

  it.each([
    ['zh', 'Asia/Shanghai', '我在开会，明天下午三点再打给我', '明天下午三点', '明天下午3点', 'zh-callback-confirm'],
    [
      'en',
      'America/New_York',
      "I'm in a meeting, call me back tomorrow at 3pm",
      'tomorrow at 3pm',
      'tomorrow at 3 PM',
      'en-callback-confirm',
    ],
  ] as const)(
    '%s campaign in %s: "%s" → callback {requested: "%s", scheduled: false}, the reply says "%s"',
    async (lang, timeZone, text, requested, spoken, scriptId) => {
      const campaignId = await createLanguageCampaign(gw.url, lang, `cb-${lang}-nowebhook`, { timeZone });
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId });
      const turn = await chat.say(conversationId, text);
      expect(turn).toMatchObject({ intent: { name: 'busy_call_later' }, action: 'hangup' });
      expect(turn.actionDetail).toEqual({
        reason: 'busy_call_later',
        callback: {
          dueAt: expect.any(String),
          timeZone,
          requested,
          scheduled: false,
          notScheduledReason: 'DIALER_WEBHOOK_URL is not set',
        },
      });
      const callback = turn.actionDetail!.callback!;
      expect(wallHour(callback.dueAt, timeZone)).toBe(`${tomorrowIn(timeZone)} 15`);
      expect(turn.reply.scriptId).toBe(scriptId);
      expect(turn.reply.text).toContain(spoken);

      const [record] = await chat.audit(conversationId);
      expect(record.effects).toEqual({ callback });
      const view = await chat.view(conversationId);
      expect(view).toMatchObject({ status: 'ended', callback });
    },
  );
});
