import type { SeededRng, SparseFeatures } from '@huashu/ml';

/** Shape of the built-in encoder: a hashed n-gram table projected to `dim`. */
export interface SentenceEncoderShape {
  /** Rows of the table (= featuriser buckets). */
  buckets: number;
  /** Embedding width. */
  dim: number;
}

/** A text's embedding before and after normalisation (the trainer needs both). */
export interface Encoded {
  /** Unit vector (zero when the text has no features). */
  unit: Float32Array;
  /** Length of the un-normalised bag Σ w_j·E[id_j]. */
  norm: number;
}

/**
 * The built-in sentence encoder: e = Σ_j w_j·E[id_j] over the hashed n-gram features of a text,
 * then L2-normalised (so cosine = dot product). The reference forward pass; the ONNX export
 * computes the same thing and is checked against it.
 */
export class SentenceEncoderModel {
  constructor(
    readonly shape: SentenceEncoderShape,
    /** buckets × dim, row-major. */
    readonly table: Float32Array,
  ) {
    if (table.length !== shape.buckets * shape.dim) throw new RangeError('table size does not match the shape');
  }

  /**
   * Random init: each row a Gaussian with standard deviation scale(row)/√dim. An untrained table is
   * a random projection of the weighted n-gram bag, which keeps lexical-overlap cosine
   * (Johnson–Lindenstrauss); rows never seen in training stay exactly that, so unseen wording still
   * compares sensibly. `scale` lets the caller weight rows (IDF).
   */
  static init(
    shape: SentenceEncoderShape,
    rng: SeededRng,
    scale: (row: number) => number = () => 1,
  ): SentenceEncoderModel {
    const { buckets, dim } = shape;
    const table = new Float32Array(buckets * dim);
    const std = 1 / Math.sqrt(dim);
    for (let r = 0; r < buckets; r++) {
      const s = std * scale(r);
      for (let j = 0; j < dim; j++) table[r * dim + j] = rng.normal() * s;
    }
    return new SentenceEncoderModel(shape, table);
  }

  encode(f: SparseFeatures): Encoded {
    const { dim } = this.shape;
    const v = new Float32Array(dim);
    for (let k = 0; k < f.ids.length; k++) {
      const w = f.weights[k];
      if (w === 0) continue;
      const off = f.ids[k] * dim;
      for (let j = 0; j < dim; j++) v[j] += w * this.table[off + j];
    }
    let ss = 0;
    for (let j = 0; j < dim; j++) ss += v[j] * v[j];
    const norm = Math.sqrt(ss);
    if (norm > 0) for (let j = 0; j < dim; j++) v[j] /= norm;
    return { unit: v, norm };
  }

  /** The same model with its table replaced (e.g. by what an exported precision stores). */
  withTable(table: Float32Array): SentenceEncoderModel {
    return new SentenceEncoderModel(this.shape, table);
  }
}
