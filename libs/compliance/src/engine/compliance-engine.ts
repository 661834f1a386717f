import type { ComplianceHit, ComplianceResult, Direction } from '../compliance.port.js';
import { categoryTerms, type LexiconDocument } from './lexicon.js';
import { LexiconMatcher, type ViewHit } from './lexicon-matcher.js';
import {
  FLAG_LEET,
  isDigit,
  isLatin,
  isLatinOrDigit,
  normalize,
  slippedBetweenHan,
  type NormalizedText,
} from './normalizer.js';
import { detectPii, PII_LOOKBACK, PII_NUMBER_MAX_CHARS } from './pii-detectors.js';
import { actionFor, verdictOf, type CompliancePolicy } from './policy.js';
import { TypoCorrector } from './typo-corrector.js';

/**
 * Original characters a PII number can span with its separators (a card number after its label,
 * with pauses between its digits, reaches 58) plus the label before it that decides it (an ID,
 * card or SSN label, a reference label): the streaming carry.
 */
export const PII_MAX_SPAN = PII_NUMBER_MAX_CHARS + PII_LOOKBACK;

/**
 * A hit found only by reading leetspeak must keep this many real letters: "5B" (a pencil) read
 * as "sb" or "a55" as "ass" are numbers, "b1tch" and "r1sk-free" are words.
 */
const LEET_MIN_LETTERS = 3;

/**
 * The whole compliance layer for one lexicon: normalise → Aho-Corasick lexicon match → PII
 * detectors → policy → verdict and masked text. Synchronous and allocation-light: it runs on
 * every utterance and every candidate answer.
 */
export class ComplianceEngine {
  readonly matcher: LexiconMatcher;
  private readonly typos: TypoCorrector;

  constructor(lexicon: LexiconDocument) {
    this.matcher = new LexiconMatcher(lexicon);
    this.typos = new TypoCorrector(Object.values(lexicon.categories).flatMap(categoryTerms));
  }

  get lexiconVersion(): number {
    return this.matcher.document.version;
  }

  /** Every finding, sorted by start, spans on the original text. */
  scan(text: string): ComplianceHit[] {
    const hits: ComplianceHit[] = [];
    const view = normalize(text, 'match');
    for (const h of this.matcher.scan(view)) hits.push(toHit(text, view, h.category, h.start, h.end));
    // Misspelt lexicon words (guarxanteed, risk-frree) read as the words they imitate: what only
    // that reading finds is added. Most sentences have no such word and skip the second scan.
    const corrected = this.typos.correct(view);
    if (corrected)
      for (const h of this.matcher.scan(corrected))
        mergeHit(text, hits, toHit(text, corrected, h.category, h.start, h.end));
    // The evasion view (leetspeak, a letter or digit slipped between characters) adds what only
    // it finds; a hit both views see is merged into one.
    if (mayHideEvasion(text, view)) {
      const leet = normalize(text, 'evasion');
      const evasion = this.typos.correct(leet) ?? leet;
      for (const h of this.matcher.scan(evasion))
        if (plausible(evasion, h)) mergeHit(text, hits, toHit(text, evasion, h.category, h.start, h.end));
    }
    const piiView = normalize(text, 'pii');
    for (const h of detectPii(piiView)) hits.push(toHit(text, piiView, h.category, h.start, h.end));
    return hits.sort((a, b) => a.start - b.start || a.end - b.end);
  }

  check(text: string, direction: Direction, policy: CompliancePolicy): ComplianceResult {
    const hits = this.scan(text);
    return decide(text, hits, direction, policy);
  }
}

/** Policy → verdict, and `redact` hits masked on the original text (same length, so offsets hold). */
export function decide(
  text: string,
  hits: ComplianceHit[],
  direction: Direction,
  policy: CompliancePolicy,
): ComplianceResult {
  const actions = hits.map((h) => actionFor(policy, direction, h.category));
  const verdict = verdictOf(actions);
  let masked = text;
  if (actions.includes('redact')) {
    const chars = [...text.split('')];
    hits.forEach((h, i) => {
      if (actions[i] !== 'redact') return;
      for (let k = h.start; k < h.end; k++) chars[k] = '*';
    });
    masked = chars.join('');
  }
  return { verdict, text: masked, hits };
}

/**
 * Whether the evasion view can differ where it matters: a digit touching a Latin letter (r1sk,
 * fr33), @ or $ in the text, | or ! before a Latin letter (|oss, r!sk), or a letter or lone digit
 * between two Chinese characters (保x本, 保1本). Most sentences have none, and skip the second
 * normalisation and scan.
 */
function mayHideEvasion(text: string, view: NormalizedText): boolean {
  if (LEET_SYMBOLS.test(text)) return true;
  const { cps } = view;
  for (let i = 0; i < cps.length; i++) {
    if (slippedBetweenHan(view, i)) return true;
    if (isDigit(cps[i]) && ((i > 0 && isLatin(cps[i - 1])) || (i + 1 < cps.length && isLatin(cps[i + 1])))) return true;
  }
  return false;
}
// | or ! before any Latin-script letter, accented or full-width too: the normaliser reads |óss as
// loss (letterBeforeLetter folds the next character before it asks isLatin).
const LEET_SYMBOLS = /[@$＠＄﹫﹩]|[|!｜！]\p{Script=Latin}/u;

/** A leetspeak reading counts only with enough real letters beside the digits and symbols. */
function plausible(view: NormalizedText, h: ViewHit): boolean {
  let leet = false;
  let letters = 0;
  for (let i = h.start; i < h.end; i++) {
    if ((view.flags[i] & FLAG_LEET) !== 0) leet = true;
    else if (isLatinOrDigit(view.cps[i])) letters++;
  }
  return !leet || letters >= LEET_MIN_LETTERS;
}

/** Adds a hit, or widens one of its category it overlaps (the same phrase seen by two views). */
function mergeHit(text: string, hits: ComplianceHit[], hit: ComplianceHit): void {
  const same = hits.find((h) => h.category === hit.category && h.start < hit.end && hit.start < h.end);
  if (!same) {
    hits.push(hit);
    return;
  }
  if (hit.start >= same.start && hit.end <= same.end) return;
  same.start = Math.min(same.start, hit.start);
  same.end = Math.max(same.end, hit.end);
  same.match = text.slice(same.start, same.end);
}

function toHit(text: string, view: NormalizedText, category: string, start: number, end: number): ComplianceHit {
  const s = view.starts[start];
  const e = view.ends[end - 1];
  return { category, match: text.slice(s, e), start: s, end: e };
}
