import * as chrono from 'chrono-node';

export interface CallbackTime {
  at: Date;
  /** How it was found: a relative duration, a date/time expression, a vague word, or the default. */
  source: 'relative' | 'datetime' | 'vague' | 'default';
  /** The words that gave the time, when any. */
  text?: string;
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

/**
 * When a busy customer wants to be called back (DESIGN §3 busy_call_later): "明天下午",
 * "一个小时后", "tomorrow at 3", "in an hour". Times without a zone are in the process's local
 * time zone (set TZ for the deployment). Times in the past or unparseable → the default delay.
 */
export function parseCallbackTime(
  text: string,
  language: 'zh' | 'en',
  now: Date,
  defaultDelayMs: number,
): CallbackTime {
  const rel = language === 'zh' ? ZH_RELATIVE.exec(text) : null;
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

  // Try the campaign language's parser, then the other: callers mix ("明天 3pm").
  const parsers = language === 'zh' ? [chrono.zh.hans, chrono.en] : [chrono.en, chrono.zh.hans];
  for (const parser of parsers) {
    const results = parser.parse(text, now, { forwardDate: true });
    // The last expression in the future wins ("我现在忙，明天下午再打": 现在 is not a callback time).
    for (const r of results.reverse()) {
      const at = r.start.date();
      const hour = r.start.get('hour');
      // "tomorrow at 3" means 15:00 on a sales call, not 03:00.
      if (hour !== null && hour >= 1 && hour <= 7 && r.start.isCertain('hour') && !r.start.isCertain('meridiem')) {
        at.setHours(at.getHours() + 12);
      }
      if (at.getTime() > now.getTime() + 500) return { at, source: 'datetime', text: r.text };
    }
  }

  for (const v of VAGUE[language]) {
    const m = v.re.exec(text);
    if (m) return { at: new Date(now.getTime() + v.ms), source: 'vague', text: m[0] };
  }
  return { at: new Date(now.getTime() + defaultDelayMs), source: 'default' };
}
