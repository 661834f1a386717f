export {
  GENERATOR,
  type ChatMessage,
  type GenerateChunk,
  type GenerateRequest,
  type GenerateResult,
  type Generator,
  type SamplingParams,
} from './generator.port.js';
