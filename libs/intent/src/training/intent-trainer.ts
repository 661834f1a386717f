import {
  BagMlpModel,
  createProgress,
  DEFAULT_ADAM,
  HashedFeaturiser,
  SeededRng,
  type FeaturiserParams,
  type LabelledFeatures,
  type SparseFeatures,
} from '@huashu/ml';

/** Everything that decides a trained model (recorded in metadata; same params + data → same bytes). */
export interface IntentTrainParams {
  seed: number;
  featuriser: FeaturiserParams;
  dim: number;
  hidden: number;
  epochs: number;
  batchSize: number;
  /** Peak Adam learning rate; decays linearly to 0 over training. */
  lr: number;
  dropout: number;
  labelSmoothing: number;
  weightDecay: number;
  /**
   * 0: fit the temperature and the out-of-scope threshold on the validation split, ship the model
   * trained on the train split. k ≥ 2: fit both on out-of-fold predictions over train + validation
   * (k stratified folds, one model per fold), then ship a model trained on all of train + validation
   * (trainAndEvaluate). The test split is held out either way.
   */
  crossFitFolds: number;
  /**
   * Repeated cross-fitting (k ≥ 2 only): r > 1 runs the k folds r times, repeat i with fold seed
   * seed + 1 + i and fold models seeded seed + i, and fits the temperature and threshold on all r × n
   * out-of-fold predictions pooled. Absent means 1 (one set of folds, as before).
   */
  crossFitRepeats?: number;
}

/**
 * Parameters of the shipped model: small enough to train in well under a minute on one core and
 * to load in a few MB, large enough for the corpus (2^15 hashed buckets ≈ 10× its distinct n-grams).
 * A plain fastText head (bag → logits, no hidden layer) and 20 epochs: on the 4.9k-utterance corpus
 * it beat the earlier 48-d bag → ReLU 64, 40 epochs on three other seeded splits (closed-set +1.2 pt)
 * and on the previous release's held-out utterances (77.0% vs 74.8%). ICU dictionary word n-grams
 * (Intl.Segmenter) were tried as extra features and cost ~2 points here (short colloquial turns
 * segment poorly); see README.
 *
 * Threshold and temperature come from 5-fold out-of-fold predictions (4.2k utterances instead of the
 * 736 of validation, whose balanced-objective curve was too flat to place the threshold: 0.67 there
 * rejected 38 % of in-scope test turns). Dropout 0.4 and label smoothing 0.02 (was 0.2 and 0.1) were
 * chosen on the same out-of-fold objective (0.786 → 0.805; test and probe sets not consulted):
 * temperature scaling does the calibration, and heavier smoothing flattened the confidences the
 * threshold separates on. README "Intent classifier" has the comparison.
 */
export const SHIPPED_TRAIN_PARAMS: IntentTrainParams = {
  seed: 20240611,
  featuriser: {
    buckets: 1 << 15,
    cjkNgrams: [1, 3],
    wordNgrams: [1, 2],
    charNgrams: [3, 5],
    hashSeed: 0x811c9dc5,
    maxFeatures: 256,
  },
  dim: 64,
  hidden: 0,
  epochs: 20,
  batchSize: 16,
  lr: 0.01,
  dropout: 0.4,
  labelSmoothing: 0.02,
  weightDecay: 1e-4,
  crossFitFolds: 5,
};

export interface TrainedClassifier {
  model: BagMlpModel;
  featuriser: HashedFeaturiser;
  /** Mean training loss per epoch. */
  losses: number[];
}

/** Train a BagMlp on (text, label index) pairs: seeded init, shuffling and dropout; Adam with linear decay. */
export function trainClassifier(
  texts: string[],
  labels: number[],
  classes: number,
  p: IntentTrainParams,
  opts: { quiet?: boolean; label?: string } = {},
): TrainedClassifier {
  const featuriser = new HashedFeaturiser(p.featuriser);
  const data: LabelledFeatures[] = texts.map((t, i) => ({ features: featuriser.featurise(t), label: labels[i] }));
  const rng = new SeededRng(p.seed);
  const model = BagMlpModel.init({ buckets: p.featuriser.buckets, dim: p.dim, hidden: p.hidden, classes }, rng.fork());
  const stepRng = rng.fork();
  const order = data.map((_, i) => i);
  const steps = p.epochs * Math.ceil(data.length / p.batchSize);
  const adam = { ...DEFAULT_ADAM, lr: p.lr, weightDecay: p.weightDecay };
  const bar = createProgress(opts.label ?? 'train', p.epochs, { quiet: opts.quiet });
  const losses: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    stepRng.shuffle(order);
    let sum = 0;
    let batches = 0;
    for (let i = 0; i < order.length; i += p.batchSize) {
      const batch = order.slice(i, i + p.batchSize).map((k) => data[k]);
      const lr = p.lr * Math.max(0.02, 1 - step / steps);
      sum += model.trainStep(batch, stepRng, { adam, lr, dropout: p.dropout, smoothing: p.labelSmoothing });
      batches++;
      step++;
    }
    losses.push(sum / batches);
    bar.tick(1, { loss: sum / batches });
  }
  bar.stop();
  return { model, featuriser, losses };
}

/** Logits of many texts with the reference forward pass. */
export function logitsOf(model: BagMlpModel, features: SparseFeatures[]): Float32Array[] {
  return features.map((f) => model.logits(f));
}
