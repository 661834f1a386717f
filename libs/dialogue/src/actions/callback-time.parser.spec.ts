import { parseCallbackTime, zhNumber } from './callback-time.parser.js';

// A fixed local time: Sunday 29 Nov 2026, 10:00.
const now = new Date(2026, 10, 29, 10, 0, 0);
const DEFAULT = 2 * 3600_000;
const offsetMin = (d: Date) => Math.round((d.getTime() - now.getTime()) / 60_000);

describe('parseCallbackTime', () => {
  it.each([
    ['一个小时后再打给我', 60],
    ['半小时以后吧', 30],
    ['十分钟之后', 10],
    ['两个半小时后', 150],
    ['3秒后', 0.05],
    // 过 + a duration, with or without 后 (outside audit).
    ['过半小时再打来', 30],
    ['过半个小时再打', 30],
    ['过十分钟再打', 10],
    ['过一个小时再打吧', 60],
    ['过两个小时再打', 120],
    ['过二十分钟以后再打', 20],
  ])('zh relative "%s" → +%d min', (text, minutes) => {
    const r = parseCallbackTime(text, 'zh', now, DEFAULT);
    expect(r.source).toBe('relative');
    expect((r.at.getTime() - now.getTime()) / 60_000).toBeCloseTo(minutes, 5);
  });

  it('不过/超过 are not 过 + a duration', () => {
    expect(parseCallbackTime('不过十分钟后我要开会', 'zh', now, DEFAULT)).toMatchObject({ text: '十分钟后' });
    expect(parseCallbackTime('已经超过十分钟了，我在开会', 'zh', now, DEFAULT).source).toBe('default');
  });

  it('zh date/time: 明天下午 is tomorrow afternoon, 下周一上午十点 next week’s Monday 10:00', () => {
    const a = parseCallbackTime('我现在很忙，明天下午再打吧', 'zh', now, DEFAULT);
    expect(a.source).toBe('datetime');
    expect([a.at.getDate(), a.at.getHours() >= 12 && a.at.getHours() < 18]).toEqual([30, true]);
    const b = parseCallbackTime('下周一上午十点', 'zh', now, DEFAULT);
    // Said on a Sunday: Chinese weeks start on Monday, so next week's Monday is tomorrow, 30 November.
    expect([b.at.getMonth(), b.at.getDate(), b.at.getHours()]).toEqual([10, 30, 10]);
  });

  it('en: "tomorrow at 3" is 15:00 (a sales call), "in an hour" is +60 min', () => {
    const a = parseCallbackTime("I'm busy, call me tomorrow at 3", 'en', now, DEFAULT);
    expect([a.at.getDate(), a.at.getHours()]).toEqual([30, 15]);
    expect(offsetMin(parseCallbackTime('call me back in an hour', 'en', now, DEFAULT).at)).toBe(60);
    expect(parseCallbackTime('try again in 2 seconds', 'en', now, DEFAULT).at.getTime() - now.getTime()).toBe(2000);
  });

  it('vague words and nothing at all fall back to sensible delays', () => {
    expect(parseCallbackTime('等会儿再说', 'zh', now, DEFAULT)).toMatchObject({ source: 'vague' });
    expect(offsetMin(parseCallbackTime('call me later', 'en', now, DEFAULT).at)).toBe(60);
    const d = parseCallbackTime('我在开会', 'zh', now, DEFAULT);
    expect(d.source).toBe('default');
    expect(d.at.getTime() - now.getTime()).toBe(DEFAULT);
  });

  it('a time already past today moves forward, never into the past', () => {
    const r = parseCallbackTime('早上八点', 'zh', now, DEFAULT);
    expect(r.at.getTime()).toBeGreaterThan(now.getTime());
  });
});

// Fixed instants in named zones, so these hold whatever the process's TZ is.
const iso = (s: string) => new Date(s).toISOString();
const inZone = (text: string, nowIso: string, zone: string, language: 'zh' | 'en' = 'zh') =>
  parseCallbackTime(text, language, new Date(nowIso), DEFAULT, zone);

