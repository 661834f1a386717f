import * as OpenCC from 'opencc-js/t2cn';

/**
 * Normalised view of a text for matching. `cps[i]` is one code point; `starts[i]`/`ends[i]` are
 * the UTF-16 offsets of the ORIGINAL text it came from, so spans found in the view land on the
 * original. `flags[i]` records what was dropped just before code point i (see FLAG_*).
 */
export interface NormalizedText {
  readonly cps: number[];
  readonly starts: number[];
  readonly ends: number[];
  readonly flags: number[];
}

/** A separator (space, punctuation, symbol) was dropped right before this code point. */
export const FLAG_GAP = 1;
/** Clause punctuation (，。！？; …) was dropped right before this code point. */
export const FLAG_CLAUSE = 2;
/** This code point is the second of a reduplicated word kept whole (妈妈, 宝宝): see REDUPLICATED. */
export const FLAG_REDUP = 4;
/** `evasion` view only: this letter was a digit or symbol read as leetspeak (r1sk → risk). */
export const FLAG_LEET = 8;
/**
 * `evasion` view only: this letter was `1`, `|` or `!`, which stand for i as often as for l
 * (r1sk, 1oss, r!sk, |oss); the typo corrector picks the reading that makes a lexicon word.
 */
export const FLAG_I_OR_L = 16;
/** Sentence punctuation (。！？; … and line breaks) was dropped right before this code point. */
export const FLAG_SENTENCE = 32;

/**
 * `match`: the lexicon view — separators dropped, CJK repeats collapsed, Latin runs capped at 2.
 * `evasion`: the match view read the way an evader writes: leetspeak digits and @ $ as letters
 *   (gu4rantee, ri$k, flagged FLAG_LEET) and a lone Latin letter between two Chinese characters
 *   dropped (保x本). Guesses, so the engine scans it besides the match view, never instead of it.
 * `pii`: the PII view — same character folding, but separators kept so number formats stay visible.
 */
export type NormalizeMode = 'match' | 'evasion' | 'pii';

// Zero-width, soft hyphen, bidi controls and BOM: invisible, so an evasion can sit inside a word.
const INVISIBLE_RANGES: readonly [number, number][] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xe0000, 0xe007f],
];
const isInvisible = (cp: number): boolean => INVISIBLE_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);
// Pictographs (❤, 🐧) are kept as characters: in 微❤ or 企鹅🐧 they carry the meaning.
const SEPARATOR = /^(?!\p{Extended_Pictographic})[\p{P}\p{S}\p{Z}\p{C}]$/u;
const CLAUSE = /^[,.!?;:，。！？；：、\n\r…]$/u;
// Ends a sentence: the scope of a category's subject cue (see LexiconMatcher).
const SENTENCE = /^[.!?;。！？；\n\r…]$/u;
const MARKS = /\p{M}/gu;

// Financial (大写) numerals, the ideographic zero and, in the PII view only, plain numerals and
// 幺 (the spoken 1 in phone numbers) are digit styles, so 壹叁捌…, 1三8一… and 幺三八… read as
// 138…. In the lexicon view 一二三 stay as they are: they are ordinary words (第一次, 一起); a
// detector still needs a whole digit-shaped number, so 第一次 in the PII view costs nothing.
const PII_DIGITS: Record<string, string> = {
  一: '1',
  幺: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
  零: '0',
  〇: '0',
  壹: '1',
  贰: '2',
  貳: '2',
  叁: '3',
  參: '3',
  肆: '4',
  伍: '5',
  陆: '6',
  陸: '6',
  柒: '7',
  捌: '8',
  玖: '9',
  // 叉 is how a resident ID's check character X is read out and how ASR writes it (…零零二叉). Only
  // the ID detector reads an x, and only as the 18th character after 17 digits.
  叉: 'x',
};
// 〇 is only ever a zero, so the lexicon view reads 〇风险 as 0风险 (零 stays a word: 零风险).
const MATCH_DIGITS: Record<string, string> = { 〇: '0' };
// Leetspeak in the evasion view. 1 reads as i (r1sk, b1tch, pr0f1t), the commoner use in claims;
// it stands for l too (1oss), so it is flagged FLAG_I_OR_L and the typo corrector may flip it.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
// `|` and `!` are letters in the evasion view only where a Latin letter follows them (|oss, r!sk):
// elsewhere they are punctuation ("free!", "a | b").
const LEET_BEFORE_LETTER: Record<string, Folded> = {
  '|': { out: [0x6c], kind: 0, leet: true, iOrL: true }, // l
  '!': { out: [0x69], kind: 0, leet: true, iOrL: true }, // i
};
const I_OR_L = new Set(['1', '|', '!']);

