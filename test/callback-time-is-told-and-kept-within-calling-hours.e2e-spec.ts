// Scenario (found at 03:32 Shanghai time by an exploratory tester): a busy caller names when to be called
// back, and the campaign's calling hours are the default 09:00–20:00. The callback is due at the time
// asked when calling hours allow it, its very end included (晚上八点); "after work" is an evening time
// (18:30), not the default delay in working hours; and whenever a time was named or moved, the caller
// hears the time they will be called (the library's callback_time line), not "at the time that suits you".
// The clock is fixed (OpsOptions.clock). Real gateway + real Redis + the shipped models.
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

/** Tuesday 1 December 2026, 03:32 in Shanghai. */
const NOW = new Date('2026-12-01T03:32:00+08:00');
const at = (shanghai: string) => new Date(`${shanghai}:00+08:00`).toISOString();
const DAYTIME = { timeZone: 'Asia/Shanghai', callingHours: { start: '09:00', end: '20:00' } };

describe('callback times the caller can trust', () => {
  const gw = gatewayForSuite('cb-told', {}, { clock: { now: () => new Date(NOW) } });
  const campaigns: Partial<Record<Lang, string>> = {};
  beforeAll(async () => {
    for (const lang of ['zh', 'en'] as const) {
      campaigns[lang] = await createLanguageCampaign(gw.url, lang, `cb-told-${lang}`, DAYTIME);
    }
  });

  const busy = async (lang: Lang, text: string) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: campaigns[lang] });
    const turn = await chat.say(conversationId, text);
    expect(turn).toMatchObject({
      intent: { name: 'busy_call_later' },
      action: 'hangup',
      actionDetail: { reason: 'busy_call_later' },
    });
    const [record] = await chat.audit(conversationId);
    expect(record.effects.callback).toEqual(turn.actionDetail?.callback);
    return turn;
  };

  it.each([
    [
      'zh',
      '我在开会，晚上八点再打吧',
      '晚上八点',
      '2026-12-01T20:00',
      '好的，已经帮您记下了，我们今天晚上8点再给您打过来，祝您工作顺利。',
    ],
    [
      'en',
      "I'm busy, call me at 8 pm",
      'at 8 pm',
      '2026-12-01T20:00',
      "Done, I've noted that. We'll call you back today at 8 PM. Have a good day.",
    ],
    [
      'zh',
      '我在上班，下班以后打给我',
      '下班以后',
      '2026-12-01T18:30',
      '好的，已经帮您记下了，我们今天下午6点半再给您打过来，祝您工作顺利。',
    ],
    [
      'en',
      "I'm at work, call me back after work",
      'after work',
      '2026-12-01T18:30',
      "Done, I've noted that. We'll call you back today at 6:30 PM. Have a good day.",
    ],
  ] as const)(
    '%s "%s": due as asked ("%s", %s Shanghai), and the reply says so',
    async (lang, text, requested, due, reply) => {
      const turn = await busy(lang, text);
      expect(turn.actionDetail?.callback).toEqual({
        dueAt: at(due),
        timeZone: 'Asia/Shanghai',
        requested,
        scheduled: false,
        notScheduledReason: 'DIALER_WEBHOOK_URL is not set',
      });
      expect(turn.reply).toMatchObject({ scriptId: `${lang}-callback-time`, text: reply });
    },
  );

  it.each([
    // A time after the end: the next day's start, the earliest allowed time after the one asked.
    [
      'zh',
      '我在开会，晚上九点再打吧',
      '2026-12-01T21:00',
      '好的，已经帮您记下了，我们明天上午9点再给您打过来，祝您工作顺利。',
    ],
    [
      'en',
      "I'm busy, call me after 9pm",
      '2026-12-01T21:00',
      "Done, I've noted that. We'll call you back tomorrow at 9 AM. Have a good day.",
    ],
    // No time named: the default delay (03:32 + 2 h) was in the night and moved to 09:00: that is said too.
    ['zh', '我在开会', '2026-12-01T05:32', '好的，已经帮您记下了，我们今天上午9点再给您打过来，祝您工作顺利。'],
    [
      'en',
      "Sorry, I'm in a meeting right now",
      '2026-12-01T05:32',
      "Done, I've noted that. We'll call you back today at 9 AM. Have a good day.",
    ],
  ] as const)(
    '%s "%s": %s is outside calling hours, moved, and the reply names the moved time',
    async (lang, text, asked, reply) => {
      const turn = await busy(lang, text);
      const callback = turn.actionDetail?.callback;
      expect(callback).toMatchObject({ movedFrom: at(asked), callingHours: DAYTIME.callingHours });
      expect(turn.reply).toMatchObject({ scriptId: `${lang}-callback-time`, text: reply });
    },
  );
});
