/**
 * Adam (Kingma & Ba 2015, https://arxiv.org/abs/1412.6980) with decoupled weight decay
 * (AdamW, Loshchilov & Hutter 2019). Dense parameters step every batch; the embedding table uses the
 * lazy sparse variant (PyTorch SparseAdam): only rows touched in the batch update their moments,
 * which keeps a 2^18-row table affordable in TypeScript.
 */
export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay on dense parameters (not on the sparse table). */
  weightDecay: number;
}

export const DEFAULT_ADAM: AdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export class AdamState {
  readonly m: Float32Array;
  readonly v: Float32Array;

  constructor(size: number) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }
}

/** One Adam step on a dense parameter; `t` is the 1-based step number; `lr` may follow a schedule. */
export function adamStep(
  param: Float32Array,
  grad: Float32Array,
  state: AdamState,
  t: number,
  o: AdamOptions,
  lr = o.lr,
  decay = true,
): void {
  const bc1 = 1 - o.beta1 ** t;
  const bc2 = 1 - o.beta2 ** t;
  const { m, v } = state;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
    const update = m[i] / bc1 / (Math.sqrt(v[i] / bc2) + o.eps);
    param[i] -= lr * (update + (decay ? o.weightDecay * param[i] : 0));
  }
}

/** Lazy Adam step on the listed rows of a row-major table (`rows` ascending for determinism). */
export function sparseAdamStep(
  table: Float32Array,
  dim: number,
  rows: Iterable<number>,
  rowGrad: (row: number) => Float32Array,
  state: AdamState,
  t: number,
  o: AdamOptions,
  lr = o.lr,
): void {
  const bc1 = 1 - o.beta1 ** t;
  const bc2 = 1 - o.beta2 ** t;
  const { m, v } = state;
  for (const r of rows) {
    const g = rowGrad(r);
    const off = r * dim;
    for (let j = 0; j < dim; j++) {
      const k = off + j;
      m[k] = o.beta1 * m[k] + (1 - o.beta1) * g[j];
      v[k] = o.beta2 * v[k] + (1 - o.beta2) * g[j] * g[j];
      table[k] -= (lr * (m[k] / bc1)) / (Math.sqrt(v[k] / bc2) + o.eps);
    }
  }
}
