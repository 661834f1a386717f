import type { IntentName } from './intents.js';

export interface IntentScore {
  name: IntentName;
  confidence: number;
}

/** A classification: the chosen intent (out_of_scope below the threshold) and the full ranking. */
export interface IntentPrediction extends IntentScore {
  ranking: IntentScore[];
}

/**
 * Port of the intent classifier (ONNX in production). `threshold` overrides the model's fitted
 * out-of-scope threshold (a campaign's intent threshold).
 */
export interface IntentClassifier {
  classify(text: string, opts?: { threshold?: number }): Promise<IntentPrediction>;
}

export const INTENT_CLASSIFIER = Symbol('IntentClassifier');
