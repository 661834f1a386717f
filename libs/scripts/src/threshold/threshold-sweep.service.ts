import { Injectable } from '@nestjs/common';
import { HuashuException } from '@huashu/common';
import { ScriptMatcherService } from '../matcher/script-matcher.service.js';
import { SCRIPT_LIMITS } from '../library/script.schema.js';
import { sweepThreshold, type LabelledPair, type ScoredPair, type SweepResult } from './threshold-sweep.js';

/** Scores labelled pairs against a campaign's library and sweeps the threshold. */
@Injectable()
export class ThresholdSweepService {
  constructor(private readonly matcher: ScriptMatcherService) {}

  async run(
    campaignId: string,
    pairs: LabelledPair[],
    targetPrecision: number,
    version?: number | 'draft',
  ): Promise<SweepResult> {
    if (pairs.length === 0 || pairs.length > SCRIPT_LIMITS.sweepMaxPairs) {
      throw new HuashuException('VALIDATION_FAILED', `a sweep takes 1 to ${SCRIPT_LIMITS.sweepMaxPairs} pairs`);
    }
    const scored: ScoredPair[] = [];
    for (const p of pairs) {
      const out = await this.matcher.match({ campaignId, text: p.text, k: 1, version });
      const best = out.matches[0];
      scored.push({
        expected: p.expected,
        ...(best ? { best: { scriptId: best.scriptId, similarity: best.similarity } } : {}),
      });
    }
    return sweepThreshold(scored, targetPrecision);
  }
}
