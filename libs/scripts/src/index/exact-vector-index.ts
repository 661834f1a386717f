import type { LoadedVectorIndex, VectorHit, VectorIndex, VectorIndexOptions } from './vector-index.port.js';

/**
 * Brute-force cosine search over a packed Float32Array. Written by hand because it is a dozen
 * lines and, below the crossover measured by `npm run bench:match`, faster than any graph index.
 */
export class ExactVectorIndex implements VectorIndex {
  readonly kind = 'exact' as const;
  private data: Float32Array;
  private labels: Int32Array;
  private count = 0;
  private readonly slotOf = new Map<number, number>();

  constructor(
    readonly dim: number,
    capacity = 64,
  ) {
    this.data = new Float32Array(Math.max(1, capacity) * dim);
    this.labels = new Int32Array(Math.max(1, capacity));
  }

  /** An index over vectors already packed row by row (labels 0…n-1), without copying them. */
  static fromPacked(data: Float32Array, dim: number): ExactVectorIndex {
    const index = new ExactVectorIndex(dim, 1);
    const n = data.length / dim;
    index.data = data;
    index.labels = Int32Array.from({ length: n }, (_, i) => i);
    index.count = n;
    for (let i = 0; i < n; i++) index.slotOf.set(i, i);
    return index;
  }

  size(): number {
    return this.count;
  }

  upsert(label: number, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`vector has ${vector.length} dimensions, index ${this.dim}`);
    let slot = this.slotOf.get(label);
    if (slot === undefined) {
      if (this.count === this.labels.length) this.grow();
      slot = this.count++;
      this.slotOf.set(label, slot);
      this.labels[slot] = label;
    }
    this.data.set(vector, slot * this.dim);
  }

  remove(label: number): void {
    const slot = this.slotOf.get(label);
    if (slot === undefined) return;
    // Move the last point into the hole so the packed range stays dense.
    const last = --this.count;
    if (slot !== last) {
      this.data.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      this.labels[slot] = this.labels[last];
      this.slotOf.set(this.labels[slot], slot);
    }
    this.slotOf.delete(label);
  }

  search(query: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.count);
    if (n <= 0) return [];
    // Keep the top n in a small sorted array (n ≤ a few dozen in practice).
    const topSim: number[] = [];
    const topLabel: number[] = [];
    const d = this.dim;
    const data = this.data;
    for (let s = 0; s < this.count; s++) {
      let sim = 0;
      const off = s * d;
      for (let j = 0; j < d; j++) sim += data[off + j] * query[j];
      if (topSim.length === n && sim <= topSim[n - 1]) continue;
      let pos = topSim.length === n ? n - 1 : topSim.length;
      while (pos > 0 && topSim[pos - 1] < sim) pos--;
      topSim.splice(pos, 0, sim);
      topLabel.splice(pos, 0, this.labels[s]);
      if (topSim.length > n) {
        topSim.pop();
        topLabel.pop();
      }
    }
    return topSim.map((similarity, i) => ({ label: topLabel[i], similarity }));
  }

  /** Bytes: the point count (int32), the labels (int32 each), then the packed vectors (float32). */
  serialize(): Promise<Buffer> {
    const n = this.count;
    const buf = Buffer.alloc(4 + n * 4 + n * this.dim * 4);
    buf.writeInt32LE(n, 0);
    Buffer.from(this.labels.buffer, this.labels.byteOffset, n * 4).copy(buf, 4);
    Buffer.from(this.data.buffer, this.data.byteOffset, n * this.dim * 4).copy(buf, 4 + n * 4);
    return Promise.resolve(buf);
  }

  static fromBuffer(buf: Buffer, opts: VectorIndexOptions): LoadedVectorIndex {
    const n = buf.byteLength >= 4 ? buf.readInt32LE(0) : -1;
    if (n < 0 || buf.byteLength !== 4 + n * 4 + n * opts.dim * 4) {
      throw new Error(`exact index bytes do not hold ${opts.dim}-dimensional vectors`);
    }
    // Copies: the buffer's offset need not be 4-byte aligned.
    const labels = new Int32Array(n);
    new Uint8Array(labels.buffer).set(buf.subarray(4, 4 + n * 4));
    const data = new Float32Array(n * opts.dim);
    new Uint8Array(data.buffer).set(buf.subarray(4 + n * 4));
    const index = new ExactVectorIndex(opts.dim, Math.max(n, opts.capacity));
    const vectors: (Float32Array | undefined)[] = [];
    for (let s = 0; s < n; s++) {
      vectors[labels[s]] = data.subarray(s * opts.dim, (s + 1) * opts.dim);
      index.upsert(labels[s], vectors[labels[s]] as Float32Array);
    }
    return { index, vectors };
  }

  private grow(): void {
    const cap = this.labels.length * 2;
    const data = new Float32Array(cap * this.dim);
    data.set(this.data);
    const labels = new Int32Array(cap);
    labels.set(this.labels);
    this.data = data;
    this.labels = labels;
  }
}
