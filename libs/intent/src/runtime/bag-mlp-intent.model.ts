import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BAG_MLP_IO,
  BagRunCoalescer,
  HashedFeaturiser,
  type InferenceRuntime,
  type InferenceSession,
  type Precision,
} from '@huashu/ml';
import { isIntentName, type IntentName } from '../intents.js';
import { INTENT_MODEL_FILES, INTENT_MODEL_FORMAT, type IntentModelMetadata } from '../training/intent-model.builder.js';
import type { LoadedIntentModel } from './intent-model.js';

/** A model directory whose metadata and ONNX file do not (yet) match: e.g. mid-way through a rebuild. */
export class IntentModelMismatchError extends Error {}

/**
 * The model built by `intent:train`: featurise in TypeScript, run the ONNX bag-MLP. Calls made in the
 * same event-loop turn (concurrent turns on a busy gateway) share session runs: BagRunCoalescer.
 */
export class BagMlpIntentModel implements LoadedIntentModel {
  readonly kind = 'bag-mlp';
  private readonly runs: BagRunCoalescer;

  private constructor(
    private readonly session: InferenceSession,
    private readonly featuriser: HashedFeaturiser,
    readonly labels: readonly IntentName[],
    readonly threshold: number,
    readonly version: string,
    readonly precision: Precision,
    readonly metadata: IntentModelMetadata,
  ) {
    this.runs = new BagRunCoalescer(session, {
      ids: BAG_MLP_IO.ids,
      weights: BAG_MLP_IO.weights,
      output: BAG_MLP_IO.probs,
    });
  }

  /** Read the metadata, check the ONNX file against its recorded SHA-256, open the session. */
  static async load(dir: string, precision: Precision, runtime: InferenceRuntime): Promise<BagMlpIntentModel> {
    // Async reads: a hot reload must not stall requests on a busy gateway.
    const metadata = JSON.parse(await readFile(join(dir, INTENT_MODEL_FILES.meta), 'utf8')) as IntentModelMetadata;
    if (metadata.format !== INTENT_MODEL_FORMAT)
      throw new Error(`unsupported intent model format ${String(metadata.format)}`);
    const labels = metadata.labels.filter(isIntentName);
    if (labels.length !== metadata.labels.length) throw new Error('intent model metadata names unknown intents');
    const entry = metadata.files[precision];
    const bytes = await readFile(join(dir, entry.file));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== entry.sha256)
      throw new IntentModelMismatchError(`${entry.file} does not match its metadata (being rewritten?)`);
    // `basic`: see InferenceSessionOptions.graphOptimization (keeps int8 equal to its reference).
    const session = await runtime.load(bytes, { graphOptimization: 'basic', intraOpThreads: 1 });
    return new BagMlpIntentModel(
      session,
      new HashedFeaturiser(metadata.featuriser),
      labels,
      metadata.threshold,
      sha256,
      precision,
      metadata,
    );
  }

  async probabilities(texts: string[]): Promise<Float32Array[]> {
    return this.runs.run(texts.map((t) => this.featuriser.featurise(t)));
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
