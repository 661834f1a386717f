/** One hit of a vector search: the label and the cosine similarity. */
export interface VectorHit {
  label: number;
  similarity: number;
}

/**
 * `hnsw`: hnswlib graph (approximate, large libraries); `exact`: JS scan (faster below a measured
 * size); `bruteforce`: hnswlib's native exact scan, read-only, serving a large published version
 * until its HNSW graph is ready.
 */
export type VectorIndexKind = 'hnsw' | 'exact' | 'bruteforce';
/** Kinds that can be created empty and updated point by point. */
export type MutableIndexKind = Exclude<VectorIndexKind, 'bruteforce'>;

/**
 * Port of a cosine vector index over unit-length vectors with integer labels. Adapters: hnswlib
 * (approximate, for large libraries), exact brute force in JS (faster below a measured size) and
 * hnswlib's native brute force (a large version's stand-in while its graph is built).
 */
export interface VectorIndex {
  readonly kind: VectorIndexKind;
  readonly dim: number;
  /** Points currently searchable. */
  size(): number;
  /** Add or replace the vector of a label. */
  upsert(label: number, vector: Float32Array): void;
  remove(label: number): void;
  search(query: Float32Array, k: number): VectorHit[];
  /** The index as bytes, loadable with `VectorIndexFactory.fromBuffer` (graph and vectors in one). */
  serialize(scratchDir?: string): Promise<Buffer>;
}

export interface VectorIndexOptions {
  dim: number;
  /** Expected number of points (HNSW capacity; it grows when exceeded). */
  capacity: number;
  /** Search breadth of HNSW (hnswlib `ef`); applied after every load. */
  ef?: number;
  m?: number;
  efConstruction?: number;
  /** Where an adapter that only reads files may put a scratch file. */
  scratchDir?: string;
}

/** A deserialised index and the vector of every searchable label (holes where a label was removed). */
export interface LoadedVectorIndex {
  index: VectorIndex;
  vectors: (Float32Array | undefined)[];
}

/** Builds vector indexes; bound in the scripts module. */
export interface VectorIndexFactory {
  create(kind: MutableIndexKind, opts: VectorIndexOptions): VectorIndex;
  /** Load what `VectorIndex.serialize` (or `bruteforceBytes`) wrote (then `setEf` for HNSW). */
  fromBuffer(kind: VectorIndexKind, buf: Buffer, opts: VectorIndexOptions): Promise<LoadedVectorIndex>;
  /** The serialised `bruteforce` index of a label → vector table, without building anything. */
  bruteforceBytes(vectors: readonly (Float32Array | undefined)[], dim: number): Buffer;
}

export const VECTOR_INDEX_FACTORY = Symbol('VectorIndexFactory');
