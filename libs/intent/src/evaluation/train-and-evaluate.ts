import { argmax, softmax, type BagMlpModel, type HashedFeaturiser } from '@huashu/ml';
import { INTENTS } from '../intents.js';
import { calibrationReport, fitTemperature, type ReliabilityBin } from '../training/calibration.js';
import { trainClassifier, type IntentTrainParams } from '../training/intent-trainer.js';
import { stratifiedSplit } from '../training/split.js';
import {
  fitThreshold,
  sweepThresholds,
  type ScoredExample,
  type ThresholdObjective,
  type ThresholdPoint,
} from '../training/threshold.js';
import { classificationMetrics, type ClassificationMetrics } from './metrics.js';

/** A text with its gold label; a label outside the model's labels counts as out-of-scope. */
export interface EvalExample {
  text: string;
  label: string;
  lang?: string;
}

export interface EvaluationReport {
  dataset: string;
  /**
   * train: what the reported model was trained on; validation: what its temperature and threshold
   * were fitted on (with cross-fitting, the out-of-fold predictions over train + validation).
   */
  examples: { train: number; validation: number; test: number };
  /** k of the k-fold cross-fitting (IntentTrainParams.crossFitFolds), 0 for a plain validation split. */
  crossFitFolds: number;
  /** How many times the k folds were dealt and trained (IntentTrainParams.crossFitRepeats); 1 without cross-fitting. */
  crossFitRepeats: number;
  labels: string[];
  /** Labels whose examples were held out of training and count as out-of-scope (OOS protocol). */
  heldOutLabels: string[];
  temperature: number;
  threshold: { value: number; objective: ThresholdObjective; met: boolean; validation: ThresholdPoint };
  test: {
    /** Accuracy over in-scope test examples by argmax alone (no threshold): the closed-set figure. */
    closedSetAccuracy: number;
    inScopeAccuracy: number;
    oosRecall: number;
    oosPrecision: number;
    /** Accuracy over all test examples with out_of_scope as a class. */
    accuracy: number;
    macroF1: number;
    perIntent: ClassificationMetrics['perClass'];
    confusion: ClassificationMetrics['confusion'];
    perLanguage?: Record<string, { examples: number; accuracy: number }>;
  };
  calibration: {
    eceBefore: number;
    eceAfter: number;
    binsBefore: ReliabilityBin[];
    binsAfter: ReliabilityBin[];
  };
  sweep: ThresholdPoint[];
  trainingLoss: number[];
  trainSeconds: number;
}

export interface TrainedIntentModel {
  model: BagMlpModel;
  featuriser: HashedFeaturiser;
  labels: string[];
  temperature: number;
  threshold: number;
  report: EvaluationReport;
}

const OOS = INTENTS.out_of_scope;

/**
 * The whole recipe, shared by the shipped-model build and `intent:eval`: fit the temperature and the
 * out-of-scope threshold on held-out predictions, report on `test`. Held out means `validation` for a
 * model trained on `train` (`crossFitFolds` 0), or, with k ≥ 2 folds, out-of-fold predictions over
 * train + validation for a model then trained on all of them.
 * Labels of the model are those of the training examples (`labelOrder` first, if given). A model
 * trained with an `out_of_scope` class rejects by argmax as well as by threshold.
 */
