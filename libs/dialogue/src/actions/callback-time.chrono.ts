import * as chrono from 'chrono-node';

/**
 * chrono-node, taught how a busy customer names a callback day and time of day. Each addition is a
 * chrono parser or refiner on a clone of chrono's own zh / en configuration, so chrono still does the
 * recognising and the merging (周五 + 下午, 下周一 + 上午九点) and these only fill what it lacks:
 *
 * - A time of day said alone (上午, 下午, 傍晚 …): chrono's ZHHansCasualDateParser pins it to the reference
 *   date (an assigned day), so it never joins the weekday before it, and its MergeWeekdayComponentRefiner
 *   then puts that weekday on today's date ("周五下午" said on a Tuesday was Tuesday 15:00; "下周一上午"
 *   was two results, the last today 06:00). chrono has no option for it, so PartOfDayParser reads these
 *   words as a time only, and wins over chrono's reading of the same words by running first (chrono
 *   keeps the earlier of two equally long overlapping results). It also knows 傍晚, which chrono does not.
 * - 下周X / 这周X: chrono's ZHHansRelationWeekdayParser counts weeks from Sunday (下周日 said on a Tuesday
 *   was this Sunday; 下周一 said on a Sunday was eight days on) and does not know 本周X. Chinese weeks
 *   start on Monday (GB/T 7408, ISO 8601), so RelationWeekdayParser reads them on such weeks, first for
 *   the same reason.
 * - 下周 / 下星期 / 下个礼拜 with no day, and 周末: chrono's zh parsers know neither (WeekParser).
 * - Hours: chrono implies 06:00 for 上午/早上/明早/"morning" and 22:00 for 晚上/今晚/"tonight", a sales call
 *   in the dark; CallingHourRefiner re-implies calling hours (PART_OF_DAY) where no hour was said.
 */

/** The hour a time of day without a clock hour means for a callback (minutes 0). */
export const PART_OF_DAY = { morning: 10, noon: 12, afternoon: 15, evening: 18, night: 19 } as const;
type PartOfDay = keyof typeof PART_OF_DAY;

/** zh words for a time of day, longest first where one starts another (早上 before 早). */
const ZH_PART_OF_DAY: [RegExp, PartOfDay][] = [
  [/上午|早上|早晨|一早|早/, 'morning'],
  [/中午/, 'noon'],
  [/下午/, 'afternoon'],
  [/傍晚/, 'evening'],
  [/晚上|晚间|夜里|夜晚|晚|夜/, 'night'],
];
const ZH_PART_OF_DAY_ANY = new RegExp(ZH_PART_OF_DAY.map(([re]) => re.source).join('|'), 'g');

/** chrono's en tags for a time of day (common/casualReferences). */
const EN_PART_OF_DAY: Record<string, PartOfDay> = {
  'casualReference/morning': 'morning',
  'casualReference/afternoon': 'afternoon',
  'casualReference/evening': 'night',
  'casualReference/tonight': 'night',
};

/** The time of day a result names, if any: the last zh word in its text, else chrono's en tag. */
function partOfDay(result: chrono.ParsingResult): PartOfDay | undefined {
  const words = result.text.match(ZH_PART_OF_DAY_ANY);
  const last = words?.[words.length - 1];
  if (last) return ZH_PART_OF_DAY.find(([re]) => new RegExp(`^(?:${re.source})$`).test(last))?.[1];
  for (const tag of result.tags()) if (tag in EN_PART_OF_DAY) return EN_PART_OF_DAY[tag];
  return undefined;
}

const imply = (c: chrono.ParsingComponents, hour: number): void => {
  c.imply('hour', hour);
  c.imply('minute', 0);
  c.imply('second', 0);
  c.imply('millisecond', 0);
  c.imply('meridiem', hour >= 12 ? chrono.Meridiem.PM : chrono.Meridiem.AM);
};

/** 上午, 下午, 傍晚 … said without a day: a time only (no date assigned), at its calling hour. */
const PartOfDayParser: chrono.Parser = {
  pattern: () => /上午|早上|早晨|中午|下午|傍晚|晚上|晚间|夜里|夜晚/,
  extract: (context, match) => {
    const part = partOfDay(context.createParsingResult(match.index ?? 0, match[0]));
    if (!part) return null;
    const c = context.createParsingComponents({});
    imply(c, PART_OF_DAY[part]);
    return c;
  },
};

/**
 * When "after work" is (下班以后, "after work"): 18:30, when most office workers are on their way home and
 * before the default calling hours end (20:00). Not a chrono word in either language: said alone it was
 * no time at all, so the default delay applied, in the working hours the caller asked to be spared.
 */
export const AFTER_WORK = { hour: 18, minute: 30 } as const;

