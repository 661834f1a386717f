export { INTENTS, INTENT_NAMES, isIntentName, type IntentName } from './intents.js';
export {
  INTENT_CLASSIFIER,
  type IntentClassifier,
  type IntentPrediction,
  type IntentScore,
} from './intent-classifier.port.js';
export { IntentModule, IntentModelLifecycle } from './intent.module.js';
export {
  intentModelDir,
  MAX_CLASSIFY_CHARS,
  OnnxIntentClassifier,
  type IntentModelStatus,
  type OnnxIntentClassifierOptions,
} from './runtime/onnx-intent-classifier.adapter.js';
export { toPrediction, type LoadedIntentModel } from './runtime/intent-model.js';
export { BagMlpIntentModel, IntentModelMismatchError } from './runtime/bag-mlp-intent.model.js';
export {
  isTransformerDir,
  TRANSFORMER_FILES,
  TransformerIntentModel,
  type TransformerSettings,
} from './runtime/transformer-intent.model.js';
export {
  CorpusError,
  languageOf,
  loadCorpusDir,
  loadCorpusFiles,
  parseCorpusFile,
  parseCsvCorpus,
  parseJsonlCorpus,
  parseYamlCorpus,
  type Corpus,
  type CorpusProblem,
  type LabelledExample,
  type LoadOptions,
} from './corpus/corpus.loader.js';
export { calibrationReport, fitTemperature, type ReliabilityBin } from './training/calibration.js';
export {
  fitThreshold,
  sweepThresholds,
  thresholdPoint,
  THRESHOLD_OBJECTIVES,
  type ScoredExample,
  type ThresholdObjective,
  type ThresholdPoint,
} from './training/threshold.js';
export { holdOutLabels, splitCorpus, stratifiedSplit } from './training/split.js';
export {
  logitsOf,
  SHIPPED_TRAIN_PARAMS,
  trainClassifier,
  type IntentTrainParams,
  type TrainedClassifier,
} from './training/intent-trainer.js';
export {
  buildIntentModel,
  INTENT_MODEL_FILES,
  INTENT_MODEL_FORMAT,
  REFERENCE_TOLERANCE,
  writeAtomic,
  type IntentModelMetadata,
} from './training/intent-model.builder.js';
export {
  classificationMetrics,
  roundDeep,
  type ClassificationMetrics,
  type ClassMetrics,
} from './evaluation/metrics.js';
export {
  trainAndEvaluate,
  type EvalExample,
  type EvaluationReport,
  type TrainedIntentModel,
} from './evaluation/train-and-evaluate.js';
export { renderHtmlReport, type ReportSection } from './evaluation/html-report.js';