/** The letters a leetspeak digit stands for (1: i or l, 0: o …); '' for anything else. */
export function leetLetters(cp: number): string {
  if (!isDigit(cp)) return '';
  const digit = String.fromCharCode(cp);
  return I_OR_L.has(digit) ? 'il' : (LEET[digit] ?? '');
}

// Cyrillic and Greek letters drawn like Latin ones (the lower-case look-alikes of Unicode's
// confusables.txt, https://www.unicode.org/reports/tr39/#Confusable_Detection), so "gu\u0430rantee"
// with a Cyrillic а reads as guarantee. Hand-written: NFKD keeps scripts apart, and the full
// confusables skeleton would also fold CJK and punctuation we match on (一 → ー, 〇 → O). Folded in
// every lexicon view: Russian or Greek text turns into a mix of Latin and other letters, which
// holds no English term.
const CONFUSABLES: Record<string, string> = {
  а: 'a',
  в: 'b',
  с: 'c',
  ԁ: 'd',
  е: 'e',
  ё: 'e',
  һ: 'h',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  ԛ: 'q',
  ѕ: 's',
  т: 't',
  у: 'y',
  ԝ: 'w',
  х: 'x',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
};

// opencc-js converts phrase by phrase; we convert code point by code point (cached) so that the
// offset map stays one-to-one. Traditional → simplified is almost entirely character-level, and
// the exceptions (one traditional character for two simplified) do not occur in our lexicons.
// Hong Kong and Taiwan variant forms both fold to mainland simplified.
// (Its .d.ts imports './core' without an extension, which NodeNext cannot resolve: typed here.)
const converter = OpenCC.Converter as unknown as (o: { from: string; to: string }) => (text: string) => string;
const hkToCn = converter({ from: 'hk', to: 'cn' });
const twToCn = converter({ from: 'tw', to: 'cn' });
const t2s = (s: string): string => twToCn(hkToCn(s));

type Kind = 0 | 1 | 2 | 3; // 0 keep, 1 separator, 2 clause separator, 3 invisible
interface Folded {
  readonly out: number[];
  readonly kind: Kind;
  /** A leetspeak digit or symbol read as a letter (evasion view). */
  readonly leet?: true;
  /** The leetspeak character reads as i or l (1, |, !). */
  readonly iOrL?: true;
  /** Sentence punctuation (a separator of kind 2 that ends a sentence). */
  readonly sentence?: true;
}

const foldCache = {
  match: new Map<number, Folded>(),
  evasion: new Map<number, Folded>(),
  pii: new Map<number, Folded>(),
};

function foldCodePoint(cp: number, mode: NormalizeMode): Folded {
  const cache = foldCache[mode];
  const cached = cache.get(cp);
  if (cached) return cached;
  const ch = String.fromCodePoint(cp);
  let folded: Folded;
  if (isInvisible(cp)) folded = { out: [], kind: 3 };
  else {
    // NFKD folds full width, circled digits, ligatures and compatibility forms; dropping marks
    // turns "rísk" into "risk"; lower-casing after NFKD covers folded capitals (Ａ → A → a).
    let s = ch.normalize('NFKD').toLowerCase().normalize('NFKD').replace(MARKS, '');
    const leet = mode === 'evasion' ? LEET[s] : undefined;
    const iOrL = leet !== undefined && I_OR_L.has(s);
    // Numerals become digits for PII; in the lexicon view 零风险 stays 零风险.
    s = leet ?? (mode === 'pii' ? PII_DIGITS[s] : (MATCH_DIGITS[s] ?? CONFUSABLES[s])) ?? t2s(s);
    const out = [...s].map((c) => c.codePointAt(0) ?? 0);
    if (leet) folded = iOrL ? { out, kind: 0, leet: true, iOrL: true } : { out, kind: 0, leet: true };
    else if (out.length === 0) folded = { out, kind: 3 };
    else if (s.length > 0 && [...s].every((c) => SEPARATOR.test(c))) {
      const clause = CLAUSE.test(s[0]) || CLAUSE.test(ch);
      const sentence = SENTENCE.test(s[0]) || SENTENCE.test(ch);
      folded = sentence ? { out, kind: 2, sentence: true } : { out, kind: clause ? 2 : 1 };
    } else folded = { out: out.filter((c) => !SEPARATOR.test(String.fromCodePoint(c))), kind: 0 };
  }
  // Bounded: the cache holds at most every code point ever seen (~150k), a few MiB at worst.
  cache.set(cp, folded);
  return folded;
}

