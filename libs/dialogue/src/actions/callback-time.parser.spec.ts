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
