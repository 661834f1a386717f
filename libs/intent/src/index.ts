export { INTENTS, INTENT_NAMES, isIntentName, type IntentName } from './intents.js';
export {
  INTENT_CLASSIFIER,
  type IntentClassifier,
  type IntentPrediction,
  type IntentScore,
} from './intent-classifier.port.js';
