import { Injectable } from '@nestjs/common';
import hnswlib from 'hnswlib-node';
import { BruteforceVectorIndex, encodeBruteforceFile } from './bruteforce-vector-index.adapter.js';
import { ExactVectorIndex } from './exact-vector-index.js';
import { readThroughFile, writtenBytes } from './scratch-file.js';
import type {
  LoadedVectorIndex,
  MutableIndexKind,
  VectorIndexKind,
  VectorHit,
  VectorIndex,
  VectorIndexFactory,
  VectorIndexOptions,
} from './vector-index.port.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** HNSW defaults; `ef` was chosen with `npm run bench:match` (recall@1 ≥ 0.99 at 100k). */
export const HNSW_DEFAULTS = { m: 16, efConstruction: 200, ef: 64 } as const;

/**
 * hnswlib's index file (hnswalg.h `saveIndex`): a 96-byte header, then the level-0 block of every
 * element (link list, the vector, the 8-byte label), then the upper-level link lists. The vectors and
 * labels are read straight from the level-0 block, so a loaded index needs no second copy of them.
 */
const HEADER_BYTES = 96;
/** `DELETE_MARK`: third byte of an element's level-0 link-list header. */
const DELETED_BYTE = 2;

/** The label → vector table and the deleted labels held in an hnswlib index file. */
export function readHnswFile(buf: Buffer, dim: number): { vectors: (Float32Array | undefined)[]; deleted: number[] } {
  if (buf.byteLength < HEADER_BYTES) throw new Error('hnsw index file is truncated');
  const count = Number(buf.readBigUInt64LE(16));
  const stride = Number(buf.readBigUInt64LE(24));
  const labelOffset = Number(buf.readBigUInt64LE(32));
  const dataOffset = Number(buf.readBigUInt64LE(40));
  if (labelOffset - dataOffset !== dim * 4 || HEADER_BYTES + count * stride > buf.byteLength) {
    throw new Error(`hnsw index file does not hold ${dim}-dimensional float vectors`);
  }
  // One packed copy (the floats are not 4-byte aligned in the file in general), viewed per label.
  const packed = new Float32Array(count * dim);
  const bytes = new Uint8Array(packed.buffer);
  const vectors: (Float32Array | undefined)[] = [];
  const deleted: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = HEADER_BYTES + i * stride;
    const label = Number(buf.readBigUInt64LE(at + labelOffset));
    if (buf[at + DELETED_BYTE] & 1) deleted.push(label);
    bytes.set(buf.subarray(at + dataOffset, at + labelOffset), i * dim * 4);
    vectors[label] = packed.subarray(i * dim, (i + 1) * dim);
  }
  return { vectors, deleted };
}

/** hnswlib-node (cosine space) behind the VectorIndex port. */
export class HnswVectorIndex implements VectorIndex {
  readonly kind = 'hnsw' as const;
  private ef: number;
  /** hnswlib-node takes plain arrays; one reused array avoids an allocation per call. */
  private readonly scratch: number[];
  private readonly deleted: Set<number>;

  constructor(
    private readonly index: Hnsw,
    readonly dim: number,
    ef: number,
    deleted: Iterable<number> = [],
  ) {
    this.ef = ef;
    this.scratch = new Array<number>(dim).fill(0);
    this.deleted = new Set(deleted);
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

  static async load(file: string, opts: VectorIndexOptions, deleted: Iterable<number> = []): Promise<HnswVectorIndex> {
    const index = new HierarchicalNSW('cosine', opts.dim);
    // Async: hnswlib reads the file on a libuv thread, the event loop keeps serving matches.
    await index.readIndex(file, true);
    return new HnswVectorIndex(index, opts.dim, opts.ef ?? HNSW_DEFAULTS.ef, deleted);
  }

  /**
   * An index from the bytes of an hnswlib file (hnswlib-node reads only files: the bytes go through
   * a scratch file), with its vectors read from the same bytes.
   */
  static async fromBuffer(buf: Buffer, opts: VectorIndexOptions): Promise<LoadedVectorIndex> {
    const { vectors, deleted } = readHnswFile(buf, opts.dim);
    const index = await readThroughFile(buf, (file) => HnswVectorIndex.load(file, opts, deleted), opts.scratchDir);
    for (const label of deleted) vectors[label] = undefined;
    return { index, vectors };
  }

  /** Change the search breadth (benchmarks sweep it; the service keeps HNSW_DEFAULTS.ef). */
  setEf(ef: number): void {
    this.ef = ef;
    this.index.setEf(ef);
  }

  size(): number {
    return this.index.getCurrentCount() - this.deleted.size;
  }

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
    this.index.addPoint(this.toArray(vector), label);
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
    const { distances, neighbors } = this.index.searchKnn(this.toArray(query), n);
    if (this.ef < n) this.index.setEf(this.ef);
    // cosine space: distance = 1 - cosine.
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i] }));
  }

  async save(file: string): Promise<void> {
    await this.index.writeIndex(file);
  }

  /** The hnswlib file as bytes (see `fromBuffer`). */
  serialize(scratchDir?: string): Promise<Buffer> {
    return writtenBytes((file) => this.save(file), scratchDir);
  }

  private toArray(v: Float32Array): number[] {
    const a = this.scratch;
    for (let i = 0; i < a.length; i++) a[i] = v[i];
    return a;
  }
}

/** Binds the three adapters. */
@Injectable()
export class DefaultVectorIndexFactory implements VectorIndexFactory {
  create(kind: MutableIndexKind, opts: VectorIndexOptions): VectorIndex {
    return kind === 'hnsw' ? HnswVectorIndex.create(opts) : new ExactVectorIndex(opts.dim, opts.capacity);
  }

  async fromBuffer(kind: VectorIndexKind, buf: Buffer, opts: VectorIndexOptions): Promise<LoadedVectorIndex> {
    switch (kind) {
      case 'hnsw':
        return HnswVectorIndex.fromBuffer(buf, opts);
      case 'exact':
        return ExactVectorIndex.fromBuffer(buf, opts);
      case 'bruteforce':
        return BruteforceVectorIndex.fromBuffer(buf, opts);
    }
  }

  bruteforceBytes(vectors: readonly (Float32Array | undefined)[], dim: number): Buffer {
    return encodeBruteforceFile(vectors, dim);
  }
}
