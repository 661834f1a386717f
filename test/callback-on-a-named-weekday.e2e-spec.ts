// Scenario: a busy customer names the day of the callback in Chinese (周五下午, 下周一上午, 下星期) in the
// small hours of a Tuesday, on a campaign in Asia/Shanghai. The callback is due on the day named, at a
// calling hour, and never in the campaign's night: a time outside its calling hours (default
// 09:00–20:00) moves to the next allowed one, and actionDetail.callback says from when. The clock is
// fixed (OpsOptions.clock), so the spec holds at any hour of the run. Real gateway + real Redis + the
// shipped models.
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign } from './support/dialogue.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

/** Tuesday 1 December 2026, 01:10 in Shanghai: when the exploratory test found the bug. */
const NOW = new Date('2026-12-01T01:10:00+08:00');
const at = (shanghai: string) => new Date(`${shanghai}:00+08:00`).toISOString();
const auth = { authorization: `Bearer ${ADMIN_KEY}` };

describe('callback on a named weekday, never in the night', () => {
  const gw = gatewayForSuite('cb-weekday', {}, { clock: { now: () => new Date(NOW) } });
  const DAYTIME = { timeZone: 'Asia/Shanghai', callingHours: { start: '09:00', end: '20:00' } };
  let campaignId = '';
  beforeAll(async () => {
    campaignId = await createLanguageCampaign(gw.url, 'zh', 'cb-weekday', DAYTIME);
  });

  it.each([
    ['周五下午再打给我', '周五下午', '2026-12-04T15:00'],
    ['下周一上午再联系我', '下周一上午', '2026-12-07T10:00'],
    ['我现在很忙，下星期再联系吧', '下星期', '2026-12-07T12:00'],
    ['我在开会，下周一上午九点再打', '下周一上午九点', '2026-12-07T09:00'],
  ])('"%s" at Tuesday 01:10 → the day named ("%s"), %s Shanghai', async (text, requested, due) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const turn = await chat.say(conversationId, text);
    expect(turn).toMatchObject({ intent: { name: 'busy_call_later' }, action: 'hangup' });
    expect(turn.actionDetail?.callback).toEqual({
      dueAt: at(due),
      timeZone: 'Asia/Shanghai',
      requested,
      scheduled: false,
      notScheduledReason: 'DIALER_WEBHOOK_URL is not set',
    });
  });

  it('a time in the night (the default delay, 凌晨三点) moves to 09:00, and the callback says from when', async () => {
    for (const [text, asked] of [
      ['我现在很忙，晚点再说', '2026-12-01T02:10'],
      ['我在开会，凌晨三点再打', '2026-12-01T03:00'],
    ] as const) {
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId });
      const turn = await chat.say(conversationId, text);
      expect(turn.intent.name).toBe('busy_call_later');
      expect(turn.actionDetail?.callback).toMatchObject({
        dueAt: at('2026-12-01T09:00'),
        movedFrom: at(asked),
        callingHours: { start: '09:00', end: '20:00' },
      });
      const [record] = await chat.audit(conversationId);
      expect(record.effects.callback).toEqual(turn.actionDetail?.callback);
    }
  });

  it('the campaign endpoint takes callingHours HH:MM, start before end (default 09:00–20:00, null restores it)', async () => {
    const put = (body: object, create = false) =>
      request(gw.url)
        .put('/v1/admin/campaigns/cb-hours')
        .set(create ? { ...auth, 'if-none-match': '*' } : auth)
        .send(body);
    expect((await put({ name: 'calling hours' }, true).expect(200)).body.callingHours).toEqual({
      start: '09:00',
      end: '20:00',
    });
    const whole = { start: '00:00', end: '24:00' };
    expect((await put({ callingHours: whole }).expect(200)).body.callingHours).toEqual(whole);
    for (const bad of [
      { start: '20:00', end: '09:00' },
      { start: '09:00', end: '09:00' },
      { start: '24:00', end: '24:00' },
      { start: '9:00', end: '20:00' },
      { start: '09:00', end: '25:00' },
      { start: '09:00', end: '20:00', days: 'weekdays' },
      '09:00-20:00',
    ])
      expectError(await put({ callingHours: bad }), 400, 'VALIDATION_FAILED');
    expect((await put({ callingHours: null }).expect(200)).body.callingHours).toEqual({
      start: '09:00',
      end: '20:00',
    });
  });
});
