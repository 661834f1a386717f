import {
  AdamState,
  DEFAULT_ADAM,
  sparseAdamStep,
  type AdamOptions,
  type SeededRng,
  type SparseFeatures,
} from '@huashu/ml';
import type { SentenceEncoderModel } from '../builtin/sentence-encoder.model.js';

/** Texts that mean the same thing (a paraphrase group, one intent, or one script and its augmentation). */
export interface TrainingGroup {
  texts: SparseFeatures[];
  /** Close in wording, different in meaning: extra negatives for every pair of this group. */
  negatives: SparseFeatures[];
  /** Loss weight of the group's pairs (weak supervision such as "same intent" counts less). */
  weight: number;
  /** One text only: the positive is the text with features dropped (SimCSE-style augmentation). */
  augment?: boolean;
  /** Pairs this group gives per epoch at most (a large intent must not crowd out the rest). */
  maxPairs?: number;
}

export interface ContrastiveOptions {
  epochs: number;
  batchSize: number;
  /** Peak learning rate (linear warm-up over the first 5% of steps, then linear decay to 10%). */
  lr: number;
  /** Softmax temperature of the similarity logits. */
  temperature: number;
  /** Share of features dropped from an augmented positive. */
  featureDropout: number;
  adam?: Partial<AdamOptions>;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  steps: number;
}

interface Pair {
  group: number;
  anchor: SparseFeatures;
  positive: SparseFeatures;
  negative?: SparseFeatures;
  weight: number;
}

/**
 * Contrastive training with in-batch negatives (InfoNCE, symmetric; Oord et al. 2018,
 * https://arxiv.org/abs/1807.03748; as in SimCSE/sentence-transformers' MultipleNegativesRankingLoss):
 * each anchor must pick its positive among every positive and hard negative in the batch. A batch
 * never holds two pairs of one group, so no positive is ever used as a negative. Backward pass by
 * hand through the cosine and the L2 normalisation; lazy sparse Adam on the touched table rows.
 * Deterministic: the same rng seed and data give the same table, bit for bit.
 */
export class ContrastiveTrainer {
  private readonly adam: AdamOptions;
  private readonly state: AdamState;
  private step = 0;

  constructor(
    private readonly model: SentenceEncoderModel,
    private readonly opts: ContrastiveOptions,
    private readonly rng: SeededRng,
  ) {
    this.adam = { ...DEFAULT_ADAM, ...opts.adam };
    this.state = new AdamState(model.table.length);
  }

  /** Batches in one epoch of these groups (for progress bars). */
  stepsPerEpoch(groups: TrainingGroup[]): number {
    const pairs = groups.reduce(
      (n, g) => n + (g.augment ? 1 : Math.min(g.maxPairs ?? Infinity, Math.floor(g.texts.length / 2))),
      0,
    );
    return Math.ceil(pairs / this.opts.batchSize);
  }

  /** Train for `opts.epochs`; `onEpoch` is called after every epoch (progress). */
  train(groups: TrainingGroup[], onEpoch: (r: EpochReport) => void = () => undefined): EpochReport[] {
    const total = this.opts.epochs * this.stepsPerEpoch(groups);
    const reports: EpochReport[] = [];
    for (let epoch = 1; epoch <= this.opts.epochs; epoch++) {
      let sum = 0;
      let steps = 0;
      for (const batch of this.batches(this.pairs(groups))) {
        const loss = this.trainBatch(batch, this.lrAt(this.step, total));
        sum += loss;
        steps++;
      }
      const report = { epoch, loss: steps ? sum / steps : 0, steps };
      reports.push(report);
      onEpoch(report);
    }
    return reports;
  }

  private lrAt(step: number, total: number): number {
    const warm = Math.max(1, Math.round(total * 0.05));
    if (step < warm) return (this.opts.lr * (step + 1)) / warm;
    return this.opts.lr * Math.max(0.1, 1 - (step - warm) / Math.max(1, total - warm));
  }

  /** One epoch's pairs: each group's texts shuffled and paired off; single texts paired with an augmentation. */
  private pairs(groups: TrainingGroup[]): Pair[] {
    const out: Pair[] = [];
    groups.forEach((g, gi) => {
      const pickNeg = (): SparseFeatures | undefined =>
        g.negatives.length ? g.negatives[this.rng.int(g.negatives.length)] : undefined;
      if (g.augment) {
        out.push({
          group: gi,
          anchor: g.texts[0],
          positive: this.dropFeatures(g.texts[0]),
          negative: pickNeg(),
          weight: g.weight,
        });
        return;
      }
      const order = this.rng.shuffle(g.texts.map((_, i) => i));
      const limit = Math.min(order.length, 2 * (g.maxPairs ?? Infinity));
      for (let i = 0; i + 1 < limit; i += 2) {
        out.push({
          group: gi,
          anchor: g.texts[order[i]],
          positive: g.texts[order[i + 1]],
          negative: pickNeg(),
          weight: g.weight,
        });
      }
    });
    return this.rng.shuffle(out);
  }