export function trainAndEvaluate(opts: {
  dataset: string;
  train: EvalExample[];
  validation: EvalExample[];
  test: EvalExample[];
  params: IntentTrainParams;
  objective?: ThresholdObjective;
  labelOrder?: readonly string[];
  heldOutLabels?: string[];
  quiet?: boolean;
}): TrainedIntentModel {
  const present = new Set(opts.train.map((e) => e.label));
  const labels = [
    ...(opts.labelOrder ?? []).filter((l) => present.has(l)),
    ...[...present].filter((l) => !(opts.labelOrder ?? []).includes(l)).sort(),
  ];
  const index = new Map(labels.map((l, i) => [l, i]));
  const oosIndex = index.get(OOS) ?? -1;
  const goldIndex = (e: EvalExample): number => index.get(e.label) ?? -1;
  const train = (examples: EvalExample[], label: string, params: IntentTrainParams = opts.params) => {
    // Only examples of the model's labels are trained on: with cross-fitting, held-out labels of
    // the OOS protocol stay in validation and count as out-of-scope there.
    const known = examples.filter((e) => index.has(e.label));
    return trainClassifier(
      known.map((e) => e.text),
      known.map((e) => index.get(e.label)!),
      labels.length,
      params,
      { quiet: opts.quiet, label },
    );
  };
  const started = performance.now();
  // Where the temperature and threshold are fitted: logits of examples the scoring model never saw.
  let heldLogits: Float32Array[];
  let held: EvalExample[];
  let trained: ReturnType<typeof trainClassifier>;
  let trainedOn: number;
  const folds = opts.params.crossFitFolds;
  const repeats = folds >= 2 ? Math.max(1, opts.params.crossFitRepeats ?? 1) : 1;
  if (folds >= 2) {
    // Out-of-fold predictions over train + validation: every utterance is scored once by a model
    // trained on the other folds, so the threshold curve rests on all of them, not on validation
    // alone; the shipped model is then trained on all of train + validation.
    const pool = [...opts.train, ...opts.validation];
    // Repeated cross-fitting: the fitted threshold sits on a flat objective curve, so one fold
    // assignment and one set of fold-model inits moved it by ±0.03. Each repeat deals new folds and
    // trains its fold models from another seed; the predictions of all repeats are pooled (each
    // utterance appears once per repeat), not averaged, because an average of r models' confidences
    // is an ensemble's, smoother than those of the single model that is shipped.
    heldLogits = [];
    held = [];
    for (let r = 0; r < repeats; r++) {
      const parts = stratifiedSplit(
        pool,
        (e) => `${e.label}|${e.lang ?? ''}`,
        Array.from({ length: folds }, () => 1 / folds),
        opts.params.seed + 1 + r,
      );
      const foldParams = { ...opts.params, seed: opts.params.seed + r };
      const tag = repeats > 1 ? ` repeat ${r + 1}/${repeats}` : '';
      parts.forEach((part, k) => {
        const fold = train(
          parts.filter((_, j) => j !== k).flat(),
          `train ${opts.dataset}${tag} fold ${k + 1}/${folds}`,
          foldParams,
        );
        for (const e of part) heldLogits.push(fold.model.logits(fold.featuriser.featurise(e.text)));
        held.push(...part);
      });
    }
    trained = train(pool, `train ${opts.dataset} (train + validation)`);
    trainedOn = pool.filter((e) => index.has(e.label)).length;
  } else {
    trained = train(opts.train, `train ${opts.dataset}`);
    trainedOn = opts.train.length;
    held = opts.validation;
    heldLogits = held.map((e) => trained.model.logits(trained.featuriser.featurise(e.text)));
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const { model, featuriser } = trained;

  // Calibration on held-out logits: in-scope examples only when there is no OOS class (an unseen
  // intent has no correct class to be confident about); all examples when the model has an OOS class.
  const calIdx = held.map((e, i) => ({ i, g: goldIndex(e) })).filter((x) => x.g >= 0);
  const temperature = fitTemperature(
    calIdx.map((x) => heldLogits[x.i]),
    calIdx.map((x) => x.g),
  );
  const score = (logits: Float32Array, t: number, gold: number): ScoredExample => {
    const p = softmax(logits, new Float32Array(logits.length), t);
    const top = argmax(p);
    return { label: gold, top, confidence: p[top] };
  };
  const heldScored = heldLogits.map((l, i) => score(l, temperature, goldIndex(held[i])));
  const objective = opts.objective ?? { kind: 'balanced' };
  const fitted = fitThreshold(heldScored, oosIndex, objective);

  const testLogits = opts.test.map((e) => model.logits(featuriser.featurise(e.text)));
  const scoredRaw = testLogits.map((l, i) => score(l, 1, goldIndex(opts.test[i])));
  const scored = testLogits.map((l, i) => score(l, temperature, goldIndex(opts.test[i])));
  const inScopeTest = scored.filter((s) => s.label >= 0 && s.label !== oosIndex);
  const predictedName = (s: ScoredExample): string =>
    s.top === oosIndex || s.confidence < fitted.threshold ? OOS : labels[s.top];
  const gold = opts.test.map((e) => (index.has(e.label) ? e.label : OOS));
  const predicted = scored.map(predictedName);
  const reportLabels = labels.includes(OOS) ? labels : [...labels, OOS];
  const metrics = classificationMetrics(gold, predicted, reportLabels);
  const atThreshold = sweepThresholds(scored, oosIndex).find((p) => p.threshold === fitted.threshold)!;
  const correctRaw = scoredRaw.map((s) => s.label >= 0 && s.top === s.label);
  const correct = scored.map((s) => s.label >= 0 && s.top === s.label);
  const inScopeMask = scored.map((s) => s.label >= 0);
  const before = calibrationReport(
    scoredRaw.filter((_, i) => inScopeMask[i]).map((s) => s.confidence),
    correctRaw.filter((_, i) => inScopeMask[i]),
  );
  const after = calibrationReport(
    scored.filter((_, i) => inScopeMask[i]).map((s) => s.confidence),
    correct.filter((_, i) => inScopeMask[i]),
  );
  let perLanguage: Record<string, { examples: number; accuracy: number }> | undefined;
  if (opts.test.some((e) => e.lang)) {
    perLanguage = {};
    for (const lang of [...new Set(opts.test.map((e) => e.lang ?? '?'))].sort()) {
      const idx = opts.test.map((e, i) => (e.lang === lang ? i : -1)).filter((i) => i >= 0);
      perLanguage[lang] = {
        examples: idx.length,
        accuracy: idx.filter((i) => gold[i] === predicted[i]).length / idx.length,
      };
    }
  }

  return {
    model,
    featuriser,
    labels,
    temperature,
    threshold: fitted.threshold,
    report: {
      dataset: opts.dataset,
      examples: {
        train: trainedOn,
        validation: held.length / repeats,
        test: opts.test.length,
      },
      crossFitFolds: folds >= 2 ? folds : 0,
      crossFitRepeats: repeats,
      labels,
      heldOutLabels: opts.heldOutLabels ?? [],
      temperature,
      threshold: { value: fitted.threshold, objective, met: fitted.met, validation: fitted.point },
      test: {
        closedSetAccuracy: inScopeTest.filter((s) => s.top === s.label).length / (inScopeTest.length || 1),
        inScopeAccuracy: atThreshold.inScopeAccuracy,
        oosRecall: atThreshold.oosRecall,
        oosPrecision: atThreshold.oosPrecision,
        accuracy: metrics.accuracy,
        macroF1: metrics.macroF1,
        perIntent: metrics.perClass,
        confusion: metrics.confusion,
        perLanguage,
      },
      calibration: { eceBefore: before.ece, eceAfter: after.ece, binsBefore: before.bins, binsAfter: after.bins },
      sweep: sweepThresholds(scored, oosIndex),
      trainingLoss: trained.losses,
      trainSeconds,
    },
  };
}
