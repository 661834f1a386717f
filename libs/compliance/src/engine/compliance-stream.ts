import type { ComplianceHit, Direction, Verdict } from '../compliance.port.js';
import { PII_MAX_SPAN, type ComplianceEngine } from './compliance-engine.js';
import { normalize } from './normalizer.js';
import { actionFor, verdictOf, type CompliancePolicy } from './policy.js';

export interface StreamUpdate {
  /** Hits settled by this write (offsets into the whole stream so far), each reported once. */
  hits: ComplianceHit[];
  /** Verdict over everything settled so far. */
  verdict: Verdict;
}

/**
 * Screens text that arrives in pieces (ASR partials, streamed LLM tokens). Each write scans the
 * carried tail plus the new chunk; the tail keeps the last `maxPatternLength` normalised
 * characters (plus the longest negation cue and a PII-sized window) so a phrase split across
 * chunks is still found. A hit touching the end of the buffer is held back until the next chunk
 * or `finish()`, because it could still grow (a phone number) or be excused (面包|过期).
 */
export class ComplianceStream {
  private buffer = '';
  /** Stream offset of buffer[0]. */
  private offset = 0;
  private readonly reported = new Set<string>();
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
    const hits = this.engine.scan(this.buffer);
    const fresh: ComplianceHit[] = [];
    let holdFrom = this.buffer.length;
    for (const h of hits) {
      // Held: could grow or be excused by what comes next.
      if (!final && h.end >= this.buffer.length - 1) {
        holdFrom = Math.min(holdFrom, h.start);
        continue;
      }
      const abs = { ...h, start: h.start + this.offset, end: h.end + this.offset };
      const key = `${abs.category}:${abs.start}:${abs.end}`;
      if (this.reported.has(key) || this.overlapsReported(abs)) continue;
      this.reported.add(key);
      this.actions.push(actionFor(this.policy, this.direction, abs.category));
      fresh.push(abs);
    }
    if (!final) this.trim(holdFrom);
    return { hits: fresh, verdict: verdictOf(this.actions) };
  }

  // A phrase seen in a longer window may re-appear with a slightly different span (it merged with
  // a neighbour); one report per category and region is enough.
  private overlapsReported(h: ComplianceHit): boolean {
    for (const key of this.reported) {
      const [category, s, e] = key.split(':');
      if (category === h.category && h.start < Number(e) && h.end > Number(s)) return true;
    }
    return false;
  }

  private trim(holdFrom: number): void {
    const view = normalize(this.buffer, 'match');
    const keepNorm = this.engine.matcher.maxPatternLength * 2;
    let cut = view.cps.length > keepNorm ? view.starts[view.cps.length - keepNorm] : 0;
    cut = Math.min(cut, holdFrom, Math.max(0, this.buffer.length - PII_MAX_SPAN));
    if (cut <= 0) return;
    this.buffer = this.buffer.slice(cut);
    this.offset += cut;
    // Forget reports that can no longer be seen again.
    for (const key of this.reported) if (Number(key.split(':')[2]) <= this.offset) this.reported.delete(key);
  }
}
