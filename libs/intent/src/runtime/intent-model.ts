import { INTENTS, type IntentName } from '../intents.js';
import type { IntentPrediction } from '../intent-classifier.port.js';

/** A loaded model of any kind, as the classifier adapter drives it. */
export interface LoadedIntentModel {
  /** `bag-mlp` (built by intent:train) or `transformer` (user-supplied ONNX + tokenizer.json). */
  readonly kind: 'bag-mlp' | 'transformer';
  /** Identifies the loaded bytes (sha256 of the ONNX file). */
  readonly version: string;
  readonly precision: string;
  readonly labels: readonly IntentName[];
  /** The model's fitted out-of-scope threshold. */
  readonly threshold: number;
  /** Calibrated class probabilities for each text (softmax(logits / T)). */
  probabilities(texts: string[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/**
 * Turn calibrated probabilities into the port's prediction. The ranking lists every label by
 * confidence. The chosen intent is out_of_scope when the model's own out-of-scope class wins or when
 * the best confidence is below the threshold; its confidence is then 1 − the best in-scope
 * confidence (how sure we are it is none of the intents).
 */
export function toPrediction(probs: Float32Array, labels: readonly IntentName[], threshold: number): IntentPrediction {
  const ranking = labels
    .map((name, i) => ({ name, confidence: probs[i] }))
    .sort((a, b) => b.confidence - a.confidence || (a.name < b.name ? -1 : 1));
  const top = ranking[0];
  const bestInScope = ranking.find((r) => r.name !== INTENTS.out_of_scope);
  if (top.name === INTENTS.out_of_scope || top.confidence < threshold) {
    return { name: INTENTS.out_of_scope, confidence: 1 - (bestInScope?.confidence ?? 0), ranking };
  }
  return { name: top.name, confidence: top.confidence, ranking };
}
