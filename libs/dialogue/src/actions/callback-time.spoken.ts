/**
 * The callback time as the customer hears it in the confirmation (`{callback_time}`), on their clock:
 * "明天下午3点", "tomorrow at 3 PM", "11月30日星期一上午9点半", "on Monday, November 30 at 9:30 AM".
 * The time zone arithmetic, the 12-hour clock, the day period and the relative day names come from
 * Intl (ICU), so only the joining of the parts is ours.
 */
export function spokenCallbackTime(at: Date, timeZone: string, lang: 'zh' | 'en', now = new Date()): string {
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
  // zh names the part of the day as people say it (ICU's flexible day periods: 早上, 上午, 中午, 下午, 晚上):
  // 20:00 is 晚上8点, where the plain 12-hour clock's 上午/下午 said 下午8点. en keeps AM/PM.
  const clock: Intl.DateTimeFormatOptions = lang === 'zh' ? { hourCycle: 'h12', dayPeriod: 'short' } : { hour12: true };
  const parts = new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit', ...clock })
    .formatToParts(at)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  const { hour = '', minute = '00', dayPeriod = '' } = parts;
  const days = calendarDay(at, timeZone) - calendarDay(now, timeZone);
  // Today and tomorrow (zh also 后天) by name, as people say them; further days by date and weekday.
  const named = days >= 0 && days <= (lang === 'zh' ? 2 : 1);
  const day = named
    ? new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(days, 'day')
    : new Intl.DateTimeFormat(locale, { timeZone, month: 'long', day: 'numeric', weekday: 'long' }).format(at);
  if (lang === 'zh') {
    const min = minute === '00' ? '' : minute === '30' ? '半' : `${Number(minute)}分`;
    return `${day}${dayPeriod}${hour}点${min}`;
  }
  return `${named ? day : `on ${day}`} at ${minute === '00' ? hour : `${hour}:${minute}`} ${dayPeriod}`;
}

/** Days since the epoch of the calendar date `at` falls on in `timeZone`. */
function calendarDay(at: Date, timeZone: string): number {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(at)
    .split('-')
    .map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}
