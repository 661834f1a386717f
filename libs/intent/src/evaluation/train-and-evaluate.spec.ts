import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argmax, softmax } from '@huashu/ml';
import {
  fitTemperature,
  fitThreshold,
  languageOf,
  parseYamlCorpus,
  SHIPPED_TRAIN_PARAMS,
  stratifiedSplit,
  thresholdPoint,
  trainAndEvaluate,
  trainClassifier,
  type EvalExample,
  type IntentTrainParams,
  type TrainedIntentModel,
} from '@huashu/intent';

// A quarter of the shipped corpus and a small model: each training takes a fraction of a second.
const SMALL: IntentTrainParams = {
  ...SHIPPED_TRAIN_PARAMS,
  featuriser: { ...SHIPPED_TRAIN_PARAMS.featuriser, buckets: 1 << 12 },
  dim: 16,
  epochs: 4,
};
const examples: EvalExample[] = ['zh.yaml', 'en.yaml'].flatMap((file) =>
  parseYamlCorpus(readFileSync(join('data/intents', file), 'utf8'), file)
    .filter((_, i) => i % 4 === 0)
    .map((e) => ({ text: e.text, label: e.label, lang: languageOf(e.text) })),
);
const [train, validation, test] = stratifiedSplit(examples, (e) => `${e.label}|${e.lang}`, [0.7, 0.15, 0.15], 1);

/** Whether `result` holds the same model that trainClassifier gives on `on` alone (same seed, same weights). */
function isModelTrainedOn(result: TrainedIntentModel, on: EvalExample[], params: IntentTrainParams): boolean {
  const { model, featuriser, labels } = result;
  const alone = trainClassifier(
    on.map((e) => e.text),
    on.map((e) => labels.indexOf(e.label)),
    labels.length,
    params,
    { quiet: true },
  );
  return test.every((e) => {
    const f = featuriser.featurise(e.text);
    return Array.from(model.logits(f)).join() === Array.from(alone.model.logits(f)).join();
  });
}

describe('trainAndEvaluate: where the temperature and threshold are fitted', () => {
  it('without cross-fitting: on validation, for a model trained on train', () => {
    const params = { ...SMALL, crossFitFolds: 0 };
    const result = trainAndEvaluate({ dataset: 't', train, validation, test, params, quiet: true });
    expect(result.report.crossFitFolds).toBe(0);
    expect(result.report.examples).toEqual({ train: train.length, validation: validation.length, test: test.length });
    expect(isModelTrainedOn(result, train, params)).toBe(true);
  });

  it('with k folds: on out-of-fold predictions over train + validation, for a model trained on both', () => {
    const params = { ...SMALL, crossFitFolds: 3 };
    const result = trainAndEvaluate({ dataset: 't', train, validation, test, params, quiet: true });
    const { model, featuriser, report, threshold } = result;
    const pool = [...train, ...validation];
    expect(report.crossFitFolds).toBe(3);
    expect(report.examples).toEqual({ train: pool.length, validation: pool.length, test: test.length });
    // The shipped model is the one trained on all of train + validation, not on train alone.
    expect(isModelTrainedOn(result, pool, params)).toBe(true);
    expect(isModelTrainedOn(result, train, params)).toBe(false);
    // Out-of-fold scores are honest: at the fitted threshold they sit well below the pool model's
    // own fit on the utterances it was trained on.
    expect(report.threshold.validation.threshold).toBe(threshold);
    const oos = report.labels.indexOf('out_of_scope');
    const scored = pool.map((e) => {
      const p = softmax(
        model.logits(featuriser.featurise(e.text)),
        new Float32Array(report.labels.length),
        report.temperature,
      );
      const top = argmax(p);
      return { label: report.labels.indexOf(e.label), top, confidence: p[top] };
    });
    const resubstitution = thresholdPoint(scored, threshold, oos).inScopeAccuracy;
    expect(report.threshold.validation.inScopeAccuracy).toBeLessThan(resubstitution - 0.1);
  });

  it('with k folds repeated r times: on the r × n out-of-fold predictions pooled, each repeat with its own folds and seed', () => {
    const params = { ...SMALL, crossFitFolds: 3, crossFitRepeats: 3 };
    const { report, temperature, threshold } = trainAndEvaluate({
      dataset: 't',
      train,
      validation,
      test,
      params,
      quiet: true,
    });
    const pool = [...train, ...validation];
    const labels = report.labels;
    expect(report.crossFitRepeats).toBe(3);
    expect(report.examples).toEqual({ train: pool.length, validation: pool.length, test: test.length });
    // The same pool rebuilt here: repeat r deals folds with seed + 1 + r and trains them with seed + r.
    const logits: Float32Array[] = [];
    const gold: number[] = [];
    for (let r = 0; r < 3; r++) {
      const parts = stratifiedSplit(pool, (e) => `${e.label}|${e.lang}`, [1 / 3, 1 / 3, 1 / 3], params.seed + 1 + r);
      parts.forEach((part, k) => {
        const on = parts.filter((_, j) => j !== k).flat();
        const fold = trainClassifier(
          on.map((e) => e.text),
          on.map((e) => labels.indexOf(e.label)),
          labels.length,
          { ...params, seed: params.seed + r },
          { quiet: true },
        );
        for (const e of part) {
          logits.push(fold.model.logits(fold.featuriser.featurise(e.text)));
          gold.push(labels.indexOf(e.label));
        }
      });
    }
    expect(temperature).toBe(fitTemperature(logits, gold));
    const scored = logits.map((l, i) => {
      const p = softmax(l, new Float32Array(labels.length), temperature);
      const top = argmax(p);
      return { label: gold[i], top, confidence: p[top] };
    });
    const fitted = fitThreshold(scored, labels.indexOf('out_of_scope'));
    expect(threshold).toBe(fitted.threshold);
    expect(report.threshold.validation).toEqual(fitted.point);
    // One repeat is the plain k-fold fit.
    const [once, plain] = [
      { ...params, crossFitRepeats: 1 },
      { ...SMALL, crossFitFolds: 3 },
    ].map((p) => trainAndEvaluate({ dataset: 't', train, validation, test, params: p, quiet: true }));
    expect([once.temperature, once.threshold, once.report.crossFitRepeats]).toEqual([
      plain.temperature,
      plain.threshold,
      1,
    ]);
  });

  it('with k folds, labels held out of training (OOS protocol) stay out of every fold model', () => {
    const held = new Set(['complaint', 'ask_human']);
    const { report } = trainAndEvaluate({
      dataset: 't',
      train: train.filter((e) => !held.has(e.label)),
      validation,
      test,
      params: { ...SMALL, crossFitFolds: 3 },
      heldOutLabels: [...held],
      quiet: true,
    });
    expect(report.labels.some((l) => held.has(l))).toBe(false);
    // Their validation utterances are still scored, as out-of-scope examples.
    const kept = train.filter((e) => !held.has(e.label));
    expect(report.examples.validation).toBe(kept.length + validation.length);
    expect(report.examples.train).toBe(kept.length + validation.filter((e) => !held.has(e.label)).length);
    expect(report.threshold.validation.oosRecall).toBeGreaterThan(0);
  });
});
