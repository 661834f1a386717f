import type * as chrono from 'chrono-node';
import type { CallingHours } from '@huashu/campaigns';
import { languageOf } from '../language.js';
import { enCallbackChrono, zhCallbackChrono } from './callback-time.chrono.js';

export interface CallbackTime {
  at: Date;
  /** How it was found: a relative duration, a date/time expression, a vague word, or the default. */
  source: 'relative' | 'datetime' | 'vague' | 'default';
  /** The words that gave the time, when any. */
  text?: string;
  /**
   * The time the words (or the default delay) gave when it fell outside the campaign's calling hours;
   * `at` is then the next allowed time.
   */
  movedFrom?: Date;
}

const ZH_DIGITS: Record<string, number> = {
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** "十五" → 15, "两" → 2, "二十" → 20, "3" → 3 (up to 99, which is all a callback needs). */
export function zhNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '半') return 0.5;
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || s === '') return undefined;
  const [, tens, ten, ones] = m;
  if (ten) return (tens ? ZH_DIGITS[tens] : 1) * 10 + (ones ? ZH_DIGITS[ones] : 0);
  if (tens && !ones) return ZH_DIGITS[tens];
  return undefined;
}

const ZH_UNIT_MS: Record<string, number> = {
  秒: 1000,
  秒钟: 1000,
  分: 60_000,
  分钟: 60_000,
  小时: 3_600_000,
  钟头: 3_600_000,
  天: 86_400_000,
};

/**
 * Relative durations in Chinese ("一个小时后", "半小时以后", "十分钟之后", "3秒后", and with 过 the
 * 后 may be left out: "过半小时再打来", "过十分钟再打"). chrono's zh parser knows some of these but
 * shifts them by the time-zone offset when one is given, and does not know 半/钟头/过, so this small
 * parser runs first. 过 after 不/超/经/通/错/度/越 is another word ("不过" but, "超过" more than).
 */
const ZH_DURATION = String.raw`(\d+|[零一二两三四五六七八九十]+|半)\s*个?\s*(半)?\s*(秒钟|秒|分钟|分|小时|钟头|天)`;
const ZH_RELATIVE = new RegExp(
  String.raw`(?<![不超经通错度越])过\s*${ZH_DURATION}(?:\s*(?:之|以)?后)?|${ZH_DURATION}\s*(?:之|以)?后`,
);

const VAGUE: Record<'zh' | 'en', { re: RegExp; ms: number }[]> = {
  zh: [
    { re: /等一?会儿?|待一?会儿?|一会儿|晚点|晚些|稍后|回头/, ms: 3_600_000 },
    { re: /过几天|过两天|改天/, ms: 2 * 86_400_000 },
  ],
  en: [
    { re: /\b(later|in a bit|in a while|another time)\b/i, ms: 3_600_000 },
    { re: /\b(in a few days|some other day)\b/i, ms: 2 * 86_400_000 },
  ],
};

