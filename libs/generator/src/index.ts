export {
  GENERATOR,
  type ChatMessage,
  type GenerateChunk,
  type GenerateRequest,
  type GenerateResult,
  type GenerateStreamEnd,
  type Generator,
  type SamplingParams,
} from './generator.port.js';
export { GENERATION_QUEUE, GENERATOR_BACKEND, GENERATOR_PROVIDERS } from './generator.constants.js';
export {
  GENERATOR_ERROR_KINDS,
  GeneratorBadResponseError,
  GeneratorCancelledError,
  GeneratorClientError,
  GeneratorError,
  GeneratorNoAnswerError,
  GeneratorRateLimitError,
  GeneratorRefusalError,
  GeneratorTimeoutError,
  GeneratorUnavailableError,
  InvalidSamplingParamsError,
  type GeneratorErrorKind,
} from './errors/generator.errors.js';
export {
  isGreedy,
  mergeSamplingParams,
  parseSamplingParams,
  samplingParamsSchema,
} from './sampling/sampling-params.schema.js';
export {
  BACKEND_PARAM_SUPPORT,
  mapParams,
  type LlmBackend,
  type MapOptions,
  type MappedParams,
  type Support,
} from './sampling/backend-params.js';
export {
  DEFAULT_POOL,
  SCORE_SCALE,
  hashSeed,
  sampleCandidate,
  seededRandom,
  type SamplingTrace,
  type ScoredCandidate,
} from './sampling/candidate-sampler.js';
export { SentenceSplitter, splitSentences } from './text/sentence-splitter.js';
export {
  stripThinking,
  ThinkingFilter,
  thinkingStartFor,
  type ThinkingStart,
  type ThinkingStripped,
} from './text/reasoning.js';
export { estimateTokens, isMostlyCjk, ngrams, textUnits, truncateToTokens } from './text/token-estimate.js';
export {
  buildPrompt,
  EXEMPLARS_HEADER,
  promptExemplars,
  type BuiltPrompt,
  type PromptInput,
} from './prompt/prompt-builder.js';
export { loadDialogueCorpus, dialoguePairSchema, type DialoguePair } from './corpus/dialogue-corpus.js';
export { OpenAiCompatibleProvider, type OpenAiProviderOptions } from './providers/openai-compatible.provider.js';
export { RetrievalProvider } from './providers/retrieval.provider.js';
export { GeneratorMetrics, BREAKER_STATE_VALUE } from './generator.metrics.js';
export { GeneratorBackendLoader } from './generator-backend.loader.js';
export { GenerationQueueFacade } from './queue/generation-queue.facade.js';
export { GenerationProcessor } from './queue/generation.processor.js';
export type {
  GenerationJobData,
  GenerationJobResult,
  GenerationProgress,
  GenerationReply,
} from './queue/generation-job.js';
export { GenerationProcessorModule, GeneratorBackendModule, GeneratorModule } from './generator.module.js';
export {
  MODEL_PRESETS,
  PRECISIONS,
  PRECISION_BYTES,
  planCapacity,
  resolveCapacityInput,
  type CapacityInput,
  type CapacityQuery,
  type CapacityPlan,
  type ModelArchitecture,
  type ModelPreset,
  type Precision,
} from './capacity/capacity-planner.js';