describe('parseCallbackTime: a clock hour without am/pm is its next plausible occurrence', () => {
  const early = '2026-11-29T06:43:00+08:00';
  const afternoon = '2026-11-29T16:00:00+08:00';
  it.each([
    // At 06:43 the afternoon is still ahead: today, not tomorrow (outside audit).
    ["I'm busy, call me at 3", early, '2026-11-29T15:00:00+08:00'],
    ['call me at 5, busy now', early, '2026-11-29T17:00:00+08:00'],
    ['call me at 3:30', early, '2026-11-29T15:30:00+08:00'],
    ['call me at 9', early, '2026-11-29T09:00:00+08:00'],
    ['call me at 12', early, '2026-11-29T12:00:00+08:00'],
    ['我忙，你四点再打', early, '2026-11-29T16:00:00+08:00'],
    ['下午四点再打', early, '2026-11-29T16:00:00+08:00'],
    ['晚上八点再打吧', early, '2026-11-29T20:00:00+08:00'],
    ['早上九点再打', early, '2026-11-29T09:00:00+08:00'],
    ['call me at 3pm', early, '2026-11-29T15:00:00+08:00'],
    // At 16:00 today's 15:00 and 09:00 are past: tomorrow; 17:00 is still today.
    ['call me at 3', afternoon, '2026-11-30T15:00:00+08:00'],
    ['call me at 5', afternoon, '2026-11-29T17:00:00+08:00'],
    ['call me at 9', afternoon, '2026-11-30T09:00:00+08:00'],
    ['你四点再打', afternoon, '2026-11-30T16:00:00+08:00'],
    ['早上九点', afternoon, '2026-11-30T09:00:00+08:00'],
    ['晚上八点', afternoon, '2026-11-29T20:00:00+08:00'],
    // A named day keeps its day; the hour rule still applies.
    ["I'm busy, call me tomorrow at 3", early, '2026-11-30T15:00:00+08:00'],
    ['明天3点再打', early, '2026-11-30T15:00:00+08:00'],
    ['明天早上九点', afternoon, '2026-11-30T09:00:00+08:00'],
    // Tomorrow across a month and a year end.
    ['call me at 3', '2026-11-30T16:00:00+08:00', '2026-12-01T15:00:00+08:00'],
    ['你四点再打', '2026-12-31T17:00:00+08:00', '2027-01-01T16:00:00+08:00'],
  ])('"%s" at %s (Asia/Shanghai) → %s', (text, now, expected) => {
    const r = inZone(text, now, 'Asia/Shanghai');
    expect(r.source).toBe('datetime');
    expect(r.at.toISOString()).toBe(iso(expected));
  });
});

describe('parseCallbackTime: times are read in the campaign time zone', () => {
  it('明天下午 on a Beijing campaign is 15:00 Beijing, whatever the process zone', () => {
    const r = inZone('我现在很忙，明天下午再打吧', '2026-11-29T06:43:00+08:00', 'Asia/Shanghai');
    expect(r.at.toISOString()).toBe(iso('2026-11-30T15:00:00+08:00'));
    // Late in the UTC day it is already tomorrow in Beijing.
    const late = inZone('明天下午', '2026-11-29T23:30:00Z', 'Asia/Shanghai');
    expect(late.at.toISOString()).toBe(iso('2026-12-01T15:00:00+08:00'));
  });

  it.each([
    ['明天下午', '2026-12-02T15:00:00+08:00'],
    ['明天下午三点', '2026-12-02T15:00:00+08:00'],
    ['明早九点半', '2026-12-02T09:30:00+08:00'],
    ['明晚七点', '2026-12-02T19:00:00+08:00'],
  ])('just after midnight, %s is on the next calendar day (as the confirmation says it)', (text, due) => {
    // chrono's zh parsers read 明 said before 02:00 as the coming day (today); one phrasing did, one did not.
    for (const at of ['2026-12-01T00:15:00+08:00', '2026-12-01T01:59:00+08:00', '2026-12-01T10:00:00+08:00']) {
      expect({ at, due: inZone(text, at, 'Asia/Shanghai').at.toISOString() }).toEqual({ at, due: iso(due) });
    }
  });

  it('the same words in another zone give another instant', () => {
    const now = '2026-11-29T12:00:00Z';
    expect(inZone('tomorrow at 10am', now, 'Europe/Berlin', 'en').at.toISOString()).toBe(
      iso('2026-11-30T10:00:00+01:00'),
    );
    expect(inZone('tomorrow at 10am', now, 'UTC', 'en').at.toISOString()).toBe(iso('2026-11-30T10:00:00Z'));
  });

  it('DST (America/New_York): the offset is the one of the callback day, durations stay durations', () => {
    // Sat 7 Mar 2026 10:00 EST; clocks go forward on Sunday 8 Mar at 02:00.
    const sat = '2026-03-07T10:00:00-05:00';
    expect(inZone('call me tomorrow at 3', sat, 'America/New_York', 'en').at.toISOString()).toBe(
      iso('2026-03-08T15:00:00-04:00'),
    );
    expect(inZone('call me at 3', sat, 'America/New_York', 'en').at.toISOString()).toBe(
      iso('2026-03-07T15:00:00-05:00'),
    );
    expect(inZone('明天上午十点', sat, 'America/New_York').at.toISOString()).toBe(iso('2026-03-08T10:00:00-04:00'));
    // 01:30 EST + 1 h is 03:30 EDT: an hour later, not two.
    const night = new Date('2026-03-08T01:30:00-05:00');
    const r = parseCallbackTime('call me back in an hour', 'en', night, DEFAULT, 'America/New_York');
    expect(r.at.getTime() - night.getTime()).toBe(3_600_000);
    // Back to standard time on Sun 1 Nov 2026: Saturday's "tomorrow at 3" is 15:00 EST.
    expect(inZone('tomorrow at 3', '2026-10-31T12:00:00-04:00', 'America/New_York', 'en').at.toISOString()).toBe(
      iso('2026-11-01T15:00:00-05:00'),
    );
  });
});

