import type { Embedder } from './embedder.port.js';
import { EmbeddingException } from './embedding.exception.js';

/** The embedder providers EMBEDDER_PROVIDER selects from. */
export const EMBEDDER_PROVIDERS = { builtin: 'builtin', onnx: 'onnx', openai: 'openai' } as const;
export type EmbedderProvider = (typeof EMBEDDER_PROVIDERS)[keyof typeof EMBEDDER_PROVIDERS];

/** What `/health/ready` shows for the embedder. */
export interface EmbedderStatus {
  up: boolean;
  provider: EmbedderProvider;
  modelId?: string;
  dim?: number;
  error?: string;
}

/**
 * An Embedder adapter with a life cycle: `load()` opens the model (or probes the server) and is
 * idempotent; `embed()` waits for it, so callers never race start-up; `close()` releases it.
 */
export interface ManagedEmbedder extends Embedder {
  readonly provider: EmbedderProvider;
  load(): Promise<void>;
  close(): Promise<void>;
  status(): EmbedderStatus;
}

/** Scale a vector to unit length in place (a zero vector stays zero, so its cosine with anything is 0). */
export function l2NormalizeInPlace(v: Float32Array): Float32Array {
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += v[i] * v[i];
  if (ss > 0) {
    const inv = 1 / Math.sqrt(ss);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}

/** Dot product of two equal-length vectors; the cosine when both are unit length. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Reject anything that is not an array of strings before it reaches a model or a server. */
export function assertTexts(texts: unknown): asserts texts is string[] {
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
    throw new EmbeddingException('invalid_input', 'embed() takes an array of strings');
  }
}