  /** Fill batches in order, deferring a pair whose group is already in the current batch. */
  private *batches(pairs: Pair[]): Generator<Pair[]> {
    let pending = pairs;
    while (pending.length) {
      const batch: Pair[] = [];
      const seen = new Set<number>();
      const rest: Pair[] = [];
      for (const p of pending) {
        if (batch.length < this.opts.batchSize && !seen.has(p.group)) {
          batch.push(p);
          seen.add(p.group);
        } else rest.push(p);
      }
      yield batch;
      pending = rest;
    }
  }

  private dropFeatures(f: SparseFeatures): SparseFeatures {
    const keep: number[] = [];
    for (let k = 0; k < f.ids.length; k++) if (this.rng.next() >= this.opts.featureDropout) keep.push(k);
    if (keep.length === 0) keep.push(this.rng.int(f.ids.length));
    const total = keep.reduce((s, k) => s + f.weights[k], 0);
    return {
      ids: Int32Array.from(keep, (k) => f.ids[k]),
      weights: Float32Array.from(keep, (k) => f.weights[k] / total),
    };
  }

  /** Forward, loss, backward and one Adam step on one batch; returns the batch loss. */
  trainBatch(batch: Pair[], lr: number): number {
    const { dim } = this.model.shape;
    const tau = this.opts.temperature;
    const B = batch.length;
    const anchors = batch.map((p) => this.model.encode(p.anchor));
    const candFeatures = [...batch.map((p) => p.positive), ...batch.flatMap((p) => (p.negative ? [p.negative] : []))];
    const cands = candFeatures.map((f) => this.model.encode(f));
    const C = cands.length;
    const lambda = batch.map((p) => p.weight);
    const lambdaSum = lambda.reduce((a, b) => a + b, 0);

    const S = new Float64Array(B * C);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < C; j++) {
        let s = 0;
        const a = anchors[i].unit;
        const c = cands[j].unit;
        for (let k = 0; k < dim; k++) s += a[k] * c[k];
        S[i * C + j] = s / tau;
      }
    }
    // dL/dS: half from anchor→candidates rows, half from positive→anchors columns.
    const dS = new Float64Array(B * C);
    let loss = 0;
    for (let i = 0; i < B; i++) {
      let max = -Infinity;
      for (let j = 0; j < C; j++) max = Math.max(max, S[i * C + j]);
      let z = 0;
      for (let j = 0; j < C; j++) z += Math.exp(S[i * C + j] - max);
      const w = (0.5 * lambda[i]) / lambdaSum;
      loss += w * (Math.log(z) + max - S[i * C + i]);
      for (let j = 0; j < C; j++) dS[i * C + j] += w * (Math.exp(S[i * C + j] - max) / z - (i === j ? 1 : 0));
    }
    for (let j = 0; j < B; j++) {
      let max = -Infinity;
      for (let i = 0; i < B; i++) max = Math.max(max, S[i * C + j]);
      let z = 0;
      for (let i = 0; i < B; i++) z += Math.exp(S[i * C + j] - max);
      const w = (0.5 * lambda[j]) / lambdaSum;
      loss += w * (Math.log(z) + max - S[j * C + j]);
      for (let i = 0; i < B; i++) dS[i * C + j] += w * (Math.exp(S[i * C + j] - max) / z - (i === j ? 1 : 0));
    }

    const grads = new Map<number, Float32Array>();
    const backprop = (enc: { unit: Float32Array; norm: number }, du: Float64Array, f: SparseFeatures): void => {
      if (enc.norm === 0) return;
      let proj = 0;
      for (let k = 0; k < dim; k++) proj += enc.unit[k] * du[k];
      const dv = new Float64Array(dim);
      for (let k = 0; k < dim; k++) dv[k] = (du[k] - enc.unit[k] * proj) / enc.norm;
      for (let n = 0; n < f.ids.length; n++) {
        const w = f.weights[n];
        if (w === 0) continue;
        let g = grads.get(f.ids[n]);
        if (!g) grads.set(f.ids[n], (g = new Float32Array(dim)));
        for (let k = 0; k < dim; k++) g[k] += w * dv[k];
      }
    };
    for (let i = 0; i < B; i++) {
      const du = new Float64Array(dim);
      for (let j = 0; j < C; j++) {
        const d = dS[i * C + j] / tau;
        if (d === 0) continue;
        const c = cands[j].unit;
        for (let k = 0; k < dim; k++) du[k] += d * c[k];
      }
      backprop(anchors[i], du, batch[i].anchor);
    }
    for (let j = 0; j < C; j++) {
      const du = new Float64Array(dim);
      for (let i = 0; i < B; i++) {
        const d = dS[i * C + j] / tau;
        if (d === 0) continue;
        const a = anchors[i].unit;
        for (let k = 0; k < dim; k++) du[k] += d * a[k];
      }
      backprop(cands[j], du, candFeatures[j]);
    }
    this.step++;
    const rows = [...grads.keys()].sort((a, b) => a - b);
    sparseAdamStep(this.model.table, dim, rows, (r) => grads.get(r)!, this.state, this.step, this.adam, lr);
    return loss;
  }
}
