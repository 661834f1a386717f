/** One hit of a vector search: the label and the cosine similarity. */
export interface VectorHit {
  label: number;
  similarity: number;
}

/**
 * Port of a cosine vector index over unit-length vectors with integer labels. Adapters: hnswlib
 * (approximate, for large libraries) and exact brute force (faster below a measured size).
 */
export interface VectorIndex {
  readonly kind: 'hnsw' | 'exact';
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
  create(kind: 'hnsw' | 'exact', opts: VectorIndexOptions): VectorIndex;
  /** Load what `VectorIndex.serialize` wrote (then `setEf` for HNSW). */
  fromBuffer(kind: 'hnsw' | 'exact', buf: Buffer, opts: VectorIndexOptions): Promise<LoadedVectorIndex>;
}

export const VECTOR_INDEX_FACTORY = Symbol('VectorIndexFactory');