const ASTERISK = 0x2a;
const MASKED_WORD_CHAR = /[A-Za-z*]/;
// Single letters each set apart by one `*`: a*s*s, d*o*u*b*l*e* (a masked word starts with a letter).
const INTERLEAVED = /^[A-Za-z](?:\*[A-Za-z])*\*?$/;

/**
 * The ASCII word of letters and `*` around text[i] (a `*`) is a masked word: it starts with a
 * letter, as a masked word keeps its first one (AFQMC's anonymised ***f*** does not), and does not
 * interleave its letters one by one.
 */
function masksLetters(text: string, i: number): boolean {
  let a = i;
  while (a > 0 && MASKED_WORD_CHAR.test(text[a - 1])) a--;
  let b = i + 1;
  while (b < text.length && MASKED_WORD_CHAR.test(text[b])) b++;
  const word = text.slice(a, b);
  return word[0] !== '*' && !INTERLEAVED.test(word);
}

/** Latin letter or ASCII digit after folding: these form "words" that need boundaries. */
export const isLatinOrDigit = (cp: number): boolean => (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39);
export const isDigit = (cp: number): boolean => cp >= 0x30 && cp <= 0x39;
export const isLatin = (cp: number): boolean => cp >= 0x61 && cp <= 0x7a;

// Kinship words are written doubled (妈妈, 宝宝, 哥哥): collapsing the pair turned 妈妈的 into 妈的
// and 宝宝本人 into 宝本. An exact pair written without a gap stays a pair, flagged, and the
// matcher drops a hit that starts or ends inside it; a run of three (妈妈妈的) or a spaced pair
// (妈 妈的) is still collapsed as an evasion.
const REDUPLICATED = new Set([...'妈爸宝哥姐弟妹爷奶叔婶姑舅姨婆伯'].map((c) => c.codePointAt(0) ?? 0));

/**
 * Hand-written because no library folds text while keeping a per-character map back to the
 * original (modern-ahocorasick's TextMatcher folds case/NFKC only, not separators, repeats,
 * digit styles or traditional characters).
 */