/** The process's own IANA time zone (from TZ, else the system's): where a campaign without one reads times. */
export const processTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** What a clock in `zone` shows at `at`. */
function wallClock(at: Date, zone: string): WallClock {
  let f = wallFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallFormats.set(zone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

const wallAsUtc = (w: WallClock): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h; New York: −5 h or −4 h in DST). */
const offsetAt = (ms: number, zone: string): number =>
  wallAsUtc(wallClock(new Date(ms), zone)) - Math.floor(ms / 1000) * 1000;

/**
 * The instant a clock in `zone` shows `w`, with the offset of that day, not today's (a callback
 * "tomorrow at 3" across a DST change is still at 15:00). A wall time skipped by DST lands an hour on.
 */
function instantOf(w: WallClock, zone: string): number {
  const utc = wallAsUtc(w);
  const first = utc - offsetAt(utc, zone);
  return utc - offsetAt(first, zone);
}

/**
 * The hour a sales callback means when the customer says a clock hour without am/pm ("at 3",
 * "四点"): 1–7 are afternoon and evening (13:00–19:00), 8–11 morning, 12 noon; nobody asks a sales
 * call for 03:00 or 23:00. 0 and 13–23 are already unambiguous.
 */
const callbackHour = (hour: number): number => (hour >= 1 && hour <= 7 ? hour + 12 : hour);

const DATE_COMPONENTS = ['year', 'month', 'day', 'weekday'] as const;

/**
 * When a busy customer wants to be called back (DESIGN §3 busy_call_later): "明天下午",
 * "一个小时后", "过半小时再打", "tomorrow at 3", "in an hour". Clock times and dates are read in
 * `timeZone` (the campaign's; default the process's). A clock hour without am/pm follows
 * `callbackHour` and, without a day, is its next occurrence (today if still ahead, else tomorrow).
 * Vague words ("later", "等会儿") are looked up in the utterance's language (CJK → zh, Latin → en,
 * else the campaign's `language`), then the other. Times in the past or unparseable → the default delay.
 * A named day is its next occurrence (周二 said on a Tuesday: today while the time is still ahead, else
 * next week; 下周X on weeks from Monday); a time of day without a clock hour is a calling hour
 * (callback-time.chrono.ts PART_OF_DAY). Whatever the source, a time outside `callingHours` (on the
 * zone's clock) moves to the next allowed time, and `movedFrom` keeps the one it had.
 */
export function parseCallbackTime(
  text: string,
  language: 'zh' | 'en',
  now: Date,
  defaultDelayMs: number,
  timeZone: string = processTimeZone(),
  callingHours?: CallingHours,
): CallbackTime {
  const found = readCallbackTime(text, language, now, defaultDelayMs, timeZone);
  if (!callingHours) return found;
  // A time the caller named may be the end itself (晚上八点 with hours to 20:00): the call is started at
  // the last allowed moment, which is what they asked for; moving it to the next morning instead was
  // 13 hours later than asked. A vague word or the default delay is our choice, so it keeps within the end.
  const named = found.source === 'datetime' || found.source === 'relative';
  const at = nextCallingTime(found.at, timeZone, callingHours, named);
  return at.getTime() === found.at.getTime() ? found : { ...found, at, movedFrom: found.at };
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/**
 * `at` if a clock in `zone` shows a time within `hours` then (start included, end not, or also the end
 * itself to the minute with `endIncluded`), else the next time it does: today's start before it,
 * tomorrow's after the end.
 */
export function nextCallingTime(at: Date, zone: string, hours: CallingHours, endIncluded = false): Date {
  const w = wallClock(at, zone);
  const minute = w.hour * 60 + w.minute + w.second / 60 + (at.getTime() % 1000) / 60_000;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (minute >= start && (minute < end || (endIncluded && minute === end))) return at;
  const day = minute < start ? w.day : w.day + 1;
  return new Date(instantOf({ ...w, day, hour: Math.floor(start / 60), minute: start % 60, second: 0 }, zone));
}

function readCallbackTime(
  text: string,
  language: 'zh' | 'en',
  now: Date,
  defaultDelayMs: number,
  timeZone: string,
): CallbackTime {
  const lang = languageOf(text) ?? language;
  const rel = ZH_RELATIVE.exec(text);
  if (rel) {
    // Groups 1–3: the 过 form; 4–6: the …后 form.
    const [num, half, unitName] = rel[1] !== undefined ? rel.slice(1, 4) : rel.slice(4, 7);
    const n = zhNumber(num);
    const unit = ZH_UNIT_MS[unitName];
    if (n !== undefined && unit !== undefined) {
      const amount = n + (half ? 0.5 : 0);
      if (amount > 0) return { at: new Date(now.getTime() + amount * unit), source: 'relative', text: rel[0] };
    }
  }

  // chrono reads dates in the process's local time (its zh parser ignores a reference time zone
  // for 明天/下午), so it is given a reference whose local clock shows the zone's wall clock, and
  // its answer's components are read back as a wall clock in the zone.
  const wall = wallClock(now, timeZone);
  const ref = new Date(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // Try the utterance language's parser, then the other: callers mix ("明天 3pm").
  const parsers = lang === 'zh' ? [zhCallbackChrono, enCallbackChrono] : [enCallbackChrono, zhCallbackChrono];
  for (const parser of parsers) {
    const results = parser.parse(text, ref, { forwardDate: true });
    // The last expression in the future wins ("我现在忙，明天下午再打": 现在 is not a callback time).
    for (const r of results.reverse()) {
      const at = onTheCalendar(resolve(parser, r, now, timeZone), r.text, now, timeZone);
      const due = at > now.getTime() + 500 ? at : nextOccurrence(at, r, timeZone);
      if (due > now.getTime() + 500) return { at: new Date(due), source: 'datetime', text: r.text };
    }
  }

  for (const table of lang === 'zh' ? [VAGUE.zh, VAGUE.en] : [VAGUE.en, VAGUE.zh]) {
    for (const v of table) {
      const m = v.re.exec(text);
      if (m) return { at: new Date(now.getTime() + v.ms), source: 'vague', text: m[0] };
    }
  }
  return { at: new Date(now.getTime() + defaultDelayMs), source: 'default' };
}

/**
 * 明 (明天, 明早, 明晚) on the calendar: the next day in the zone. chrono's zh parsers read it said before
 * 02:00 as the coming day, today (someone up past midnight), but only in some phrasings (明天下午 was
 * today at 00:15, 明天下午三点 tomorrow), and the confirmation would then say 今天 to a customer who said
 * 明天. `at` is chrono's reading; moved a day on when it fell on today's date in those two hours.
 */
function onTheCalendar(at: number, said: string, now: Date, zone: string): number {
  const today = wallClock(now, zone);
  if (today.hour >= 2 || !said.includes('明')) return at;
  const w = wallClock(new Date(at), zone);
  if (w.year !== today.year || w.month !== today.month || w.day !== today.day) return at;
  return instantOf({ ...w, day: w.day + 1 }, zone);
}

/**
 * A time of day (上午, "morning") or a weekday (周二上午) with no date said, due this very moment: the
 * next one, tomorrow's or next week's. chrono's forwardDate moves them on only once strictly past, so
 * "上午" said at 10:00:00 would otherwise be no callback at all. `at` as it was when the date was said.
 */
function nextOccurrence(at: number, r: chrono.ParsedResult, zone: string): number {
  if (r.start.isCertain('day')) return at;
  const w = wallClock(new Date(at), zone);
  return instantOf({ ...w, day: w.day + (r.start.isCertain('weekday') ? 7 : 1) }, zone);
}

/** Noon on 10 January 2001: no time zone changes its clocks anywhere near it. */
const CALM = (): Date => new Date(2001, 0, 10, 12);

/** The instant (ms) of one chrono result, read in `zone`. */
function resolve(parser: Pick<chrono.Chrono, 'parse'>, r: chrono.ParsedResult, now: Date, zone: string): number {
  const c = r.start;
  // "in an hour", "in 30 minutes": a duration from now, whatever the clock says. chrono adds it on
  // the process's local clock, which a DST change in between skews, so it is measured on a calm day.
  if (r.tags().has('result/relativeDateAndTime')) {
    const calm = CALM();
    const [again] = parser.parse(r.text, calm);
    if (again) return now.getTime() + (again.start.date().getTime() - calm.getTime());
  }
  const get = (k: chrono.Component): number => c.get(k) ?? 0;
  const w: WallClock = {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
  if (!c.isCertain('hour') || c.isCertain('meridiem')) return instantOf(w, zone);
  // A clock hour without am/pm: chrono took it as am and, without a day, may have moved it to
  // tomorrow already (forwardDate); decide the hour first, then the day.
  w.hour = callbackHour(w.hour);
  if (DATE_COMPONENTS.some((k) => c.isCertain(k))) return instantOf(w, zone);
  const today = wallClock(now, zone);
  const at = instantOf({ ...w, year: today.year, month: today.month, day: today.day }, zone);
  if (at > now.getTime()) return at;
  // Day 32 and the like roll over (wallAsUtc reads the wall clock with Date.UTC).
  return instantOf({ ...w, year: today.year, month: today.month, day: today.day + 1 }, zone);
}
