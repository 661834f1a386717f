import AhoCorasick from 'modern-ahocorasick';
import type { LexiconDocument } from './lexicon.js';
import {
  FLAG_CLAUSE,
  FLAG_GAP,
  FLAG_REDUP,
  FLAG_SENTENCE,
  isDigit,
  isHan,
  isLatin,
  isLatinOrDigit,
  leetLetters,
  normalize,
  WORD_CONTEXT,
  wordStarts,
  type NormalizedText,
} from './normalizer.js';
import { englishWords } from './typo-corrector.js';

export type EntryKind =
  | 'term'
  | 'clause_end'
  | 'whole_clause'
  | 'exception'
  | 'subject'
  | 'pronoun'
  | 'other_referent'
  | 'negation'
  | 'double_negation';

interface Entry {
  category: string;
  kind: EntryKind;
  /** The pattern's first / last folded code point is a Latin letter or digit: needs a word edge. */
  edgeStart: boolean;
  edgeEnd: boolean;
  /** Long enough to need no word edge inside a spelled-out letter run (SPELLED_MIN_LENGTH). */
  spelled: boolean;
  /** Two Chinese characters: no hit where they are the seam of two words (acrossWords). */
  short: boolean;
}

/**
 * Sentence-final particles that may follow a `clauseEnd` pattern before its clause ends
 * (别再打了吧, 别再打啦). Hand-written: a closed class of Chinese grammar, not campaign data.
 */
const FINAL_PARTICLES = new Set([...'了啦吧啊呀哦喔嘛呗哈噢'].map((c) => c.codePointAt(0) ?? 0));

/**
 * Particles that ICU's word breaker glues to the character before them (死了, 赢了, 过的): a word
 * that is a match's last character and one of these is that character still, so 你快去死了吧 and
 * 考试包过的 are no seam (acrossWords). The final particles and a few more: a closed class of
 * Chinese grammar.
 */
const GLUED_PARTICLES = new Set([...FINAL_PARTICLES, ...[...'的着过得呢吗'].map((c) => c.codePointAt(0) ?? 0)]);

/**
 * Inside a spelled-out run of single letters ("a r i s k f r e e") a pattern at least this long
 * needs no word edge: the run has no visible word boundaries, and a one-letter word (a, I, u) or a
 * decoy letter next to it hid the claim. Shorter patterns still need the run's own edges, so
 * "p a s s" holds no "ass".
 */
const SPELLED_MIN_LENGTH = 4;

/**
 * How far before a hit's end a category's subject cue may start, in normalised characters (same
 * sentence). The streaming carry (maxPatternLength) is at least this, so a stream decides a hit
 * with its subject in view.
 */
export const SUBJECT_WINDOW = 24;

/** A lexicon hit on the normalised view: [start, end) are code point indexes of the view. */
export interface ViewHit {
  category: string;
  start: number;
  end: number;
}

/** A cue of who a scoped category's hit is about: a subject, a pronoun or another referent. */
interface Cue extends ViewHit {
  kind: 'subject' | 'pronoun' | 'other_referent';
}

/**
 * The normalised code points are handed to modern-ahocorasick as a compact ASCII code, one symbol
 * per code point: a first character from FIRST then WIDTH-1 characters from REST. Why: for
 * non-ASCII input the library segments the text into grapheme clusters with Intl.Segmenter,
 * which costs more than the rest of the check together (≈40 µs per sentence here), while our
 * normaliser has already decided what a unit is. FIRST and REST are disjoint, so a match can
 * only begin on a symbol boundary, and every pattern is a whole number of symbols.
 * Code points absent from every pattern share symbol 0, which no pattern contains.
 */
const FIRST_BASE = 0x21; // '!'..'O'
const REST_BASE = 0x50; // 'P'..'~'
const RADIX = 47;

class SymbolCodec {
  private readonly ids = new Map<number, number>();
  private width = 1;

  add(cps: readonly number[]): void {
    for (const cp of cps) if (!this.ids.has(cp)) this.ids.set(cp, this.ids.size + 1);
  }

  /** Fix the symbol width once the alphabet is known. */
  seal(): void {
    let capacity = RADIX;
    this.width = 1;
    while (capacity <= this.ids.size) {
      capacity *= RADIX;
      this.width++;
    }
  }

  get symbolWidth(): number {
    return this.width;
  }

  encode(cps: readonly number[], known: boolean): string {
    let out = '';
    const w = this.width;
    for (const cp of cps) {
      let id = this.ids.get(cp) ?? 0;
      if (known && id === 0) throw new Error('pattern code point outside the alphabet');
      const digits: number[] = [];
      for (let k = 1; k < w; k++) {
        digits.push(id % RADIX);
        id = Math.floor(id / RADIX);
      }
      out += String.fromCharCode(FIRST_BASE + id);
      for (let k = digits.length - 1; k >= 0; k--) out += String.fromCharCode(REST_BASE + digits[k]);
    }
    return out;
  }
}