export function normalize(text: string, mode: NormalizeMode): NormalizedText {
  const cps: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const flags: number[] = [];
  let pending = 0;
  let run = 0;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    let folded = foldCodePoint(cp, mode);
    if (folded.kind === 3) {
      i += width;
      continue;
    }
    if (mode === 'evasion' && folded.kind !== 0) folded = letterBeforeLetter(text, i + width, folded);
    // A masked letter: `*` glued to a Latin letter (or to another such `*`) is kept, one per `*`,
    // so "f***", "s***" and "f**k" (Twilio's profanity filter writes a word it masks as its first
    // letter and asterisks) are words the lexicon can list. Elsewhere `*` is a separator (保*本),
    // and so it is in a word whose letters it interleaves one by one (a*s*s*h*o*l*e: an evasion)
    // or that starts with one (***f***: a masked name in AFQMC).
    if (cp === ASTERISK && mode !== 'pii' && pending === 0 && cps.length > 0) {
      const last = cps[cps.length - 1];
      if ((isLatin(last) || last === ASTERISK) && masksLetters(text, i)) {
        cps.push(ASTERISK);
        starts.push(i);
        ends.push(i + width);
        flags.push(0);
        run = 0;
        i += width;
        continue;
      }
    }
    if (folded.kind !== 0 && mode !== 'pii') {
      pending |= folded.kind === 2 ? FLAG_GAP | FLAG_CLAUSE : FLAG_GAP;
      if (folded.sentence) pending |= FLAG_SENTENCE;
      i += width;
      continue;
    }
    for (const out of folded.out) {
      const last = cps.length - 1;
      if (mode !== 'pii' && last >= 0 && cps[last] === out && !isDigit(out)) {
        run++;
        if (REDUPLICATED.has(out)) {
          if (run === 1 && pending === 0) {
            cps.push(out);
            starts.push(i);
            ends.push(i + width);
            flags.push(FLAG_REDUP);
            continue;
          }
          if ((flags[last] & FLAG_REDUP) !== 0) {
            // A third in a row: the kept pair was an evasion after all, fold it into one.
            ends[last - 1] = i + width;
            cps.pop();
            starts.pop();
            ends.pop();
            flags.pop();
            continue;
          }
        }
        // Repeats: 稳稳稳赚 and 稳 稳 赚 → 稳赚 (patterns are folded the same way); Latin runs keep
        // two letters so "free"/"guaranteed" survive and "freeeee" still reads as "free", but
        // spaced Latin letters are left alone; digits are data, never collapsed.
        if (!isLatin(out) || (run >= 2 && pending === 0)) {
          ends[last] = i + width;
          continue;
        }
      } else run = 0;
      cps.push(out);
      starts.push(i);
      ends.push(i + width);
      flags.push(pending | (folded.leet ? FLAG_LEET : 0) | (folded.iOrL ? FLAG_I_OR_L : 0));
      pending = 0;
    }
    i += width;
  }
  const view = { cps, starts, ends, flags };
  return mode === 'evasion' ? dropInsertedLetters(view) : view;
}

/**
 * Evasion view: `|` or `!` (any width) right before a Latin letter is a letter (|oss, r!sk), read
 * as l or i and flagged FLAG_I_OR_L; `folded` (a separator) otherwise.
 */
function letterBeforeLetter(text: string, next: number, folded: Folded): Folded {
  const letter = LEET_BEFORE_LETTER[String.fromCodePoint(...folded.out)];
  if (letter === undefined || next >= text.length) return folded;
  const after = foldCodePoint(text.codePointAt(next) ?? 0, 'match').out;
  return after.length > 0 && isLatin(after[0]) ? letter : folded;
}

const HAN = /^\p{Script=Han}$/u;
/** No Han code point lies below U+2E80 (CJK Radicals Supplement). */
const HAN_MIN = 0x2e80;
/**
 * A Chinese character (Unicode script Han). Asked of most Latin letters of every scanned sentence
 * (mayHideEvasion), so Latin and other low code points are answered without the regex.
 */
export const isHan = (cp: number): boolean => cp >= HAN_MIN && HAN.test(String.fromCodePoint(cp));

/**
 * Characters that count a number before them (量词 and units: 2年, 5折, 3个, 1级, 9元 …). A digit
 * between two Chinese characters followed by one of these is a quantity, not a slipped-in
 * character, so 国家1级 and 提供2年保修 keep it. Hand-written: a closed class of Chinese grammar.
 * 本 is left out on purpose: it is a measure word (1本书) but also the 本 of 保本, and 保1本 is the
 * evasion this rule exists for.
 */
const NUMBER_UNITS = new Set(
  [
    ...'年月日号天周岁时分秒折成倍级期次个位名家种款份张件条台部层楼栋室点元块角毛万千百亿克斤吨米里星档代类项笔套步盒瓶包户人口集章节届度',
  ].map((c) => c.codePointAt(0) ?? 0),
);
const ORDINAL = '第'.codePointAt(0) ?? 0;

/**
 * view[i] is one Latin letter or digit slipped between two Chinese characters (保x本, 稳K赚, 保1本,
 * 稳9赚). A digit (or a leetspeak letter read from one) is a number instead when a unit follows it,
 * 第 comes before it (国家1级, 2年保修, 第3期), or the character before it ends a word (确保1本:
 * "ensure one copy", 担保1本), so it cannot be the first half of a word the digit splits.
 */
