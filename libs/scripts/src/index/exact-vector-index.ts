import type { VectorHit, VectorIndex } from './vector-index.port.js';

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

  save(): Promise<void> {
    return Promise.resolve();
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
