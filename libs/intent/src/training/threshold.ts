/** How the out-of-scope threshold is chosen on held-out data. */
export type ThresholdObjective =
  | { kind: 'balanced' }
  /** Highest out-of-scope recall whose out-of-scope precision is at least `precision`. */
  | { kind: 'oos-precision'; precision: number };

export const THRESHOLD_OBJECTIVES = { balanced: 'balanced', oosPrecision: 'oos-precision' } as const;

/** A held-out prediction: true label index (or -1 for out-of-scope), argmax and its probability. */
export interface ScoredExample {
  label: number;
  top: number;
  confidence: number;
}

export interface ThresholdPoint {
  threshold: number;
  /** In-scope examples predicted as their label and not rejected. */
  inScopeAccuracy: number;
  /** Out-of-scope examples rejected (below threshold or predicted as the out-of-scope class). */
  oosRecall: number;
  /** Of everything rejected, the share that was truly out of scope. */
  oosPrecision: number;
  /** The default objective: mean of in-scope accuracy and out-of-scope recall. */
  balanced: number;
}

/** Metrics at one threshold. `oosIndex` is the explicit out-of-scope class, if the model has one. */
export function thresholdPoint(examples: ScoredExample[], threshold: number, oosIndex: number): ThresholdPoint {
  let inScope = 0;
  let inScopeHit = 0;
  let oos = 0;
  let oosHit = 0;
  let rejected = 0;
  for (const e of examples) {
    const isOos = e.label < 0 || e.label === oosIndex;
    const reject = e.top === oosIndex || e.confidence < threshold;
    if (reject) rejected++;
    if (isOos) {
      oos++;
      if (reject) oosHit++;
    } else {
      inScope++;
      if (!reject && e.top === e.label) inScopeHit++;
    }
  }
  const inScopeAccuracy = inScope ? inScopeHit / inScope : 0;
  const oosRecall = oos ? oosHit / oos : 0;
  return {
    threshold,
    inScopeAccuracy,
    oosRecall,
    oosPrecision: rejected ? oosHit / rejected : 1,
    balanced: oos ? (inScopeAccuracy + oosRecall) / 2 : inScopeAccuracy,
  };
}

/** The threshold sweep in steps of 0.01 (for the report's curve). */
export function sweepThresholds(examples: ScoredExample[], oosIndex: number): ThresholdPoint[] {
  return Array.from({ length: 101 }, (_, i) => thresholdPoint(examples, i / 100, oosIndex));
}

/**
 * Choose the threshold on held-out data for an objective. Candidates are the grid 0.00…1.00 in
 * steps of 0.01 (a stable, readable value for metadata); ties go to the lower threshold (fewer
 * rejections of real customers). If no threshold reaches the requested precision, the one with the
 * highest precision is returned and `met` is false.
 */
export function fitThreshold(
  examples: ScoredExample[],
  oosIndex: number,
  objective: ThresholdObjective = { kind: 'balanced' },
): { threshold: number; point: ThresholdPoint; met: boolean } {
  const sweep = sweepThresholds(examples, oosIndex);
  if (objective.kind === 'balanced') {
    const best = sweep.reduce((a, b) => (b.balanced > a.balanced + 1e-12 ? b : a));
    return { threshold: best.threshold, point: best, met: true };
  }
  // A threshold that rejects nothing has a vacuous precision; only thresholds that catch some
  // out-of-scope input can meet the target.
  const catching = sweep.filter((p) => p.oosRecall > 0);
  const ok = catching.filter((p) => p.oosPrecision >= objective.precision);
  if (ok.length === 0) {
    const best = catching.length
      ? catching.reduce((a, b) => (b.oosPrecision > a.oosPrecision + 1e-12 ? b : a))
      : sweep[0];
    return { threshold: best.threshold, point: best, met: false };
  }
  const best = ok.reduce((a, b) =>
    b.oosRecall > a.oosRecall + 1e-12 ||
    (Math.abs(b.oosRecall - a.oosRecall) <= 1e-12 && b.balanced > a.balanced + 1e-12)
      ? b
      : a,
  );
  return { threshold: best.threshold, point: best, met: true };
}
