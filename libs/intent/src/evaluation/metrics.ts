/** Per-class precision, recall and F1 from gold and predicted class names. */
export interface ClassMetrics {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** Rows: gold; columns: predicted; both in `labels` order. */
  confusion: { labels: string[]; matrix: number[][] };
}

export function classificationMetrics(gold: string[], predicted: string[], labels: string[]): ClassificationMetrics {
  const index = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  let correct = 0;
  gold.forEach((g, i) => {
    const gi = index.get(g);
    const pi = index.get(predicted[i]);
    if (gi === undefined || pi === undefined)
      throw new RangeError(`label not in the label list: ${g} / ${predicted[i]}`);
    matrix[gi][pi]++;
    if (gi === pi) correct++;
  });
  const perClass = labels.map((name, k) => {
    const tp = matrix[k][k];
    const support = matrix[k].reduce((a, b) => a + b, 0);
    const predictedK = matrix.reduce((a, row) => a + row[k], 0);
    const precision = predictedK ? tp / predictedK : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { name, precision, recall, f1, support };
  });
  const withSupport = perClass.filter((c) => c.support > 0);
  return {
    accuracy: gold.length ? correct / gold.length : 0,
    macroF1: withSupport.reduce((a, c) => a + c.f1, 0) / (withSupport.length || 1),
    perClass,
    confusion: { labels, matrix },
  };
}

/** Round every number in a JSON-able value (stable, readable reports and metadata). */
export function roundDeep<T>(value: T, digits = 4): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? Number(value.toFixed(digits)) : value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => roundDeep(v, digits)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v, digits)])) as T;
  }
  return value;
}