/** Compiled lexicon: one automaton over every category's terms, exceptions and negation cues. */
export class LexiconMatcher {
  private readonly automaton: AhoCorasick<number>;
  private readonly entries: Entry[] = [];
  private readonly codec = new SymbolCodec();
  private readonly negatable = new Set<string>();
  /** Categories whose hits need a subject cue (see lexiconCategorySchema.subjects). */
  private readonly scoped = new Set<string>();
  /** Longest pattern or cue, in normalised code points (the streaming carry). */
  readonly maxPatternLength: number;
  readonly patternCount: number;
  readonly categories: readonly string[];

  constructor(readonly document: LexiconDocument) {
    const folded: { cps: number[]; entry: Entry }[] = [];
    const add = (text: string, category: string, kind: EntryKind): void => {
      const cps = normalize(text, 'match').cps;
      if (cps.length === 0) return; // pure punctuation: nothing to match
      folded.push({
        cps,
        entry: {
          category,
          kind,
          edgeStart: isLatinOrDigit(cps[0]),
          edgeEnd: isLatinOrDigit(cps[cps.length - 1]),
          spelled: cps.length >= SPELLED_MIN_LENGTH,
          short: cps.length === 2 && cps.every(isHan),
        },
      });
    };
    for (const [category, def] of Object.entries(document.categories)) {
      if (def.negatable) this.negatable.add(category);
      for (const p of def.patterns) add(p, category, 'term');
      for (const p of def.clauseEnd) add(p, category, 'clause_end');
      for (const p of def.wholeClause) add(p, category, 'whole_clause');
      for (const p of def.exceptions) add(p, category, 'exception');
      for (const p of def.subjects) add(p, category, 'subject');
      for (const p of def.pronouns) add(p, category, 'pronoun');
      for (const p of def.otherReferents) add(p, category, 'other_referent');
      if (def.subjects.length > 0 || def.pronouns.length > 0) this.scoped.add(category);
    }
    for (const p of document.negations) add(p, '', 'negation');
    for (const p of document.doubleNegations) add(p, '', 'double_negation');
    for (const f of folded) this.codec.add(f.cps);
    this.codec.seal();
    const inputs = folded.map((f, index) => {
      this.entries.push(f.entry);
      return { pattern: this.codec.encode(f.cps, true), data: index };
    });
    this.automaton = new AhoCorasick(inputs);
    this.patternCount = inputs.length;
    // A stream decides a short match with the word breaker's context in view (acrossWords).
    this.maxPatternLength = folded.reduce(
      (m, f) => Math.max(m, f.cps.length, f.entry.short ? WORD_CONTEXT : 0),
      this.scoped.size > 0 ? SUBJECT_WINDOW : 0,
    );
    this.categories = Object.keys(document.categories);
  }

  /** Term hits on the view after word edges, exceptions and negation cues are applied. */
  scan(view: NormalizedText): ViewHit[] {
    if (view.cps.length === 0 || this.patternCount === 0) return [];
    const w = this.codec.symbolWidth;
    const terms: ViewHit[] = [];
    const exceptions: ViewHit[] = [];
    const cues: Cue[] = [];
    const negationEnds = new Set<number>();
    const doubleNegationEnds = new Set<number>();
    for (const m of this.automaton.iterate(this.codec.encode(view.cps, false))) {
      const entry = this.entries[m.data ?? 0];
      const start = m.start / w;
      const end = m.end / w;
      if (entry.edgeStart && !wordEdgeBefore(view, start, entry.spelled)) continue;
      if (entry.edgeEnd && !wordEdgeBefore(view, end, entry.spelled)) continue;
      switch (entry.kind) {
        case 'term':
        case 'clause_end':
        case 'whole_clause':
          if (entry.kind !== 'term' && !clauseEndsAt(view, end)) break;
          if (entry.kind === 'whole_clause' && !clauseStartsAt(view, start)) break;
          if (insidePair(view, start) || insidePair(view, end)) break; // 妈妈的 ⊅ 妈的, 你妈妈 ⊅ 你妈
          if (entry.short && acrossWords(view, start)) break; // 确保|本次 ⊅ 保本
          terms.push({ category: entry.category, start, end });
          break;
        case 'exception':
          exceptions.push({ category: entry.category, start, end });
          break;
        case 'subject':
        case 'pronoun':
        case 'other_referent':
          cues.push({ category: entry.category, start, end, kind: entry.kind });
          break;
        case 'negation':
          negationEnds.add(end);
          break;
        case 'double_negation':
          // 没有，不保本的 is "no — not capital-protected": two clauses, no double negation.
          if (!breakWithin(view, FLAG_CLAUSE, start + 1, end)) doubleNegationEnds.add(end);
          break;
      }
    }
    // An exception excuses a term only within one clause: 别再打，折腾死我了 holds 别再打折 only
    // across the comma, so it is still do-not-call.
    const excused = terms.filter(
      (t) =>
        (!this.scoped.has(t.category) || cues.some((s) => aboutSubject(view, s, t, cues))) &&
        !exceptions.some(
          (e) =>
            e.category === t.category &&
            e.start <= t.start &&
            e.end >= t.end &&
            !breakWithin(view, FLAG_CLAUSE, e.start + 1, t.start + 1) &&
            !breakWithin(view, FLAG_CLAUSE, t.end, e.end),
        ),
    );
    // Negation applies to the merged phrase, so in 不要私下加微信 the cue before 私下加 covers the
    // overlapping 加微 too; a double negation right before it (没有不保本) leaves the claim standing.
    return mergeOverlaps(view, excused).filter(
      (t) =>
        !(
          this.negatable.has(t.category) &&
          negationEnds.has(t.start) &&
          !doubleNegationEnds.has(t.start) &&
          (view.flags[t.start] & FLAG_CLAUSE) === 0
        ),
    );
  }
}

