import { softmax } from '@huashu/ml';

/**
 * Temperature scaling (Guo et al. 2017, https://arxiv.org/abs/1706.04599): one scalar T fitted on
 * held-out logits to minimise the negative log-likelihood of softmax(logits / T). It changes
 * confidences, never the argmax. NLL is unimodal in log T, so a golden-section search over
 * log T ∈ [ln 0.05, ln 20] finds it deterministically.
 */
export function fitTemperature(logits: Float32Array[], labels: number[]): number {
  if (logits.length === 0) return 1;
  const nllAt = (logT: number): number => {
    const t = Math.exp(logT);
    let s = 0;
    const p = new Float64Array(logits[0].length);
    logits.forEach((l, i) => {
      softmax(l, p, t);
      s -= Math.log(Math.max(p[labels[i]], 1e-12));
    });
    return s / logits.length;
  };
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nllAt(a);
  let fb = nllAt(b);
  for (let i = 0; i < 40; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nllAt(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nllAt(b);
    }
  }
  // Rounded so that metadata (and the ONNX constant) do not carry noise digits.
  return Number(Math.exp((lo + hi) / 2).toFixed(4));
}

export interface ReliabilityBin {
  /** Lower edge of the confidence bin. */
  from: number;
  to: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

/**
 * Expected calibration error (Naeini et al. 2015) over `bins` equal-width confidence bins:
 * Σ_b |B|/n · |acc(B) − conf(B)|, with the bins for the reliability diagram.
 */
export function calibrationReport(
  confidences: number[],
  correct: boolean[],
  bins = 15,
): { ece: number; bins: ReliabilityBin[] } {
  const acc = Array.from({ length: bins }, (_, i) => ({
    from: i / bins,
    to: (i + 1) / bins,
    count: 0,
    conf: 0,
    hits: 0,
  }));
  confidences.forEach((c, i) => {
    const b = acc[Math.min(bins - 1, Math.floor(c * bins))];
    b.count++;
    b.conf += c;
    if (correct[i]) b.hits++;
  });
  const n = confidences.length || 1;
  let ece = 0;
  const out = acc.map((b) => {
    const meanConfidence = b.count ? b.conf / b.count : 0;
    const accuracy = b.count ? b.hits / b.count : 0;
    ece += (b.count / n) * Math.abs(accuracy - meanConfidence);
    return { from: b.from, to: b.to, count: b.count, meanConfidence, accuracy };
  });
  return { ece, bins: out };
}
