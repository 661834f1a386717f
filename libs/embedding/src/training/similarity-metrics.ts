/** A scored pair: cosine similarity and whether the two texts mean the same. */
export interface ScoredPair {
  score: number;
  positive: boolean;
}

export interface ThresholdPoint {
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  /** False-positive rate (the ROC curve's x). */
  fpr: number;
  f1: number;
}

export interface PairMetrics {
  pairs: number;
  positives: number;
  rocAuc: number;
  /** Threshold with the best accuracy (pairs at or above it are called paraphrases). */
  bestAccuracy: ThresholdPoint;
  /** Threshold with the best F1 of the positive class. */
  bestF1: ThresholdPoint;
  meanPositive: number;
  meanNegative: number;
}

/**
 * ROC-AUC as the Mann-Whitney U statistic: the probability that a random positive pair scores
 * above a random negative one, ties counting one half (average ranks).
 */
export function rocAuc(pairs: ScoredPair[]): number {
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  const pos = sorted.filter((p) => p.positive).length;
  const neg = sorted.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  let rankSum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j].score === sorted[i].score) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k].positive) rankSum += avgRank;
    i = j;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Every distinct threshold with the confusion figures of "score ≥ threshold → positive". */
export function thresholdSweep(pairs: ScoredPair[]): ThresholdPoint[] {
  const sorted = [...pairs].sort((a, b) => b.score - a.score);
  const pos = sorted.filter((p) => p.positive).length;
  const n = sorted.length;
  const out: ThresholdPoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && sorted[j].score === sorted[i].score) {
      if (sorted[j].positive) tp++;
      else fp++;
      j++;
    }
    const tn = n - pos - fp;
    const precision = tp + fp ? tp / (tp + fp) : 1;
    const recall = pos ? tp / pos : 0;
    out.push({
      threshold: sorted[i].score,
      accuracy: (tp + tn) / n,
      precision,
      recall,
      fpr: n - pos ? fp / (n - pos) : 0,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    });
    i = j;
  }
  return out;
}

export function pairMetrics(pairs: ScoredPair[]): PairMetrics {
  const sweep = thresholdSweep(pairs);
  const pos = pairs.filter((p) => p.positive);
  const neg = pairs.filter((p) => !p.positive);
  const mean = (xs: ScoredPair[]): number => xs.reduce((s, p) => s + p.score, 0) / Math.max(1, xs.length);
  // "Everything negative" is a threshold too (the majority-class baseline the AFQMC README cites).
  const allNegative: ThresholdPoint = {
    threshold: Infinity,
    accuracy: neg.length / Math.max(1, pairs.length),
    precision: 1,
    recall: 0,
    fpr: 0,
    f1: 0,
  };
  const bestAccuracy = sweep.reduce((b, p) => (p.accuracy > b.accuracy ? p : b), allNegative);
  const bestF1 = sweep.reduce((b, p) => (p.f1 > b.f1 ? p : b), allNegative);
  return {
    pairs: pairs.length,
    positives: pos.length,
    rocAuc: rocAuc(pairs),
    bestAccuracy,
    bestF1,
    meanPositive: mean(pos),
    meanNegative: mean(neg),
  };
}
