export { EMBEDDER, type Embedder } from './embedder.port.js';
export { EMBEDDING_FAILURES, EmbeddingException, type EmbeddingFailure } from './embedding.exception.js';
export {
  EMBEDDER_PROVIDERS,
  dot,
  l2NormalizeInPlace,
  type EmbedderProvider,
  type EmbedderStatus,
  type ManagedEmbedder,
} from './managed-embedder.js';
export { BUILTIN_EMBEDDER_DIR, createEmbedder } from './embedder.factory.js';
export { EmbeddingModule } from './embedding.module.js';
export { InstrumentedEmbedder } from './embedding.metrics.js';
export { OpenAiEmbedderAdapter, type OpenAiEmbedderOptions } from './openai/openai-embedder.adapter.js';
export {
  OnnxSentenceEmbedderAdapter,
  type OnnxSentenceEmbedderOptions,
} from './onnx/onnx-sentence-embedder.adapter.js';
export { BuiltinEmbedderAdapter, type BuiltinEmbedderOptions } from './builtin/builtin-embedder.adapter.js';
export { BUILTIN_MODEL_FILES } from './builtin/builtin-encoder.files.js';
export { SentenceEncoderModel, type SentenceEncoderShape } from './builtin/sentence-encoder.model.js';
export {
  SENTENCE_ENCODER_IO,
  exportSentenceEncoderOnnx,
  tableForPrecision,
} from './builtin/sentence-encoder.onnx-export.js';
export { ContrastiveTrainer, type ContrastiveOptions, type TrainingGroup } from './training/contrastive-trainer.js';
export {
  PARAPHRASE_LANGS,
  isHeldOut,
  loadParaphrases,
  parseParaphrases,
  type ParaphraseGroup,
} from './training/embedding-corpus.js';
export {
  pairMetrics,
  rocAuc,
  thresholdSweep,
  type PairMetrics,
  type ScoredPair,
  type ThresholdPoint,
} from './training/similarity-metrics.js';
export {
  DEFAULT_ENCODER_PARAMS,
  evaluateParaphrases,
  idfScale,
  packageEncoder,
  referenceEmbed,
  scoreParaphrasePairs,
  trainEncoder,
  type BuiltinEncoderMetadata,
  type EncoderTrainParams,
  type ParaphraseEvaluation,
  type ParaphrasePairs,
  type TrainedEncoder,
} from './training/train-encoder.js';
export { renderEmbeddingReport, type ReportSection } from './training/embedding-report.html.js';
