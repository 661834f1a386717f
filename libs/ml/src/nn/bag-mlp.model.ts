import type { SparseFeatures } from '../text/hashed-featuriser.js';
import { AdamState, adamStep, sparseAdamStep, type AdamOptions } from './adam.js';
import { addOuter, matrix, matVec, vecMat, xavierUniform, type Matrix } from './dense.js';
import { smoothedCrossEntropy, softmax } from './loss.js';
import type { SeededRng } from './rng.js';

/** Shape of an "embedding bag → hidden → softmax" classifier (fastText with one hidden layer). */
export interface BagMlpShape {
  /** Rows of the embedding table (= featuriser buckets). */
  buckets: number;
  /** Embedding width. */
  dim: number;
  /** Hidden ReLU units; 0 = no hidden layer (bag → logits, plain fastText). */
  hidden: number;
  /** Output classes. */
  classes: number;
}

/** Weights of a BagMlp; row-major Float32Arrays (the ONNX writer exports exactly these). */
export interface BagMlpWeights {
  /** buckets × dim */
  embedding: Float32Array;
  /** dim × hidden (absent when hidden = 0) */
  w1?: Matrix;
  b1?: Float32Array;
  /** (hidden || dim) × classes */
  w2: Matrix;
  b2: Float32Array;
}

export interface TrainStepOptions {
  adam: AdamOptions;
  /** Learning rate of this step (schedules live in the caller). */
  lr: number;
  /** Dropout probability on the bag and on the hidden layer. */
  dropout: number;
  /** Label smoothing ε. */
  smoothing: number;
}

export interface LabelledFeatures {
  features: SparseFeatures;
  label: number;
}

/**
 * The model, its reference forward pass (what the ONNX export is checked against) and its
 * backward pass with Adam. Forward: e = Σ_j w_j·E[id_j]; h = relu(e·W1 + b1); logits = h·W2 + b2.
 */
export class BagMlpModel {
  private readonly states: { emb: AdamState; w1?: AdamState; b1?: AdamState; w2: AdamState; b2: AdamState };
  private t = 0;

  constructor(
    readonly shape: BagMlpShape,
    readonly weights: BagMlpWeights,
  ) {
    const { buckets, dim, hidden, classes } = shape;
    if (weights.embedding.length !== buckets * dim) throw new RangeError('embedding size does not match the shape');
    if (weights.w2.rows !== (hidden || dim) || weights.w2.cols !== classes) throw new RangeError('w2 shape mismatch');
    this.states = {
      emb: new AdamState(buckets * dim),
      w1: hidden ? new AdamState(dim * hidden) : undefined,
      b1: hidden ? new AdamState(hidden) : undefined,
      w2: new AdamState(weights.w2.data.length),
      b2: new AdamState(classes),
    };
  }

  /** A freshly initialised model (fastText-style uniform embedding, Xavier dense layers). */
  static init(shape: BagMlpShape, rng: SeededRng): BagMlpModel {
    const { buckets, dim, hidden, classes } = shape;
    const embedding = new Float32Array(buckets * dim);
    const a = 1 / dim;
    for (let i = 0; i < embedding.length; i++) embedding[i] = rng.uniform(-a, a);
    const rand = () => rng.next();
    const weights: BagMlpWeights = {
      embedding,
      w1: hidden ? xavierUniform(matrix(dim, hidden), rand) : undefined,
      b1: hidden ? new Float32Array(hidden) : undefined,
      w2: xavierUniform(matrix(hidden || dim, classes), rand),
      b2: new Float32Array(classes),
    };
    return new BagMlpModel(shape, weights);
  }

  /** The bag vector e of one example. */
  bag(f: SparseFeatures, out = new Float32Array(this.shape.dim)): Float32Array {
    const { dim } = this.shape;
    const E = this.weights.embedding;
    out.fill(0);
    for (let j = 0; j < f.ids.length; j++) {
      const w = f.weights[j];
      const off = f.ids[j] * dim;
      for (let d = 0; d < dim; d++) out[d] += w * E[off + d];
    }
    return out;
  }

  /** Reference forward pass: logits of one example (no dropout). */
  logits(f: SparseFeatures): Float32Array {
    const { hidden, classes } = this.shape;
    const e = this.bag(f);
    const { w1, b1, w2, b2 } = this.weights;
    const h = w1 && b1 ? vecMat(e, w1, b1, new Float32Array(hidden)).map((v) => (v > 0 ? v : 0)) : e;
    return vecMat(h, w2, b2, new Float32Array(classes));
  }

