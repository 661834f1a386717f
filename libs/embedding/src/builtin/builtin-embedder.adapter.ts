import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BagRunCoalescer, HashedFeaturiser, OnnxRuntimeAdapter, type InferenceRuntime } from '@huashu/ml';
import { EmbeddingException } from '../embedding.exception.js';
import { assertTexts } from '../managed-embedder.js';
import { SessionEmbedder } from '../session-embedder.js';
import type { BuiltinEncoderMetadata } from '../training/train-encoder.js';
import { BUILTIN_MODEL_FILES } from './builtin-encoder.files.js';
import { SENTENCE_ENCODER_IO } from './sentence-encoder.onnx-export.js';

/** Most texts per onnxruntime run. */
const RUN_BATCH = 16;

export interface BuiltinEmbedderOptions {
  /** Directory with model.onnx and metadata.json (`npm run embed:train` writes models/embedding/). */
  modelDir: string;
  /** Characters of a text that are featurised (the rest cannot change a bag of n-grams much). */
  maxChars?: number;
  runtime?: InferenceRuntime;
}

/**
 * The built-in encoder: the project's hashed n-gram featuriser (parameters from metadata.json) in
 * TypeScript, the learned projection + L2 normalisation in ONNX. The embed() calls of one event-loop
 * turn share session runs (BagRunCoalescer): concurrent turns each embed one utterance.
 */
export class BuiltinEmbedderAdapter extends SessionEmbedder {
  readonly provider = 'builtin' as const;
  private featuriser: HashedFeaturiser | undefined;
  private runs: BagRunCoalescer | undefined;
  private meta: BuiltinEncoderMetadata | undefined;

  constructor(private readonly opts: BuiltinEmbedderOptions) {
    super();
  }

  get dim(): number {
    if (!this.meta) throw new EmbeddingException('unavailable', 'built-in embedder not loaded');
    return this.meta.dim;
  }

  get modelId(): string {
    return this.meta?.modelId ?? 'builtin:?';
  }

  /** The model's metadata (data hash, parameters, evaluation), once loaded. */
  get metadata(): BuiltinEncoderMetadata | undefined {
    return this.meta;
  }

  protected loadFailure(err: Error): string {
    return `cannot load the built-in embedder from ${this.opts.modelDir} (run npm run embed:train): ${err.message}`;
  }

  protected knownDim(): number | undefined {
    return this.meta?.dim;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    assertTexts(texts);
    if (texts.length === 0) return [];
    if (!this.session) await this.load();
    const runs = this.runs!;
    const featuriser = this.featuriser!;
    const dim = this.dim;
    const maxChars = this.opts.maxChars ?? 2000;
    const features = texts.map((t) => featuriser.featurise(t.length > maxChars ? t.slice(0, maxChars) : t));
    // A text without any feature (empty, only punctuation) has no direction: it gets the zero
    // vector (cosine 0 with everything) instead of the NaN a normalised zero would give.
    const rows = await runs.run(features.filter((f) => f.ids.length > 0));
    let r = 0;
    return features.map((f) => (f.ids.length > 0 ? rows[r++] : new Float32Array(dim)));
  }

  protected async open(): Promise<void> {
    const dir = resolve(this.opts.modelDir);
    const meta = JSON.parse(await readFile(join(dir, BUILTIN_MODEL_FILES.metadata), 'utf8')) as BuiltinEncoderMetadata;
    if (meta.format !== 'huashu-sentence-encoder' || meta.formatVersion !== 1) {
      throw new Error(`metadata.json is not a huashu-sentence-encoder v1 (format ${String(meta.format)})`);
    }
    const runtime = this.opts.runtime ?? new OnnxRuntimeAdapter();
    const session = await runtime.load(join(dir, BUILTIN_MODEL_FILES.onnx), { intraOpThreads: 1 });
    this.featuriser = new HashedFeaturiser(meta.featuriser);
    // Runs of at most RUN_BATCH texts keep the [batch, features, dim] intermediates cache-sized: a
    // 256-text run is several times slower per text than 16-text runs.
    this.runs = new BagRunCoalescer(
      session,
      { ids: SENTENCE_ENCODER_IO.ids, weights: SENTENCE_ENCODER_IO.weights, output: SENTENCE_ENCODER_IO.embedding },
      RUN_BATCH,
    );
    this.meta = meta;
    this.session = session;
  }
}
