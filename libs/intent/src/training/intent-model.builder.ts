import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BAG_MLP_IO,
  exportBagMlpOnnx,
  HashedFeaturiser,
  PRECISIONS,
  referenceForPrecision,
  softmax,
  argmax,
  type FeaturiserParams,
  type InferenceRuntime,
  type Precision,
} from '@huashu/ml';
import { languageOf, loadCorpusDir, type Corpus } from '../corpus/corpus.loader.js';
import { trainAndEvaluate, type EvalExample, type EvaluationReport } from '../evaluation/train-and-evaluate.js';
import { roundDeep } from '../evaluation/metrics.js';
import { INTENT_NAMES, INTENTS } from '../intents.js';
import type { IntentTrainParams } from './intent-trainer.js';
import { splitCorpus } from './split.js';
import type { ThresholdObjective } from './threshold.js';

/** File names inside a model directory. */
export const INTENT_MODEL_FILES = {
  fp32: 'intent.fp32.onnx',
  fp16: 'intent.fp16.onnx',
  int8: 'intent.int8.onnx',
  meta: 'intent.meta.json',
} as const;

export const INTENT_MODEL_FORMAT = 'huashu-intent-bag-mlp/1';

/** The metadata file beside the ONNX files: everything the runtime and a reviewer need. */
export interface IntentModelMetadata {
  format: typeof INTENT_MODEL_FORMAT;
  labels: string[];
  /** The class the model predicts for out-of-scope input, if it was trained with one. */
  outOfScopeLabel: string | null;
  featuriser: FeaturiserParams;
  model: { kind: 'bag-mlp'; buckets: number; dim: number; hidden: number; classes: number; io: typeof BAG_MLP_IO };
  /** Softmax temperature (already applied inside the ONNX `probs` output). */
  temperature: number;
  /** Confidence below which the runtime answers out_of_scope. */
  threshold: number;
  thresholdObjective: ThresholdObjective;
  files: Record<Precision, { file: string; bytes: number; sha256: string }>;
  data: { sha256: string; files: string[]; examples: number; perLabel: Record<string, number>; split: string };
  training: IntentTrainParams;
  evaluation: {
    test: Omit<EvaluationReport['test'], 'confusion'>;
    calibration: { eceBefore: number; eceAfter: number };
    thresholdValidation: EvaluationReport['threshold']['validation'];
    /** Per exported precision: accuracy on the test split and the ONNX-vs-reference check. */
    precisions: Record<
      Precision,
      { testAccuracy: number; agreesWithReference: boolean; tolerance: number; checked: number }
    >;
  };
}

/** The ONNX-vs-reference tolerance on probabilities (float32 summation order differs). */
export const REFERENCE_TOLERANCE = 1e-4;

/**
 * Build the shipped model from the corpus: split 70/15/15 (stratified by intent × language,
 * seeded), calibrate and fit the threshold on held-out predictions (out-of-fold over train +
 * validation with `crossFitFolds`), train, evaluate on test, export fp32,
 * fp16 and int8 ONNX, check every precision in onnxruntime against the TypeScript reference on the
 * whole validation + test set, and write the files (each atomically; metadata last). Nothing
 * time- or machine-dependent is written, so a rebuild gives the same bytes.
 */