/**
 * Word edge between view[i-1] and view[i]: two letters or two digits touching with nothing
 * dropped between them are inside one word ("assessment" holds no "ass"; "面包过期" is CJK and
 * handled by exceptions). A letter next to a digit is an edge, so "vx123" still reads as "vx",
 * unless the digit is a letter of the word after it (digitSpellsWord: "no 1oss" holds no "no 1").
 * Spaced-out single letters ("p a s s") are one word too, so "a s s" inside it is no edge —
 * unless `spelled` (a long pattern, see SPELLED_MIN_LENGTH).
 */
function wordEdgeBefore(view: NormalizedText, i: number, spelled: boolean): boolean {
  if (i <= 0 || i >= view.cps.length) return true;
  const a = view.cps[i - 1];
  const b = view.cps[i];
  if (!isLatinOrDigit(a) || !isLatinOrDigit(b)) return true;
  if ((view.flags[i] & FLAG_GAP) !== 0) return spelled || !(singleLetter(view, i - 1) && singleLetter(view, i));
  if (isDigit(a) && !isDigit(b)) return !digitSpellsWord(view, i - 1);
  return isDigit(a) !== isDigit(b);
}

/**
 * view[d] is a digit glued to the letters after it that, read as the letter it stands for, spells
 * an English word with them (1oss → loss, 1ow → low): a letter of that word, not a number. No.1,
 * "number 1" and No1 in … are numbers; so is 1 in "No.1choice", as neither ichoice nor lchoice is
 * a word.
 */
function digitSpellsWord(view: NormalizedText, d: number): boolean {
  const letters = leetLetters(view.cps[d]);
  if (letters === '') return false;
  let rest = '';
  for (let k = d + 1; k < view.cps.length && isLatin(view.cps[k]) && (view.flags[k] & FLAG_GAP) === 0; k++)
    rest += String.fromCharCode(view.cps[k]);
  return [...letters].some((l) => englishWords().has(l + rest));
}

/**
 * The subject cue `s` belongs to hit `t`: it starts before the hit ends, at most SUBJECT_WINDOW
 * characters before, with no sentence end between them (别家的产品啊，都是骗人的 is one sentence).
 * A pronoun counts unless it resumes someone else (resumesOtherReferent).
 */
function aboutSubject(view: NormalizedText, s: Cue, t: ViewHit, cues: readonly Cue[]): boolean {
  if (s.kind === 'other_referent' || s.category !== t.category || !inWindow(view, s, t)) return false;
  return s.kind === 'subject' || !resumesOtherReferent(view, s, t, cues);
}

/** Cue `c` starts before hit `t` ends, at most SUBJECT_WINDOW characters before, in its sentence. */
function inWindow(view: NormalizedText, c: ViewHit, t: ViewHit): boolean {
  return (
    c.start < t.end && t.end - c.start <= SUBJECT_WINDOW && !breakWithin(view, FLAG_SENTENCE, c.start + 1, t.start + 1)
  );
}

