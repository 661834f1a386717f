import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import {
  DEFAULT_FEATURISER_PARAMS,
  HashedFeaturiser,
  SeededRng,
  type FeaturiserParams,
  type Precision,
} from '@huashu/ml';
import { SentenceEncoderModel } from '../builtin/sentence-encoder.model.js';
import { exportSentenceEncoderOnnx, SENTENCE_ENCODER_IO } from '../builtin/sentence-encoder.onnx-export.js';
import { dot } from '../managed-embedder.js';
import { ContrastiveTrainer, type EpochReport, type TrainingGroup } from './contrastive-trainer.js';
import {
  hashFiles,
  isHeldOut,
  loadIntentExamples,
  loadParaphrases,
  loadScriptTexts,
  type ParaphraseGroup,
} from './embedding-corpus.js';
import { pairMetrics, rocAuc, type PairMetrics, type ScoredPair } from './similarity-metrics.js';

/** Everything that decides the shipped encoder; recorded in metadata.json. */
export interface EncoderTrainParams {
  seed: number;
  dim: number;
  precision: Precision;
  featuriser: FeaturiserParams;
  epochs: number;
  batchSize: number;
  lr: number;
  temperature: number;
  featureDropout: number;
  /** Loss weight of paraphrase pairs, same-intent pairs and script self-pairs. */
  weights: { paraphrase: number; intent: number; script: number };
  /** Same-intent pairs per intent per epoch at most. */
  intentPairsPerEpoch: number;
}

export const DEFAULT_ENCODER_PARAMS: EncoderTrainParams = {
  seed: 20261129,
  dim: 256,
  precision: 'int8',
  // 2^16 rows × 256 dims as int8 is a 16 MiB table; char n-grams 1-3 for Chinese, words, char 3-5 grams
  // inside English words (typos and inflections of ASR output).
  featuriser: { ...DEFAULT_FEATURISER_PARAMS, buckets: 1 << 16, maxFeatures: 256 },
  epochs: 12,
  batchSize: 64,
  lr: 0.01,
  temperature: 0.1,
  featureDropout: 0.2,
  weights: { paraphrase: 1, intent: 0.3, script: 0.5 },
  intentPairsPerEpoch: 64,
};

/** Held-out paraphrase evaluation: pair classification and retrieval. */
export interface ParaphraseEvaluation {
  lang: 'zh' | 'en' | 'all';
  groups: number;
  /** Positive pairs (within a group) against hard negatives and random texts of other groups. */
  pairs: PairMetrics;
  /** ROC-AUC of paraphrases against unrelated texts only, and against hard negatives only. */
  paraphraseVsUnrelatedAuc: number;
  paraphraseVsHardNegativeAuc: number;
  /** Mean cosine of paraphrase pairs, of hard negatives, of unrelated texts. */
  meanCosine: { paraphrase: number; hardNegative: number; unrelated: number };
  /** Each text as a query over every other held-out text: is the nearest one a paraphrase? */
  retrievalAt1: number;
}

export interface TrainedEncoder {
  model: SentenceEncoderModel;
  featuriser: HashedFeaturiser;
  data: {
    files: string[];
    sha256: string;
    paraphraseGroups: number;
    heldOutGroups: number;
    intentExamples: number;
    scripts: number;
  };
  epochs: EpochReport[];
  heldOut: ParaphraseGroup[];
}

/** IDF over the training texts; rows never seen get the largest IDF (a rare n-gram carries meaning). */
export function idfScale(texts: string[], featuriser: HashedFeaturiser): (row: number) => number {
  const df = new Map<number, number>();
  for (const t of texts) for (const id of featuriser.featurise(t).ids) df.set(id, (df.get(id) ?? 0) + 1);
  const n = texts.length;
  const max = Math.log(n + 1) + 1;
  return (row) => {
    const d = df.get(row);
    return (d === undefined ? max : Math.log((n + 1) / (d + 1)) + 1) / max;
  };
}

