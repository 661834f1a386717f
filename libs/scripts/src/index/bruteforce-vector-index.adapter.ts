import hnswlib from 'hnswlib-node';
import { readThroughFile, writtenBytes } from './scratch-file.js';
import type { LoadedVectorIndex, VectorHit, VectorIndex, VectorIndexOptions } from './vector-index.port.js';

const { BruteforceSearch } = hnswlib;
type Bruteforce = InstanceType<typeof BruteforceSearch>;

/**
 * hnswlib's brute-force file (bruteforce.h `saveIndex`): max elements, bytes per element and the
 * element count (three uint64 LE), then per element its float32 vector and its uint64 label.
 */
const HEADER_BYTES = 24;
const LABEL_BYTES = 8;

/** The hnswlib brute-force file of a label → vector table (holes skipped). */
export function encodeBruteforceFile(vectors: readonly (Float32Array | undefined)[], dim: number): Buffer {
  const live = vectors.flatMap((v, label) => (v ? [label] : []));
  const stride = dim * 4 + LABEL_BYTES;
  const buf = Buffer.alloc(HEADER_BYTES + live.length * stride);
  buf.writeBigUInt64LE(BigInt(live.length), 0);
  buf.writeBigUInt64LE(BigInt(stride), 8);
  buf.writeBigUInt64LE(BigInt(live.length), 16);
  live.forEach((label, i) => {
    const v = vectors[label] as Float32Array;
    if (v.length !== dim) throw new Error(`vector ${label} has ${v.length} dimensions, index ${dim}`);
    const at = HEADER_BYTES + i * stride;
    buf.set(new Uint8Array(v.buffer, v.byteOffset, dim * 4), at);
    // Labels are array indexes (< 2^32): the high word of the uint64 stays 0 from Buffer.alloc.
    buf.writeUInt32LE(label, at + dim * 4);
  });
  return buf;
}

/** The label → vector table of a brute-force file (one packed copy, viewed per label). */
export function readBruteforceFile(buf: Buffer, dim: number): (Float32Array | undefined)[] {
  const stride = dim * 4 + LABEL_BYTES;
  const count = buf.byteLength >= HEADER_BYTES ? Number(buf.readBigUInt64LE(16)) : -1;
  if (
    count < 0 ||
    Number(buf.readBigUInt64LE(8)) !== stride ||
    Number(buf.readBigUInt64LE(0)) !== count ||
    buf.byteLength !== HEADER_BYTES + count * stride
  ) {
    throw new Error(`brute-force index bytes do not hold ${dim}-dimensional float vectors`);
  }
  const packed = new Float32Array(count * dim);
  const bytes = new Uint8Array(packed.buffer);
  const vectors: (Float32Array | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    const at = HEADER_BYTES + i * stride;
    bytes.set(buf.subarray(at, at + dim * 4), i * dim * 4);
    const label = buf.readUInt32LE(at + dim * 4) + buf.readUInt32LE(at + dim * 4 + 4) * 2 ** 32;
    vectors[label] = packed.subarray(i * dim, (i + 1) * dim);
  }
  return vectors;
}

/**
 * Exact search over a large published library while its HNSW graph is being built: hnswlib's
 * native brute-force scan (SIMD inner product; unit vectors, so 1 − distance is the cosine) is an
 * order of magnitude faster than the JS scan of `ExactVectorIndex` at 10k scripts (`npm run
 * bench:match`). It is a published version's stand-in, so it is read-only: hnswlib's loader does not
 * rebuild the label table that updates need.
 */
export class BruteforceVectorIndex implements VectorIndex {
  readonly kind = 'bruteforce' as const;
  private readonly scratch: number[];

  private constructor(
    private readonly index: Bruteforce,
    readonly dim: number,
    private readonly count: number,
  ) {
    this.scratch = new Array<number>(dim).fill(0);
  }

  /** Load what `encodeBruteforceFile` wrote (through a scratch file: hnswlib-node reads only files, off the event loop). */
  static async fromBuffer(buf: Buffer, opts: VectorIndexOptions): Promise<LoadedVectorIndex> {
    const vectors = readBruteforceFile(buf, opts.dim);
    const index = new BruteforceSearch('ip', opts.dim);
    await readThroughFile(buf, (file) => index.readIndex(file), opts.scratchDir);
    return { index: new BruteforceVectorIndex(index, opts.dim, index.getCurrentCount()), vectors };
  }

  size(): number {
    return this.count;
  }

  upsert(): void {
    throw new Error('a brute-force index is a published version and cannot change');
  }

  remove(): void {
    throw new Error('a brute-force index is a published version and cannot change');
  }

  search(query: Float32Array, k: number): VectorHit[] {
    const n = Math.min(k, this.count);
    if (n <= 0) return [];
    const a = this.scratch;
    for (let i = 0; i < a.length; i++) a[i] = query[i];
    const { distances, neighbors } = this.index.searchKnn(a, n);
    // ip space: distance = 1 - dot product.
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i] }));
  }

  serialize(scratchDir?: string): Promise<Buffer> {
    return writtenBytes((file) => this.index.writeIndex(file), scratchDir);
  }
}
