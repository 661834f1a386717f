import type { ComplianceHit, Direction, Verdict } from '../compliance.port.js';
import { PII_MAX_SPAN, type ComplianceEngine } from './compliance-engine.js';
import { isLatinOrDigit, normalize, type NormalizedText } from './normalizer.js';
import { PII_LOOKBACK, PII_RIGHT_CONTEXT } from './pii-detectors.js';
import { actionFor, verdictOf, type CompliancePolicy } from './policy.js';

export interface StreamUpdate {
  /** Hits settled by this write (offsets into the whole stream so far), each reported once. */
  hits: ComplianceHit[];
  /** Verdict over everything settled so far. */
  verdict: Verdict;
}

/**
 * Screens text that arrives in pieces (ASR partials, streamed LLM tokens). Each write rescans a
 * window: the carried tail plus the new chunk. A hit is decided once the window holds the
 * longest pattern's length of normalised context on both sides of it (so a phrase split across
 * chunks is found, a negation cue before it or an exception around it still applies, and a
 * phone number cannot grow any more); the tail carried forward keeps that much context before
 * every undecided position. Hits are reported once, with offsets into the whole stream.
 */
export class ComplianceStream {
  private buffer = '';
  /** Stream offset of buffer[0]. */
  private offset = 0;
  private readonly reported: ComplianceHit[] = [];
  private readonly actions: ReturnType<typeof actionFor>[] = [];
  private finished = false;

  constructor(
    private readonly engine: ComplianceEngine,
    private readonly direction: Direction,
    private readonly policy: CompliancePolicy,
  ) {}

  write(chunk: string): StreamUpdate {
    if (this.finished) throw new Error('compliance stream already finished');
    this.buffer += chunk;
    return this.settle(false);
  }

  finish(): StreamUpdate {
    if (this.finished) throw new Error('compliance stream already finished');
    this.finished = true;
    return this.settle(true);
  }

  private settle(final: boolean): StreamUpdate {
    const L = Math.max(1, this.engine.matcher.maxPatternLength);
    const view = normalize(this.buffer, 'match');
    const n = view.cps.length;
    const atStreamStart = this.offset === 0;
    // View index of the first normalised character at or after an original offset.
    const viewIndex = (offset: number): number => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (view.starts[mid] < offset) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const fresh: ComplianceHit[] = [];
    let keepFromView = n - 2 * L;
    // A number too short to match yet may be completed by the next chunk: the tail keeps room
    // for the longest number with its label and right context, so when it matches it starts at
    // least PII_LOOKBACK into the window. A PII hit that starts closer to the window's start was
    // therefore settled in an earlier window.
    let keepFrom = this.buffer.length - PII_MAX_SPAN - PII_RIGHT_CONTEXT;
    for (const h of this.engine.scan(this.buffer)) {
      const pii = h.category.startsWith('pii_');
      const leftOk = atStreamStart || (pii ? h.start >= PII_LOOKBACK : viewIndex(h.start) >= L);
      const rightOk = final || (pii ? h.end <= this.buffer.length - PII_RIGHT_CONTEXT : n - viewIndex(h.end) >= L);
      if (!leftOk) continue; // seen, with its full context, in an earlier window
      if (!rightOk) {
        if (pii) keepFrom = Math.min(keepFrom, h.start - PII_MAX_SPAN);
        else keepFromView = Math.min(keepFromView, viewIndex(h.start) - L);
        continue;
      }
      const abs = { ...h, start: h.start + this.offset, end: h.end + this.offset };
      // One report per category and region: a phrase may re-appear with a slightly different
      // span in a later window (merged with a neighbour).
      if (this.reported.some((r) => r.category === abs.category && abs.start < r.end && abs.end > r.start)) continue;
      this.reported.push(abs);
      this.actions.push(actionFor(this.policy, this.direction, abs.category));
      fresh.push(abs);
    }
    if (!final) this.trim(view, keepFromView, keepFrom);
    return { hits: fresh, verdict: verdictOf(this.actions) };
  }

  private trim(view: NormalizedText, keepFromView: number, keepFrom: number): void {
    let v = keepFromView;
    // Never cut inside a Latin word: "passport" cut to "assport" would read as a new word.
    while (v > 0 && v < view.cps.length && isLatinOrDigit(view.cps[v]) && isLatinOrDigit(view.cps[v - 1])) v--;
    if (v <= 0) return;
    const cut = Math.min(view.starts[v], keepFrom);
    if (cut <= 0) return;
    this.buffer = this.buffer.slice(cut);
    this.offset += cut;
    // Reports wholly before the window can never be seen again.
    for (let i = this.reported.length - 1; i >= 0; i--)
      if (this.reported[i].end <= this.offset) this.reported.splice(i, 1);
  }
}
