import { Injectable } from '@nestjs/common';
import hnswlib from 'hnswlib-node';
import { ExactVectorIndex } from './exact-vector-index.js';
import type { VectorHit, VectorIndex, VectorIndexFactory, VectorIndexOptions } from './vector-index.port.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** HNSW defaults; `ef` was chosen with `npm run bench:match` (recall@1 ≥ 0.99 at 100k). */
export const HNSW_DEFAULTS = { m: 16, efConstruction: 200, ef: 64 } as const;

/** hnswlib-node (cosine space) behind the VectorIndex port. */
export class HnswVectorIndex implements VectorIndex {
  readonly kind = 'hnsw' as const;
  private ef: number;

  constructor(
    private readonly index: Hnsw,
    readonly dim: number,
    ef: number,
  ) {
    this.ef = ef;
    // hnswlib resets ef to 10 on every init/read; without this recall collapses.
    this.index.setEf(ef);
  }

  static create(opts: VectorIndexOptions): HnswVectorIndex {
    const index = new HierarchicalNSW('cosine', opts.dim);
    index.initIndex({
      maxElements: Math.max(16, opts.capacity),
      m: opts.m ?? HNSW_DEFAULTS.m,
      efConstruction: opts.efConstruction ?? HNSW_DEFAULTS.efConstruction,
      randomSeed: 100,
      // Draft edits delete and re-add points; reusing deleted slots keeps the graph from growing.
      allowReplaceDeleted: true,
    });
    return new HnswVectorIndex(index, opts.dim, opts.ef ?? HNSW_DEFAULTS.ef);
  }

  static async load(file: string, opts: VectorIndexOptions): Promise<HnswVectorIndex> {
    const index = new HierarchicalNSW('cosine', opts.dim);
    await index.readIndex(file, true);
    return new HnswVectorIndex(index, opts.dim, opts.ef ?? HNSW_DEFAULTS.ef);
  }

  /** Change the search breadth (benchmarks sweep it; the service keeps HNSW_DEFAULTS.ef). */
  setEf(ef: number): void {
    this.ef = ef;
    this.index.setEf(ef);
  }

  size(): number {
    return this.index.getCurrentCount() - this.deleted.size;
  }

  private readonly deleted = new Set<number>();

  upsert(label: number, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`vector has ${vector.length} dimensions, index ${this.dim}`);
    if (this.deleted.has(label)) {
      this.index.unmarkDelete(label);
      this.deleted.delete(label);
    }
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) {
      this.index.resizeIndex(this.index.getMaxElements() * 2);
    }
    // addPoint on an existing label updates its vector (hnswlib updatePoint).
    this.index.addPoint(Array.from(vector), label);
  }

  remove(label: number): void {
    if (this.deleted.has(label)) return;
    try {
      this.index.markDelete(label);
      this.deleted.add(label);
    } catch {
      // Unknown label: nothing to remove.
    }
  }

  search(query: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.size());
    if (n <= 0) return [];
    if (this.ef < n) this.index.setEf(n);
    const { distances, neighbors } = this.index.searchKnn(Array.from(query), n);
    if (this.ef < n) this.index.setEf(this.ef);
    // cosine space: distance = 1 - cosine.
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i] }));
  }

  async save(file: string): Promise<void> {
    await this.index.writeIndex(file);
  }
}

/** Binds both adapters. */
@Injectable()
export class DefaultVectorIndexFactory implements VectorIndexFactory {
  create(kind: 'hnsw' | 'exact', opts: VectorIndexOptions): VectorIndex {
    return kind === 'hnsw' ? HnswVectorIndex.create(opts) : new ExactVectorIndex(opts.dim, opts.capacity);
  }

  load(file: string, opts: VectorIndexOptions): Promise<VectorIndex> {
    return HnswVectorIndex.load(file, opts);
  }
}
