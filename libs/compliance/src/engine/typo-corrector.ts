import { createRequire } from 'node:module';
import { SymSpell } from 'mnemonist';
import { FLAG_GAP, FLAG_I_OR_L, isLatin, normalize, ViewWriter, type NormalizedText } from './normalizer.js';

/**
 * A lexicon word this long or longer is found one edit away (a letter inserted, dropped, changed,
 * or two neighbours swapped: guarxanteed, guaranted, gauranteed).
 */
export const TYPO_LONG_WORD = 6;
/**
 * A lexicon word of TYPO_SHORT_WORD..TYPO_LONG_WORD-1 letters is found only with one letter
 * doubled or two neighbours swapped (riskk, frree, rsik): both keep its letters, while a changed
 * or dropped letter turns a short word into too many others (risk → rusk, disk, ris).
 */
export const TYPO_SHORT_WORD = 4;
/** At most this many 1 / | / ! in one word are tried both as i and as l. */
const MAX_I_OR_L = 3;

const requireJson = createRequire(import.meta.url);
let english: ReadonlySet<string> | undefined;
/**
 * ~275,000 English words (an-array-of-english-words), loaded once per process on the first
 * lexicon build (~0.1 s, ~22 MB). A text word that is a real word is never corrected, so
 * "scamper" stays scamper, not scammer, and "slowest price" is no "lowest price".
 */
export function englishWords(): ReadonlySet<string> {
  english ??= new Set(requireJson('an-array-of-english-words') as string[]);
  return english;
}

interface Correction {
  start: number;
  end: number;
  word: string;
}

/**
 * Reads misspelt words of a normalised view as the lexicon words they imitate, so the lexicon
 * matches "guarxanteed returns", "risk-frree" and, in the evasion view, "1oss-free" (1 as l).
 * Candidates come from a SymSpell index (mnemonist) over the lexicon's English words; only words
 * that are neither lexicon words nor English words are corrected. Most sentences hold no such
 * word, and then `correct` returns undefined and costs one Set lookup per Latin word.
 */
export class TypoCorrector {
  /** Every Latin word the lexicon's patterns hold (exact words are never corrected). */
  private readonly lexiconWords = new Set<string>();
  private readonly speller = new SymSpell({ maxDistance: 1, verbosity: 2 });
  private readonly english = englishWords();

  constructor(patterns: Iterable<string>) {
    for (const p of patterns) {
      const view = normalize(p, 'match');
      forEachLatinWord(view, (start, end) => {
        if (end - start < 2) return;
        const word = String.fromCharCode(...view.cps.slice(start, end));
        this.lexiconWords.add(word);
        // Only English words are targets: pinyin (baoben ~ baobei) and brand words (wechat) are
        // too close to ordinary pinyin and names.
        if (word.length >= TYPO_SHORT_WORD && this.english.has(word)) this.speller.add(word);
      });
    }
  }

  /** The view with misspelt words replaced by lexicon words, or undefined when none is. */
  correct(view: NormalizedText): NormalizedText | undefined {
    let corrections: Correction[] | undefined;
    const { cps, flags } = view;
    // Hot path (every scanned sentence): a string only for a word that could be corrected (long
    // enough, or holding a 1 / | / !).
    forEachLatinWord(view, (start, end) => {
      if (end - start < TYPO_SHORT_WORD && !(end - start > 1 && anyIOrL(flags, start, end))) return;
      const word = this.fix(view, start, String.fromCharCode(...cps.slice(start, end)));
      if (word !== undefined) (corrections ??= []).push({ start, end, word });
    });
    return corrections && replaceWords(view, corrections);
  }

  private fix(view: NormalizedText, start: number, text: string): string | undefined {
    if (this.lexiconWords.has(text)) return undefined;
    const reading = this.readIOrL(view, start, text);
    if (reading !== undefined) return reading;
    if (text.length < TYPO_SHORT_WORD || this.english.has(text)) return undefined;
    for (const s of this.speller.search(text))
      if (s.distance === 1 && (s.term.length >= TYPO_LONG_WORD || doubledOrSwapped(text, s.term))) return s.term;
    return undefined;
  }

  /** 1 / | / ! read as i or l, whichever makes a lexicon word (1oss → loss, r!sk → risk). */
  private readIOrL(view: NormalizedText, start: number, text: string): string | undefined {
    const at: number[] = [];
    for (let k = 0; k < text.length; k++) if ((view.flags[start + k] & FLAG_I_OR_L) !== 0) at.push(k);
    if (at.length === 0 || at.length > MAX_I_OR_L) return undefined;
    const chars = [...text];
    for (let mask = 0; mask < 1 << at.length; mask++) {
      at.forEach((k, bit) => (chars[k] = (mask >> bit) & 1 ? 'l' : 'i'));
      const reading = chars.join('');
      if (reading !== text && this.lexiconWords.has(reading)) return reading;
    }
    return undefined;
  }
}

function anyIOrL(flags: readonly number[], start: number, end: number): boolean {
  for (let k = start; k < end; k++) if ((flags[k] & FLAG_I_OR_L) !== 0) return true;
  return false;
}

/**
 * Calls `word` with [start, end) of each maximal run of Latin letters with nothing dropped
 * between them: the words of a view. A plain loop, not a generator: it runs on every sentence.
 */
function forEachLatinWord(view: NormalizedText, word: (start: number, end: number) => void): void {
  const { cps, flags } = view;
  for (let i = 0; i < cps.length;) {
    if (!isLatin(cps[i])) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < cps.length && isLatin(cps[j]) && (flags[j] & FLAG_GAP) === 0) j++;
    word(i, j);
    i = j;
  }
}

/**
 * `text` is `word` with one letter doubled (riskk, frree) or two neighbours swapped (rsik).
 * Hand-written: SymSpell tells the distance, not which edit it was.
 */
function doubledOrSwapped(text: string, word: string): boolean {
  if (text.length === word.length + 1) {
    for (let i = 0; i + 1 < text.length; i++)
      if (text[i] === text[i + 1] && text.slice(0, i) + text.slice(i + 1) === word) return true;
    return false;
  }
  if (text.length !== word.length) return false;
  for (let i = 0; i + 1 < text.length; i++)
    if (text[i] !== word[i])
      return text[i] === word[i + 1] && text[i + 1] === word[i] && text.slice(i + 2) === word.slice(i + 2);
  return false;
}

/**
 * The view with each corrected word's letters replaced by the lexicon word's; every new letter
 * maps to the whole original word, so a hit still lands on what was written.
 */
function replaceWords(view: NormalizedText, corrections: Correction[]): NormalizedText {
  const out = new ViewWriter();
  let i = 0;
  for (const c of corrections) {
    for (; i < c.start; i++) out.copy(view, i);
    for (let k = 0; k < c.word.length; k++)
      out.push(c.word.charCodeAt(k), view.starts[c.start], view.ends[c.end - 1], k === 0 ? view.flags[c.start] : 0);
    i = c.end;
  }
  for (; i < view.cps.length; i++) out.copy(view, i);
  return out;
}