/** Train the built-in encoder from `dataDir` (deterministic under `params.seed`). */
export function trainEncoder(
  dataDir: string,
  root: string,
  params: EncoderTrainParams,
  onEpoch: (r: EpochReport) => void = () => undefined,
): TrainedEncoder {
  const featuriser = new HashedFeaturiser(params.featuriser);
  const para = loadParaphrases(dataDir);
  const intents = loadIntentExamples(dataDir);
  const scripts = loadScriptTexts(dataDir);
  const train = para.groups.filter((g) => !isHeldOut(g));
  const heldOut = para.groups.filter(isHeldOut);
  const f = (t: string) => featuriser.featurise(t);

  const groups: TrainingGroup[] = train.map((g) => ({
    texts: g.texts.map(f),
    negatives: g.negatives.map(f),
    weight: params.weights.paraphrase,
  }));
  const byIntent = new Map<string, string[]>();
  for (const e of intents.examples) {
    const key = `${basename(e.source)}:${e.intent}`;
    byIntent.set(key, [...(byIntent.get(key) ?? []), e.text]);
  }
  for (const [, texts] of [...byIntent.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (texts.length >= 2) {
      groups.push({
        texts: texts.map(f),
        negatives: [],
        weight: params.weights.intent,
        maxPairs: params.intentPairsPerEpoch,
      });
    }
  }
  for (const t of scripts.texts)
    groups.push({ texts: [f(t)], negatives: [], weight: params.weights.script, augment: true });

  const rng = new SeededRng(params.seed);
  const allTexts = [
    ...train.flatMap((g) => [...g.texts, ...g.negatives]),
    ...intents.examples.map((e) => e.text),
    ...scripts.texts,
  ];
  const model = SentenceEncoderModel.init(
    { buckets: params.featuriser.buckets, dim: params.dim },
    rng.fork(),
    idfScale(allTexts, featuriser),
  );
  const trainer = new ContrastiveTrainer(
    model,
    {
      epochs: params.epochs,
      batchSize: params.batchSize,
      lr: params.lr,
      temperature: params.temperature,
      featureDropout: params.featureDropout,
    },
    rng.fork(),
  );
  const epochs = trainer.train(groups, onEpoch);
  const hashed = hashFiles([...para.files, ...intents.files, ...scripts.files], root, scripts.contents);
  return {
    model,
    featuriser,
    epochs,
    heldOut,
    data: {
      ...hashed,
      paraphraseGroups: train.length,
      heldOutGroups: heldOut.length,
      intentExamples: intents.examples.length,
      scripts: scripts.texts.length,
    },
  };
}

/** Scored held-out pairs of one language (or all): paraphrases, hard negatives, unrelated texts. */
export interface ParaphrasePairs {
  groups: ParaphraseGroup[];
  paraphrase: number[];
  hardNegative: number[];
  unrelated: number[];
  /** Paraphrases positive; hard negatives and unrelated texts negative. */
  scored: ScoredPair[];
  cos: (a: string, b: string) => number;
  texts: string[];
}

/**
 * Score held-out paraphrase groups: positives are pairs inside a group; negatives are each group's
 * hard negatives and, for every text, one text of the next group (unrelated). Deterministic.
 */
export function scoreParaphrasePairs(
  groups: ParaphraseGroup[],
  embed: (texts: string[]) => Float32Array[],
  lang: 'zh' | 'en' | 'all',
): ParaphrasePairs {
  const gs = lang === 'all' ? groups : groups.filter((g) => g.lang === lang);
  const vec = new Map<string, Float32Array>();
  const texts = [...new Set(gs.flatMap((g) => [...g.texts, ...g.negatives]))];
  embed(texts).forEach((v, i) => vec.set(texts[i], v));
  const cos = (a: string, b: string): number => dot(vec.get(a)!, vec.get(b)!);
  const paraphrase: number[] = [];
  const hardNegative: number[] = [];
  const unrelated: number[] = [];
  gs.forEach((g, gi) => {
    for (let i = 0; i < g.texts.length; i++) {
      for (let j = i + 1; j < g.texts.length; j++) paraphrase.push(cos(g.texts[i], g.texts[j]));
      for (const n of g.negatives) hardNegative.push(cos(g.texts[i], n));
      const other = gs[(gi + 1) % gs.length];
      if (other !== g) unrelated.push(cos(g.texts[i], other.texts[i % other.texts.length]));
    }
  });
  const scored: ScoredPair[] = [
    ...paraphrase.map((score) => ({ score, positive: true })),
    ...[...hardNegative, ...unrelated].map((score) => ({ score, positive: false })),
  ];
  return { groups: gs, paraphrase, hardNegative, unrelated, scored, cos, texts };
}

/** Pair classification and retrieval on held-out paraphrase groups. */
export function evaluateParaphrases(
  groups: ParaphraseGroup[],
  embed: (texts: string[]) => Float32Array[],
  lang: 'zh' | 'en' | 'all',
): ParaphraseEvaluation {
  const {
    groups: gs,
    paraphrase,
    hardNegative,
    unrelated,
    scored,
    cos,
    texts,
  } = scoreParaphrasePairs(groups, embed, lang);
  // Retrieval: the corpus is every paraphrase and hard negative of the held-out groups.
  const owner = new Map<string, number>();
  gs.forEach((g, gi) => g.texts.forEach((t) => owner.set(t, gi)));
  let hits = 0;
  let queries = 0;
  for (const [gi, g] of gs.entries()) {
    for (const q of g.texts) {
      let best = -Infinity;
      let bestText = '';
      for (const t of texts) {
        if (t === q) continue;
        const s = cos(q, t);
        if (s > best) [best, bestText] = [s, t];
      }
      queries++;
      if (owner.get(bestText) === gi) hits++;
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const positives = paraphrase.map((score) => ({ score, positive: true }));
  return {
    lang,
    groups: gs.length,
    pairs: pairMetrics(scored),
    paraphraseVsUnrelatedAuc: rocAuc([...positives, ...unrelated.map((score) => ({ score, positive: false }))]),
    paraphraseVsHardNegativeAuc: rocAuc([...positives, ...hardNegative.map((score) => ({ score, positive: false }))]),
    meanCosine: { paraphrase: mean(paraphrase), hardNegative: mean(hardNegative), unrelated: mean(unrelated) },
    retrievalAt1: hits / Math.max(1, queries),
  };
}

/** The reference embedding function of a trained model (what the ONNX export must reproduce). */
export function referenceEmbed(
  model: SentenceEncoderModel,
  featuriser: HashedFeaturiser,
): (texts: string[]) => Float32Array[] {
  return (texts) => texts.map((t) => model.encode(featuriser.featurise(t)).unit);
}

/** metadata.json of the built-in encoder (read by the adapter; documents how it was made). */
export interface BuiltinEncoderMetadata {
  format: 'huashu-sentence-encoder';
  formatVersion: 1;
  modelId: string;
  dim: number;
  precision: Precision;
  io: typeof SENTENCE_ENCODER_IO;
  featuriser: FeaturiserParams;
  onnxSha256: string;
  data: TrainedEncoder['data'];
  params: EncoderTrainParams;
  training: { epochs: EpochReport[] };
  evaluation: { heldOutParaphrases: ParaphraseEvaluation[] };
  rebuild: string;
}

/** Export the trained model and its metadata (deterministic bytes). */
export function packageEncoder(
  trained: TrainedEncoder,
  params: EncoderTrainParams,
  evaluation: ParaphraseEvaluation[],
): { onnx: Uint8Array; metadata: BuiltinEncoderMetadata } {
  const onnx = exportSentenceEncoderOnnx(trained.model, {
    precision: params.precision,
    producer: 'huashu-embed-train',
    metadata: {
      dim: String(params.dim),
      featuriser: JSON.stringify(params.featuriser),
      dataSha256: trained.data.sha256,
    },
  });
  const onnxSha256 = createHash('sha256').update(onnx).digest('hex');
  return {
    onnx,
    metadata: {
      format: 'huashu-sentence-encoder',
      formatVersion: 1,
      modelId: `builtin:huashu-encoder-${onnxSha256.slice(0, 12)}`,
      dim: params.dim,
      precision: params.precision,
      io: SENTENCE_ENCODER_IO,
      featuriser: params.featuriser,
      onnxSha256,
      data: trained.data,
      params,
      training: { epochs: trained.epochs },
      evaluation: { heldOutParaphrases: evaluation },
      rebuild: 'npm run embed:train',
    },
  };
}