export function slippedBetweenHan(view: Pick<NormalizedText, 'cps' | 'flags'>, i: number): boolean {
  const { cps } = view;
  if (!isLatinOrDigit(cps[i]) || i === 0 || i + 1 >= cps.length || !isHan(cps[i - 1]) || !isHan(cps[i + 1]))
    return false;
  const numeral = isDigit(cps[i]) || (view.flags[i] & FLAG_LEET) !== 0;
  return !numeral || !(NUMBER_UNITS.has(cps[i + 1]) || cps[i - 1] === ORDINAL || endsWord(view, i - 1));
}

/**
 * ICU's dictionary-based word breaker (Intl.Segmenter, built into Node): it knows 确保, 担保, 环保,
 * 投保, 本次, 本色 as words and leaves 保 alone in 产品保, 我们保, 绝对保. Asked only about what already
 * decides something (a digit between two characters that no unit follows, a short lexicon match),
 * a few µs each.
 */
const WORDS = new Intl.Segmenter('zh', { granularity: 'word' });
/** Chinese characters of context the word breaker sees on each side of what it is asked about. */
export const WORD_CONTEXT = 6;

/**
 * View indexes where a word starts, by the word breaker over the Chinese characters around
 * view[from, to): at most `before` / `after` more on each side, within the clause. The end of
 * that run counts as a start.
 */
export function wordStarts(
  view: Pick<NormalizedText, 'cps' | 'flags'>,
  from: number,
  to: number,
  before: number,
  after: number,
): Set<number> {
  const { cps, flags } = view;
  let a = from;
  while (a > 0 && from - a < before && (flags[a] & FLAG_CLAUSE) === 0 && isHan(cps[a - 1])) a--;
  let b = to;
  while (b < cps.length && b - to < after && (flags[b] & FLAG_CLAUSE) === 0 && isHan(cps[b])) b++;
  const starts = new Set<number>([b]);
  // segment.index counts UTF-16 units: a character outside the BMP (𠮷) takes two.
  let k = a;
  let units = 0;
  for (const { index } of WORDS.segment(String.fromCodePoint(...cps.slice(a, b)))) {
    while (units < index) units += cps[k++] > 0xffff ? 2 : 1;
    starts.add(k);
  }
  return starts;
}

/** view[j] is the last character of a word of two characters or more, by the characters of its clause before it. */
function endsWord(view: Pick<NormalizedText, 'cps' | 'flags'>, j: number): boolean {
  const starts = wordStarts(view, j, j + 1, WORD_CONTEXT - 1, 0);
  return !starts.has(j);
}

/**
 * A single Latin letter or digit slipped between two Chinese characters (保x本, 保1本) is dropped,
 * its gap flags passed on to the next character (see slippedBetweenHan for real numbers).
 */
function dropInsertedLetters(view: NormalizedText): NormalizedText {
  const keep = view.cps.map((_, i) => !slippedBetweenHan(view, i));
  if (keep.every(Boolean)) return view;
  const out = new ViewWriter();
  let carried = 0;
  keep.forEach((k, i) => {
    if (!k) {
      carried |= view.flags[i] & (FLAG_GAP | FLAG_CLAUSE | FLAG_SENTENCE);
      return;
    }
    out.copy(view, i, carried);
    carried = 0;
  });
  return out;
}

/** Builds a view character by character: views derived from another (dropped or replaced characters). */
export class ViewWriter implements NormalizedText {
  readonly cps: number[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly flags: number[] = [];

  push(cp: number, start: number, end: number, flags: number): void {
    this.cps.push(cp);
    this.starts.push(start);
    this.ends.push(end);
    this.flags.push(flags);
  }

  /** view[i] as it is, with `extraFlags` added. */
  copy(view: NormalizedText, i: number, extraFlags = 0): void {
    this.push(view.cps[i], view.starts[i], view.ends[i], view.flags[i] | extraFlags);
  }
}

/** The normalised view as a plain string (tests, diagnostics, PII regexes). */
export function viewString(n: NormalizedText): string {
  let s = '';
  for (const cp of n.cps) s += String.fromCodePoint(cp);
  return s;
}
