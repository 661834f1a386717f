import { spokenCallbackTime } from './callback-time.spoken.js';

describe('spokenCallbackTime', () => {
  // 15:46 in Shanghai, 02:46 in New York.
  const now = new Date('2026-11-29T07:46:00Z');

  it.each([
    ['2026-11-30T07:00:00Z', 'Asia/Shanghai', 'zh', '明天下午3点'],
    ['2026-11-30T07:00:00Z', 'Asia/Shanghai', 'en', 'tomorrow at 3 PM'],
    ['2026-11-29T08:46:00Z', 'Asia/Shanghai', 'zh', '今天下午4点46分'],
    ['2026-11-29T08:46:00Z', 'Asia/Shanghai', 'en', 'today at 4:46 PM'],
    ['2026-12-01T01:30:00Z', 'Asia/Shanghai', 'zh', '后天上午9点半'],
    ['2026-12-03T01:30:00Z', 'Asia/Shanghai', 'zh', '12月3日星期四上午9点半'],
    ['2026-12-03T01:30:00Z', 'Asia/Shanghai', 'en', 'on Thursday, December 3 at 9:30 AM'],
    // The same instant is a different day on another clock.
    ['2026-11-29T20:00:00Z', 'America/New_York', 'en', 'today at 3 PM'],
    ['2026-11-29T20:00:00Z', 'Asia/Shanghai', 'en', 'tomorrow at 4 AM'],
    // zh says the part of the day as people do: 晚上8点, not 下午8点; 中午12点, not 下午12点.
    ['2026-11-29T12:00:00Z', 'Asia/Shanghai', 'zh', '今天晚上8点'],
    ['2026-11-29T12:00:00Z', 'Asia/Shanghai', 'en', 'today at 8 PM'],
    ['2026-11-30T04:00:00Z', 'Asia/Shanghai', 'zh', '明天中午12点'],
    ['2026-11-30T10:30:00Z', 'Asia/Shanghai', 'zh', '明天下午6点半'],
  ] as const)('%s in %s (%s) → %s', (at, zone, lang, spoken) => {
    expect(spokenCallbackTime(new Date(at), zone, lang, now)).toBe(spoken);
  });
});