/**
 * Pronoun `p` points back at someone who is no competitor: the nearest cue before it in the
 * window is another referent, and a clause ends between them — 如果有人让您转账，他们都是骗子 and
 * 冒充客服的人打来，他们都是骗子 warn against scammers. In one clause the pronoun is someone the
 * referent talks about (有人说他们都是骗子), and a firm named nearer to it is what it resumes
 * (有人问，那家公司啊，他们都是骗子). The window keeps a stream's decision the same as the whole
 * text's: the carried context covers it.
 */
function resumesOtherReferent(view: NormalizedText, p: Cue, t: ViewHit, cues: readonly Cue[]): boolean {
  let nearest: Cue | undefined;
  for (const c of cues) {
    if (c.kind === 'pronoun' || c.category !== p.category || c.start >= p.start || !inWindow(view, c, t)) continue;
    // Of two cues starting together (骗子公司 and 骗子) the firm wins.
    if (!nearest || c.start > nearest.start || (c.start === nearest.start && c.kind === 'subject')) nearest = c;
  }
  return nearest?.kind === 'other_referent' && breakWithin(view, FLAG_CLAUSE, nearest.end, p.start + 1);
}

/** `flag` (FLAG_CLAUSE, FLAG_SENTENCE) is set on some view[k], from <= k < to. */
function breakWithin(view: NormalizedText, flag: number, from: number, to: number): boolean {
  for (let k = Math.max(from, 0); k < Math.min(to, view.cps.length); k++) if ((view.flags[k] & flag) !== 0) return true;
  return false;
}

/** A clause ends at view[end]: the text ends, or a separator follows, after sentence-final particles only. */
function clauseEndsAt(view: NormalizedText, end: number): boolean {
  let k = end;
  while (k < view.cps.length && (view.flags[k] & FLAG_GAP) === 0 && FINAL_PARTICLES.has(view.cps[k])) k++;
  return k >= view.cps.length || (view.flags[k] & FLAG_GAP) !== 0;
}

/** A clause starts at view[start]: the text starts there, or a separator was dropped right before it. */
const clauseStartsAt = (view: NormalizedText, start: number): boolean =>
  start === 0 || (view.flags[start] & FLAG_GAP) !== 0;

/**
 * The two characters at view[start] are the seam of two words by ICU's word breaker: the first
 * ends a word that starts before it, the second starts one that goes on after it (确保|本次,
 * 环保|本色, 积极|品牌, 增加|微量), so the text reads neither. Both sides, because one alone is
 * no proof: the breaker's dictionary holds odd pairs (真保|本, 快去|死, 添加|微|信 all carry the
 * claim or the insult), and it glues particles to a character (包|过的, 稳|赢了). Asked only of a
 * two-character match with Chinese characters on both sides, a few µs.
 */
function acrossWords(view: NormalizedText, start: number): boolean {
  const { cps, flags } = view;
  const end = start + 2;
  if (start === 0 || end >= cps.length || !isHan(cps[start - 1]) || !isHan(cps[end])) return false;
  if ((flags[start] & FLAG_CLAUSE) !== 0 || (flags[end] & FLAG_CLAUSE) !== 0 || GLUED_PARTICLES.has(cps[end]))
    return false;
  const starts = wordStarts(view, start, end, WORD_CONTEXT, WORD_CONTEXT);
  return !starts.has(start) && starts.has(start + 1) && !starts.has(end);
}

/** The boundary before view[i] splits a kept reduplicated pair (妈|妈). */
const insidePair = (view: NormalizedText, i: number): boolean =>
  i > 0 && i < view.cps.length && (view.flags[i] & FLAG_REDUP) !== 0;

/** view[i] is a Latin letter/digit standing alone between gaps (or CJK, or the text's ends). */
function singleLetter(view: NormalizedText, i: number): boolean {
  const n = view.cps.length;
  const aloneBefore = i === 0 || (view.flags[i] & FLAG_GAP) !== 0 || !isLatinOrDigit(view.cps[i - 1]);
  const aloneAfter = i + 1 >= n || (view.flags[i + 1] & FLAG_GAP) !== 0 || !isLatinOrDigit(view.cps[i + 1]);
  return aloneBefore && aloneAfter;
}

/**
 * Overlapping hits of one category become one hit spanning both, and so do touching ones
 * (宝本|保息) unless clause punctuation separates them.
 */
function mergeOverlaps(view: NormalizedText, hits: ViewHit[]): ViewHit[] {
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: ViewHit[] = [];
  for (const h of hits) {
    const prev = out.findLast((o) => o.category === h.category);
    const touching = prev !== undefined && h.start === prev.end && (view.flags[h.start] & FLAG_CLAUSE) === 0;
    if (prev && (h.start < prev.end || touching)) prev.end = Math.max(prev.end, h.end);
    else out.push({ ...h });
  }
  return out;
}