  /** softmax(logits / temperature). */
  probabilities(f: SparseFeatures, temperature = 1): Float32Array {
    return softmax(this.logits(f), new Float32Array(this.shape.classes), temperature) as Float32Array;
  }

  /** One mini-batch of Adam with dropout and label smoothing; returns the mean loss. */
  trainStep(batch: LabelledFeatures[], rng: SeededRng, o: TrainStepOptions): number {
    const { dim, hidden, classes } = this.shape;
    const { w1, b1, w2, b2, embedding } = this.weights;
    const gW1 = w1 ? matrix(w1.rows, w1.cols) : undefined;
    const gB1 = b1 ? new Float32Array(b1.length) : undefined;
    const gW2 = matrix(w2.rows, w2.cols);
    const gB2 = new Float32Array(classes);
    const gRows = new Map<number, Float32Array>();
    const keep = 1 - o.dropout;
    const scale = 1 / batch.length;
    let loss = 0;

    const e = new Float32Array(dim);
    const h = new Float32Array(hidden);
    const logits = new Float32Array(classes);
    const gLogits = new Float32Array(classes);
    const gH = new Float32Array(hidden || dim);
    const gE = new Float32Array(dim);
    const maskE = new Float32Array(dim);
    const maskH = new Float32Array(hidden);

    for (const { features, label } of batch) {
      this.bag(features, e);
      for (let d = 0; d < dim; d++) {
        maskE[d] = o.dropout > 0 ? (rng.next() < keep ? 1 / keep : 0) : 1;
        e[d] *= maskE[d];
      }
      let top = e;
      if (w1 && b1) {
        vecMat(e, w1, b1, h);
        for (let k = 0; k < hidden; k++) {
          maskH[k] = h[k] > 0 ? (o.dropout > 0 ? (rng.next() < keep ? 1 / keep : 0) : 1) : 0;
          h[k] *= maskH[k];
        }
        top = h;
      }
      vecMat(top, w2, b2, logits);
      loss += smoothedCrossEntropy(logits, label, o.smoothing, gLogits, scale);

      addOuter(gW2, top, gLogits);
      for (let c = 0; c < classes; c++) gB2[c] += gLogits[c];
      matVec(w2, gLogits, gH);
      if (w1 && gW1 && gB1) {
        for (let k = 0; k < hidden; k++) gH[k] *= maskH[k];
        addOuter(gW1, e, gH);
        for (let k = 0; k < hidden; k++) gB1[k] += gH[k];
        matVec(w1, gH, gE);
      } else {
        gE.set(gH);
      }
      for (let d = 0; d < dim; d++) gE[d] *= maskE[d];
      for (let j = 0; j < features.ids.length; j++) {
        const id = features.ids[j];
        let g = gRows.get(id);
        if (!g) gRows.set(id, (g = new Float32Array(dim)));
        const w = features.weights[j];
        for (let d = 0; d < dim; d++) g[d] += w * gE[d];
      }
    }

    this.t++;
    const rows = [...gRows.keys()].sort((a, b) => a - b);
    sparseAdamStep(embedding, dim, rows, (r) => gRows.get(r)!, this.states.emb, this.t, o.adam, o.lr);
    if (w1 && gW1 && this.states.w1) adamStep(w1.data, gW1.data, this.states.w1, this.t, o.adam, o.lr);
    if (b1 && gB1 && this.states.b1) adamStep(b1, gB1, this.states.b1, this.t, o.adam, o.lr, false);
    adamStep(w2.data, gW2.data, this.states.w2, this.t, o.adam, o.lr);
    adamStep(b2, gB2, this.states.b2, this.t, o.adam, o.lr, false);
    return loss / batch.length;
  }

  /** A copy with every weight passed through `f` (e.g. fp16 or int8 round trips). */
  mapWeights(f: (name: keyof BagMlpWeights, values: Float32Array, cols: number) => Float32Array): BagMlpModel {
    const { w1, b1, w2, b2, embedding } = this.weights;
    return new BagMlpModel(this.shape, {
      embedding: f('embedding', embedding, this.shape.dim),
      w1: w1 ? matrix(w1.rows, w1.cols, f('w1', w1.data, w1.cols)) : undefined,
      b1: b1 ? f('b1', b1, b1.length) : undefined,
      w2: matrix(w2.rows, w2.cols, f('w2', w2.data, w2.cols)),
      b2: f('b2', b2, b2.length),
    });
  }
}
