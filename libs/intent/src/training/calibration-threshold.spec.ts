import { SeededRng, softmax } from '@huashu/ml';
import { calibrationReport, fitTemperature, fitThreshold, thresholdPoint, type ScoredExample } from '@huashu/intent';

/** Labels drawn from softmax(z / T) for random logits z: the true temperature is T. */
function synthetic(trueT: number, n: number, seed: number): { logits: Float32Array[]; labels: number[] } {
  const rng = new SeededRng(seed);
  const logits: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Float32Array.from({ length: 5 }, () => rng.normal() * 4);
    const p = softmax(z, new Float64Array(5), trueT);
    let u = rng.next();
    let label = 0;
    while (label < 4 && u > p[label]) u -= p[label++];
    logits.push(z);
    labels.push(label);
  }
  return { logits, labels };
}

describe('temperature scaling', () => {
  it.each([0.5, 1, 2.5])('recovers the temperature of over/under-confident logits (T=%s)', (trueT) => {
    const { logits, labels } = synthetic(trueT, 1500, 1);
    expect(fitTemperature(logits, labels)).toBeCloseTo(trueT, 0);
    expect(Math.abs(fitTemperature(logits, labels) - trueT) / trueT).toBeLessThan(0.12);
  });

  it('lowers the expected calibration error of over-confident logits', () => {
    const { logits, labels } = synthetic(3, 1500, 2);
    const ece = (t: number) => {
      const conf: number[] = [];
      const correct: boolean[] = [];
      logits.forEach((z, i) => {
        const p = softmax(z, new Float64Array(5), t);
        const top = p.indexOf(Math.max(...p));
        conf.push(p[top]);
        correct.push(top === labels[i]);
      });
      return calibrationReport(conf, correct).ece;
    };
    const t = fitTemperature(logits, labels);
    expect(ece(1)).toBeGreaterThan(0.1);
    expect(ece(t)).toBeLessThan(0.03);
  });

  it('reports reliability bins that add up', () => {
    const r = calibrationReport([0.05, 0.5, 0.55, 0.99], [false, true, false, true], 10);
    expect(r.bins).toHaveLength(10);
    expect(r.bins.reduce((s, b) => s + b.count, 0)).toBe(4);
    expect(r.bins[5]).toEqual({ from: 0.5, to: 0.6, count: 2, meanConfidence: 0.525, accuracy: 0.5 });
    expect(r.ece).toBeCloseTo((1 / 4) * 0.05 + (2 / 4) * 0.025 + (1 / 4) * 0.01, 6);
  });
});

describe('out-of-scope threshold', () => {
  // In-scope examples are confident, out-of-scope ones are not, with overlap in 0.4-0.6.
  const examples: ScoredExample[] = [
    ...[0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.55, 0.45].map((c) => ({ label: 0, top: 0, confidence: c })),
    { label: 1, top: 0, confidence: 0.9 }, // confidently wrong in-scope
    ...[0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.58, 0.65].map((c) => ({ label: -1, top: 1, confidence: c })),
  ];

  it('computes in-scope accuracy, OOS recall and precision at a threshold', () => {
    const p = thresholdPoint(examples, 0.5, -1);
    expect(p.inScopeAccuracy).toBeCloseTo(7 / 9);
    expect(p.oosRecall).toBeCloseTo(5 / 8);
    expect(p.oosPrecision).toBeCloseTo(5 / 6);
    expect(p.balanced).toBeCloseTo((7 / 9 + 5 / 8) / 2);
  });

  it('maximises the mean of in-scope accuracy and OOS recall by default', () => {
    const fitted = fitThreshold(examples, -1);
    const best = Math.max(...Array.from({ length: 101 }, (_, i) => thresholdPoint(examples, i / 100, -1).balanced));
    expect(fitted.point.balanced).toBeCloseTo(best);
    // Above the most confident OOS example (0.65) every OOS is caught and 5 of 9 in-scope kept.
    expect(fitted.threshold).toBeGreaterThan(0.65);
    expect(fitted.threshold).toBeLessThanOrEqual(0.7);
  });

  it('meets a target OOS precision, trading recall', () => {
    const strict = fitThreshold(examples, -1, { kind: 'oos-precision', precision: 1 });
    expect(strict.met).toBe(true);
    expect(strict.point.oosPrecision).toBe(1);
    const loose = fitThreshold(examples, -1, { kind: 'oos-precision', precision: 0.5 });
    expect(loose.point.oosRecall).toBeGreaterThanOrEqual(strict.point.oosRecall);
    const impossible = fitThreshold(
      [
        { label: 0, top: 0, confidence: 0.1 },
        { label: -1, top: 0, confidence: 0.2 },
      ],
      -1,
      { kind: 'oos-precision', precision: 0.9 },
    );
    expect(impossible.met).toBe(false);
  });

  it('treats a prediction of the explicit out-of-scope class as a rejection', () => {
    const withClass: ScoredExample[] = [
      { label: 2, top: 2, confidence: 0.99 },
      { label: 0, top: 0, confidence: 0.99 },
    ];
    const p = thresholdPoint(withClass, 0, 2);
    expect(p).toEqual(expect.objectContaining({ oosRecall: 1, inScopeAccuracy: 1, oosPrecision: 1 }));
  });
});