const afterWork = (context: chrono.ParsingContext): chrono.ParsingComponents => {
  const c = context.createParsingComponents({});
  c.imply('hour', AFTER_WORK.hour);
  c.imply('minute', AFTER_WORK.minute);
  c.imply('second', 0);
  c.imply('millisecond', 0);
  c.imply('meridiem', chrono.Meridiem.PM);
  return c;
};

/** 下班以后 / 下班后 / 下了班 / 下班的时候 / 等我下班: a time only (no date assigned), at AFTER_WORK. */
const ZhAfterWorkParser: chrono.Parser = {
  pattern: () => /(?:等我)?下了?班(?:(?:以|之)?后|的时候)?/,
  extract: (context) => afterWork(context),
};

/** "after work", "after I get off / finish / leave work", "when I'm off work": a time only, at AFTER_WORK. */
const EnAfterWorkParser: chrono.Parser = {
  pattern: () =>
    /\b(?:after\s+(?:work|i\s+(?:get\s+off|finish|leave)\s+work)|when\s+i(?:'m|\s+am)\s+off\s+work|when\s+i\s+(?:get\s+off|finish|leave)\s+work)\b/i,
  extract: (context) => afterWork(context),
};

/** Days from the reference's date to Monday-based weekday `index` (Monday 0 … Sunday 6) of the week `weeks` on. */
function daysTo(ref: Date, index: number, weeks: number): number {
  const today = (ref.getDay() + 6) % 7;
  return weeks * 7 + index - today;
}

/** The reference's date moved by `days`, as assigned date components (and the weekday it is). */
function dayComponents(context: chrono.ParsingContext, days: number): chrono.ParsingComponents {
  const d = new Date(context.refDate.getTime());
  d.setDate(d.getDate() + days);
  return context.createParsingComponents({
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    weekday: d.getDay(),
  });
}

const WEEKDAY_INDEX: Record<string, number> = { 一: 0, 二: 1, 三: 2, 四: 3, 五: 4, 六: 5, 日: 6, 天: 6 };
const WEEK_OF: Record<string, number> = { 上: -1, 下: 1, 这: 0, 本: 0 };
const weekOf = (prefix: string | undefined): number => (prefix ? WEEK_OF[prefix] : 0);

/** 下周五, 这个礼拜三, 本周日, 上星期一: that day of that week, weeks from Monday to Sunday. */
const RelationWeekdayParser: chrono.Parser = {
  pattern: () => /(上|下|这|本)个?(?:星期|礼拜|周)([一二三四五六日天])/,
  extract: (context, match) =>
    dayComponents(context, daysTo(context.refDate, WEEKDAY_INDEX[match[2]], weekOf(match[1]))),
};

/**
 * 下周 / 下星期 / 下个礼拜 (no day named): next week's Monday, the first day that honours it. 周末 (这周末,
 * 本周末): this week's Saturday, or today on a Sunday; 下周末: next week's Saturday (上周末 is past). The time of day is
 * what follows (下周上午) or chrono's noon.
 */
const WeekParser: chrono.Parser = {
  pattern: () => /(上|下|这|本)?个?周末|(下)个?(?:星期|礼拜|周)(?![一二三四五六日天末])/,
  extract: (context, match) => {
    if (match[2]) return dayComponents(context, daysTo(context.refDate, 0, 1));
    const weeks = weekOf(match[1]);
    const sunday = (context.refDate.getDay() + 6) % 7 === 6;
    return dayComponents(context, daysTo(context.refDate, weeks === 0 && sunday ? 6 : 5, weeks));
  },
};

/** Where no clock hour was said, the time of day the words name is at its calling hour (PART_OF_DAY). */
const CallingHourRefiner: chrono.Refiner = {
  refine: (_context, results) => {
    for (const r of results) {
      const part = r.start.isCertain('hour') ? undefined : partOfDay(r);
      if (part) imply(r.start, PART_OF_DAY[part]);
    }
    return results;
  },
};

function extended(base: chrono.Chrono, parsers: chrono.Parser[]): chrono.Chrono {
  const c = base.clone();
  c.parsers.unshift(...parsers);
  // First: it sees each time-of-day result before chrono merges it with a day and moves it forward.
  c.refiners.unshift(CallingHourRefiner);
  return c;
}

/** chrono's simplified-Chinese parser with the additions above. */
export const zhCallbackChrono = extended(chrono.zh.hans.casual, [
  PartOfDayParser,
  RelationWeekdayParser,
  WeekParser,
  ZhAfterWorkParser,
]);
/** chrono's English parser with calling hours for "morning", "evening", "tonight", and "after work". */
export const enCallbackChrono = extended(chrono.en.casual, [EnAfterWorkParser]);