describe('parseCallbackTime: vague words follow the utterance language', () => {
  it.each(['call me back later', 'try me later', 'call me later'])('"%s" on a zh campaign → +1 h', (text) => {
    const r = parseCallbackTime(text, 'zh', now, DEFAULT);
    expect(r).toMatchObject({ source: 'vague', text: 'later' });
    expect(offsetMin(r.at)).toBe(60);
  });
  it('等会儿 on an en campaign → +1 h; words of neither language keep the campaign default', () => {
    expect(parseCallbackTime('等会儿再打', 'en', now, DEFAULT)).toMatchObject({ source: 'vague', text: '等会儿' });
    expect(parseCallbackTime('…', 'zh', now, DEFAULT).source).toBe('default');
  });
});

describe('zhNumber', () => {
  it.each([
    ['3', 3],
    ['两', 2],
    ['十', 10],
    ['十五', 15],
    ['二十', 20],
    ['九十九', 99],
    ['半', 0.5],
  ])('%s → %d', (s, n) => expect(zhNumber(s)).toBe(n));
  it('rejects what it cannot read', () => expect(zhNumber('百')).toBeUndefined());
});

describe('parseCallbackTime: the day the caller named, at a calling hour (Asia/Shanghai)', () => {
  // Tuesday 1 December 2026 at several hours, and Sunday 6 December.
  const TUE_0030 = '2026-12-01T00:30:00+08:00';
  const TUE_0110 = '2026-12-01T01:10:00+08:00';
  const TUE_1000 = '2026-12-01T10:00:00+08:00';
  const TUE_2130 = '2026-12-01T21:30:00+08:00';
  const SUN_1000 = '2026-12-06T10:00:00+08:00';
  const HOURS = { start: '09:00', end: '20:00' };
  const due = (text: string, nowIso: string) =>
    parseCallbackTime(text, 'zh', new Date(nowIso), DEFAULT, 'Asia/Shanghai', HOURS);

  it.each([
    // The exploratory test's cases, Tuesday 01:10.
    ['周五下午再打给我', TUE_0110, '2026-12-04T15:00', '周五下午'],
    ['下周一上午再联系我', TUE_0110, '2026-12-07T10:00', '下周一上午'],
    ['下星期再联系吧', TUE_0110, '2026-12-07T12:00', '下星期'],
    ['上午再打吧', TUE_0110, '2026-12-01T10:00', '上午'],
    ['下周一上午九点', TUE_0110, '2026-12-07T09:00', '下周一上午九点'],
    // Every way of naming a weekday: its next occurrence (noon when no time of day is said).
    ['星期五再打', TUE_0110, '2026-12-04T12:00', '星期五'],
    ['礼拜五上午', TUE_0110, '2026-12-04T10:00', '礼拜五上午'],
    ['星期天下午', TUE_0110, '2026-12-06T15:00', '星期天下午'],
    ['礼拜天再说', TUE_0110, '2026-12-06T12:00', '礼拜天'],
    ['星期日傍晚', TUE_0110, '2026-12-06T18:00', '星期日傍晚'],
    ['周一再打', TUE_0110, '2026-12-07T12:00', '周一'],
    ['这周五下午', TUE_0110, '2026-12-04T15:00', '这周五下午'],
    ['本周五晚上', TUE_0110, '2026-12-04T19:00', '本周五晚上'],
    ['这个礼拜四', TUE_0110, '2026-12-03T12:00', '这个礼拜四'],
    // Weeks run Monday to Sunday: 下周日 is next week's Sunday, 这周日 this one.
    ['下周日上午', TUE_0110, '2026-12-13T10:00', '下周日上午'],
    ['这周日上午', TUE_0110, '2026-12-06T10:00', '这周日上午'],
    ['下个礼拜三中午', TUE_0110, '2026-12-09T12:00', '下个礼拜三中午'],
    ['下个礼拜再打', TUE_0110, '2026-12-07T12:00', '下个礼拜'],
    ['下周下午吧', TUE_0110, '2026-12-07T15:00', '下周下午'],
    ['周末再联系', TUE_0110, '2026-12-05T12:00', '周末'],
    ['这周末下午', TUE_0110, '2026-12-05T15:00', '这周末下午'],
    ['下周末吧', TUE_0110, '2026-12-12T12:00', '下周末'],
    // On a Sunday, next week starts tomorrow and 周末 is today.
    ['下周一上午', SUN_1000, '2026-12-07T10:00', '下周一上午'],
    ['下星期再打', SUN_1000, '2026-12-07T12:00', '下星期'],
    ['周末下午', SUN_1000, '2026-12-06T15:00', '周末下午'],
    ['周二再打', SUN_1000, '2026-12-08T12:00', '周二'],
    // 周二 said on a Tuesday: today while that time is still ahead, else next Tuesday.
    ['周二下午', TUE_1000, '2026-12-01T15:00', '周二下午'],
    ['周二上午', TUE_0030, '2026-12-01T10:00', '周二上午'],
    ['周二上午', TUE_1000, '2026-12-08T10:00', '周二上午'],
    ['周二', TUE_2130, '2026-12-08T12:00', '周二'],
    // A time of day alone: today while it is ahead, else tomorrow.
    ['上午', TUE_0030, '2026-12-01T10:00', '上午'],
    ['上午', TUE_1000, '2026-12-02T10:00', '上午'],
    ['中午再打', TUE_1000, '2026-12-01T12:00', '中午'],
    ['下午', TUE_1000, '2026-12-01T15:00', '下午'],
    ['傍晚再打', TUE_1000, '2026-12-01T18:00', '傍晚'],
    ['晚上再打', TUE_1000, '2026-12-01T19:00', '晚上'],
    ['晚上再打', TUE_2130, '2026-12-02T19:00', '晚上'],
    ['今晚吧', TUE_1000, '2026-12-01T19:00', '今晚'],
    ['明早再打', TUE_1000, '2026-12-02T10:00', '明早'],
    ['明天上午', TUE_2130, '2026-12-02T10:00', '明天上午'],
    ['明天傍晚', TUE_1000, '2026-12-02T18:00', '明天傍晚'],
    // English names its days with chrono's own parser; its times of day are calling hours too.
    ['call me Friday afternoon', TUE_0110, '2026-12-04T15:00', 'Friday afternoon'],
    ['next monday morning', TUE_0110, '2026-12-07T10:00', 'next monday morning'],
    ['tomorrow morning', TUE_1000, '2026-12-02T10:00', 'tomorrow morning'],
    ['call me tonight', TUE_1000, '2026-12-01T19:00', 'tonight'],
    // After work: 18:30, today while it is ahead, else tomorrow; a day named keeps its day.
    ['我在上班，下班以后打给我', TUE_0110, '2026-12-01T18:30', '下班以后'],
    ['下班后再打吧', TUE_2130, '2026-12-02T18:30', '下班后'],
    ['等我下了班再打', TUE_1000, '2026-12-01T18:30', '等我下了班'],
    ['明天下班以后再打', TUE_1000, '2026-12-02T18:30', '明天下班以后'],
    ["I'm at work, call me after work", TUE_0110, '2026-12-01T18:30', 'after work'],
    ['call me back after I get off work', TUE_2130, '2026-12-02T18:30', 'after I get off work'],
    ['tomorrow after work', TUE_1000, '2026-12-02T18:30', 'tomorrow after work'],
    // A clock time the caller named at the very end of calling hours is kept (end included for it).
    ['我在开会，晚上八点再打吧', '2026-12-01T03:32:00+08:00', '2026-12-01T20:00', '晚上八点'],
    ['call me at 8 pm', TUE_1000, '2026-12-01T20:00', 'at 8 pm'],
  ])('"%s" at %s → %s', (text, now, expected, requested) => {
    const r = due(text, now);
    expect({ at: r.at.toISOString(), text: r.text, movedFrom: r.movedFrom }).toEqual({
      at: iso(`${expected}:00+08:00`),
      text: requested,
      movedFrom: undefined,
    });
  });

  it.each([
    // Durations, vague words and the default delay in the night: the next morning's first calling hour.
    ['过两秒再打', TUE_0110, '2026-12-01T01:10:02', '2026-12-01T09:00'],
    ['我在开会', TUE_0110, '2026-12-01T03:10', '2026-12-01T09:00'],
    ['等会儿再说', TUE_2130, '2026-12-01T22:30', '2026-12-02T09:00'],
    ['我在开会', TUE_2130, '2026-12-01T23:30', '2026-12-02T09:00'],
    ['一个小时后再打', '2026-12-01T19:30:00+08:00', '2026-12-01T20:30', '2026-12-02T09:00'],
    // A clock time the caller said outside calling hours, and chrono's 凌晨 (00:00).
    ['凌晨三点', TUE_0110, '2026-12-01T03:00', '2026-12-01T09:00'],
    ['明天晚上九点', TUE_1000, '2026-12-02T21:00', '2026-12-03T09:00'],
    // After the end: the next day's start, the earliest allowed time that is still after the time asked.
    ["I'm busy, call me after 9pm", '2026-12-01T03:32:00+08:00', '2026-12-01T21:00', '2026-12-02T09:00'],
    ['晚上八点零一分', TUE_1000, '2026-12-01T20:01', '2026-12-02T09:00'],
    // The end is kept only for a time the caller named: a vague word's or the default delay's is ours.
    ['等会儿再说', '2026-12-01T19:00:00+08:00', '2026-12-01T20:00', '2026-12-02T09:00'],
  ])('"%s" at %s gives %s, outside 09:00–20:00: moved to %s', (text, now, asked, moved) => {
    const r = due(text, now);
    expect({ at: r.at.toISOString(), movedFrom: r.movedFrom?.toISOString() }).toEqual({
      at: iso(`${moved}:00+08:00`),
      movedFrom: iso(`${asked}${asked.length === 16 ? ':00' : ''}+08:00`),
    });
  });

  it('a time within calling hours stays; the hours are the campaign’s, end excluded (but for a time named), 24:00 the whole day', () => {
    expect(due('过两秒再打', TUE_1000).movedFrom).toBeUndefined();
    const at = (text: string, now: string, hours: { start: string; end: string }) =>
      parseCallbackTime(text, 'zh', new Date(now), DEFAULT, 'Asia/Shanghai', hours).at.toISOString();
    expect(at('晚上八点', TUE_1000, HOURS)).toBe(iso('2026-12-01T20:00:00+08:00'));
    expect(at('晚上八点', TUE_1000, { start: '08:30', end: '21:00' })).toBe(iso('2026-12-01T20:00:00+08:00'));
    expect(at('过两秒再打', TUE_0110, { start: '00:00', end: '24:00' })).toBe(iso('2026-12-01T01:10:02+08:00'));
    expect(at('上午', TUE_0030, { start: '10:30', end: '18:00' })).toBe(iso('2026-12-01T10:30:00+08:00'));
  });

  it('without calling hours nothing moves (the parser alone)', () => {
    const r = parseCallbackTime('我在开会', 'zh', new Date(TUE_0110), DEFAULT, 'Asia/Shanghai');
    expect([r.at.toISOString(), r.movedFrom]).toEqual([iso('2026-12-01T03:10:00+08:00'), undefined]);
  });
});
