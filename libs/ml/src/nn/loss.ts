/** Numerically stable softmax of `logits / temperature` into `out`. */
export function softmax(logits: ArrayLike<number>, out: Float32Array | Float64Array, temperature = 1): typeof out {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i] / temperature - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < logits.length; i++) out[i] /= sum;
  return out;
}

/**
 * Cross-entropy with label smoothing (Szegedy et al. 2016, https://arxiv.org/abs/1512.00567): the
 * target puts 1-ε on the true class and ε/K on every class, which keeps the sparse model from
 * driving logits to extremes (over-confident outputs the seed warns about).
 * Writes dL/dlogits into `grad` (scaled by `scale`, e.g. 1/batch) and returns the loss.
 */
export function smoothedCrossEntropy(
  logits: Float32Array,
  label: number,
  smoothing: number,
  grad: Float32Array,
  scale = 1,
): number {
  const k = logits.length;
  const p = softmax(logits, new Float64Array(k));
  let loss = 0;
  for (let i = 0; i < k; i++) {
    const target = (i === label ? 1 - smoothing : 0) + smoothing / k;
    loss -= target * Math.log(Math.max(p[i], 1e-12));
    grad[i] = (p[i] - target) * scale;
  }
  return loss;
}

/** Negative log-likelihood of `label` under softmax(logits / T). */
export function nll(logits: ArrayLike<number>, label: number, temperature = 1): number {
  const p = softmax(logits, new Float64Array(logits.length), temperature);
  return -Math.log(Math.max(p[label], 1e-12));
}