export async function buildIntentModel(opts: {
  corpusDir: string;
  outDir: string;
  params: IntentTrainParams;
  objective?: ThresholdObjective;
  runtime: InferenceRuntime;
  quiet?: boolean;
  corpus?: Corpus;
}): Promise<{ metadata: IntentModelMetadata; report: EvaluationReport }> {
  const corpus = opts.corpus ?? loadCorpusDir(opts.corpusDir);
  const examples: EvalExample[] = corpus.examples.map((e) => ({
    text: e.text,
    label: e.label,
    lang: languageOf(e.text),
  }));
  const [train, validation, test] = splitCorpus(examples, opts.params.seed);
  const trained = trainAndEvaluate({
    dataset: 'huashu-corpus',
    train,
    validation,
    test,
    params: opts.params,
    objective: opts.objective,
    labelOrder: INTENT_NAMES,
    quiet: opts.quiet,
  });
  const { model, labels, temperature, threshold, report } = trained;
  const featuriser = new HashedFeaturiser(opts.params.featuriser);
  const checkSet = [...validation, ...test];
  const checkFeatures = checkSet.map((e) => featuriser.featurise(e.text));
  const testFeatures = test.map((e) => featuriser.featurise(e.text));
  const oosIndex = labels.indexOf(INTENTS.out_of_scope);

  const files = {} as IntentModelMetadata['files'];
  const precisions = {} as IntentModelMetadata['evaluation']['precisions'];
  const bytesOf = {} as Record<Precision, Uint8Array>;
  for (const precision of PRECISIONS) {
    const bytes = exportBagMlpOnnx(model, {
      precision,
      temperature,
      producer: 'huashu intent:train',
      metadata: { 'huashu.labels': JSON.stringify(labels), 'huashu.precision': precision },
    });
    bytesOf[precision] = bytes;
    const reference = referenceForPrecision(model, precision);
    const maxDiff = await maxDifference(opts.runtime, bytes, reference, checkFeatures, temperature);
    const predicted = testFeatures.map((f) => {
      const p = softmax(reference.logits(f), new Float32Array(labels.length), temperature);
      const top = argmax(p);
      return top === oosIndex || p[top] < threshold ? INTENTS.out_of_scope : labels[top];
    });
    const gold = test.map((e) => e.label);
    precisions[precision] = {
      testAccuracy: predicted.filter((p, i) => p === gold[i]).length / gold.length,
      agreesWithReference: maxDiff <= REFERENCE_TOLERANCE,
      tolerance: REFERENCE_TOLERANCE,
      checked: checkSet.length,
    };
    if (maxDiff > REFERENCE_TOLERANCE) {
      throw new Error(`${precision} ONNX departs from the reference by ${maxDiff} (> ${REFERENCE_TOLERANCE})`);
    }
    files[precision] = {
      file: INTENT_MODEL_FILES[precision],
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
  const perLabel: Record<string, number> = {};
  for (const e of corpus.examples) perLabel[e.label] = (perLabel[e.label] ?? 0) + 1;
  const { confusion: _confusion, ...testFigures } = report.test;
  const metadata: IntentModelMetadata = roundDeep({
    format: INTENT_MODEL_FORMAT,
    labels,
    outOfScopeLabel: oosIndex >= 0 ? INTENTS.out_of_scope : null,
    featuriser: opts.params.featuriser,
    model: { kind: 'bag-mlp', ...model.shape, io: BAG_MLP_IO },
    temperature,
    threshold,
    thresholdObjective: report.threshold.objective,
    files,
    data: {
      sha256: corpus.sha256,
      files: corpus.files,
      examples: corpus.examples.length,
      perLabel,
      split:
        `stratified by intent × language, 70/15/15 train/validation/test, seed ${opts.params.seed}; ` +
        (opts.params.crossFitFolds >= 2
          ? `temperature and threshold on ${crossFitDescription(opts.params)}, model trained on train + validation`
          : 'temperature and threshold on validation, model trained on train'),
    },
    training: opts.params,
    evaluation: {
      test: testFigures,
      calibration: { eceBefore: report.calibration.eceBefore, eceAfter: report.calibration.eceAfter },
      thresholdValidation: report.threshold.validation,
      precisions,
    },
  });
  mkdirSync(opts.outDir, { recursive: true });
  for (const precision of PRECISIONS) writeAtomic(join(opts.outDir, INTENT_MODEL_FILES[precision]), bytesOf[precision]);
  writeAtomic(join(opts.outDir, INTENT_MODEL_FILES.meta), JSON.stringify(metadata, null, 2) + '\n');
  return { metadata, report };
}

/** Where the out-of-fold predictions come from, in the metadata's words (unchanged for one repeat). */
function crossFitDescription(p: IntentTrainParams): string {
  const repeats = p.crossFitRepeats ?? 1;
  if (repeats <= 1) {
    return `${p.crossFitFolds}-fold out-of-fold predictions over train + validation (fold seed ${p.seed + 1})`;
  }
  return (
    `${p.crossFitFolds}-fold out-of-fold predictions over train + validation, ${repeats} repeats pooled ` +
    `(fold seeds ${p.seed + 1}…${p.seed + repeats}, fold models seeded ${p.seed}…${p.seed + repeats - 1})`
  );
}

/** Write beside the target and rename: readers (and the hot-reload watcher) never see half a file. */
export function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

async function maxDifference(
  runtime: InferenceRuntime,
  bytes: Uint8Array,
  reference: ReturnType<typeof referenceForPrecision>,
  features: ReturnType<HashedFeaturiser['featurise']>[],
  temperature: number,
): Promise<number> {
  const session = await runtime.load(bytes, { graphOptimization: 'basic' });
  try {
    const padded = HashedFeaturiser.pad(features);
    const out = await session.run(
      {
        [BAG_MLP_IO.ids]: { type: 'int32', data: padded.ids, dims: [features.length, padded.length] },
        [BAG_MLP_IO.weights]: { type: 'float32', data: padded.weights, dims: [features.length, padded.length, 1] },
      },
      [BAG_MLP_IO.probs],
    );
    const probs = out[BAG_MLP_IO.probs].data as Float32Array;
    const classes = reference.shape.classes;
    let max = 0;
    features.forEach((f, i) => {
      const ref = reference.probabilities(f, temperature);
      for (let c = 0; c < classes; c++) max = Math.max(max, Math.abs(probs[i * classes + c] - ref[c]));
    });
    return max;
  } finally {
    await session.release();
  }
}
