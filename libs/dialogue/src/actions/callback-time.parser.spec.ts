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

  it('zh date/time: 明天下午 is tomorrow afternoon, 下周一上午十点 next Monday 10:00', () => {
    const a = parseCallbackTime('我现在很忙，明天下午再打吧', 'zh', now, DEFAULT);
    expect(a.source).toBe('datetime');
    expect([a.at.getDate(), a.at.getHours() >= 12 && a.at.getHours() < 18]).toEqual([30, true]);
    const b = parseCallbackTime('下周一上午十点', 'zh', now, DEFAULT);
    expect([b.at.getMonth(), b.at.getDate(), b.at.getHours()]).toEqual([11, 7, 10]);
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
