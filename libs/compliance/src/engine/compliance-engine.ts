import type { ComplianceHit, ComplianceResult, Direction } from '../compliance.port.js';
import type { LexiconDocument } from './lexicon.js';
import { LexiconMatcher } from './lexicon-matcher.js';
import { normalize, type NormalizedText } from './normalizer.js';
import { detectPii, PII_NUMBER_MAX_CHARS, REFERENCE_LOOKBACK } from './pii-detectors.js';
import { actionFor, verdictOf, type CompliancePolicy } from './policy.js';

/**
 * Original characters a PII number can span with its separators (a spaced-out +86 mobile with
 * separator runs reaches ~50) plus the label before it that decides a reference (streaming carry).
 */
export const PII_MAX_SPAN = PII_NUMBER_MAX_CHARS + REFERENCE_LOOKBACK;

/**
 * The whole compliance layer for one lexicon: normalise → Aho-Corasick lexicon match → PII
 * detectors → policy → verdict and masked text. Synchronous and allocation-light: it runs on
 * every utterance and every candidate answer.
 */
export class ComplianceEngine {
  readonly matcher: LexiconMatcher;

  constructor(lexicon: LexiconDocument) {
    this.matcher = new LexiconMatcher(lexicon);
  }

  get lexiconVersion(): number {
    return this.matcher.document.version;
  }

  /** Every finding, sorted by start, spans on the original text. */
  scan(text: string): ComplianceHit[] {
    const hits: ComplianceHit[] = [];
    const view = normalize(text, 'match');
    for (const h of this.matcher.scan(view)) hits.push(toHit(text, view, h.category, h.start, h.end));
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

function toHit(text: string, view: NormalizedText, category: string, start: number, end: number): ComplianceHit {
  const s = view.starts[start];
  const e = view.ends[end - 1];
  return { category, match: text.slice(s, e), start: s, end: e };
}
