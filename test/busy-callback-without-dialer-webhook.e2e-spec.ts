// Scenario: no DIALER_WEBHOOK_URL (the client, a dialer, schedules its own callbacks). A busy customer who
// names a time still gets it in the TurnResult's actionDetail.callback (with `scheduled: false` and why),
// the audit's effects.callback and the session; a confirmation with the {callback_time} slot names that
// time (the campaign's edit of the sample's); the sample library, whose confirmation has no slot, says its
// callback_time line instead, and a library with neither says its confirmation as it stands. Real gateway +
// real Redis, no webhook receiver.
import { bootGateway, type Booted } from './support/boot.js';
import { Chat, createLanguageCampaign, tomorrowIn, wallHour } from './support/dialogue.js';
import { SAMPLE } from './support/sample-campaign.js';

/** The campaign's confirmation, edited to name the time understood. */
const CONFIRM_WITH_TIME = {
  zh: '好的，已经帮您记下了，{callback_time}我们再联系您，祝您工作顺利。',
  en: "Done, I've noted that. We'll call you back {callback_time}. Have a good day.",
} as const;

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
      const sample = SAMPLE.find((s) => s.id === scriptId)!.text;
      const campaignId = await createLanguageCampaign(
        gw.url,
        lang,
        `cb-${lang}-nowebhook`,
        { timeZone },
        () => true,
        (s) => (s.id === scriptId ? { ...s, text: CONFIRM_WITH_TIME[lang] } : s),
      );
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
      // The sample library: its confirmation has no slot, so its line that names the time is said instead.
      const sampled = await createLanguageCampaign(gw.url, lang, `cb-${lang}-nowebhook-sample`, { timeZone });
      const told = await chat.say((await chat.start({ campaignId: sampled })).conversationId, text);
      expect(told).toMatchObject({
        reply: { scriptId: `${lang}-callback-time` },
        actionDetail: { callback: { scheduled: false } },
      });
      expect(told.reply.text).toContain(spoken);
      // A library without such a line says its confirmation (no slot) as it stands.
      const plain = await createLanguageCampaign(
        gw.url,
        lang,
        `cb-${lang}-nowebhook-plain`,
        { timeZone },
        (s) => s.id !== `${lang}-callback-time`,
      );
      const other = await chat.say((await chat.start({ campaignId: plain })).conversationId, text);
      expect(other).toMatchObject({
        reply: { scriptId, text: sample },
        actionDetail: { callback: { scheduled: false } },
      });

      const [record] = await chat.audit(conversationId);
      expect(record.effects).toEqual({ callback });
      const view = await chat.view(conversationId);
      expect(view).toMatchObject({ status: 'ended', callback });
    },
  );
});
