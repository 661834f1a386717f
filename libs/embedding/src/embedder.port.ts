/** Port of a sentence embedder. Vectors are L2-normalised, so cosine = dot product. */
export interface Embedder {
  readonly dim: number;
  /** A stable id of the model (name + hash), recorded with indexes so a model change forces a rebuild. */
  readonly modelId: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export const EMBEDDER = Symbol('Embedder');
