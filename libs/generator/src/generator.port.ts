/** Sampling controls (seed pages 1-2); every field optional, validated by the generator lib. */
export interface SamplingParams {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  repetition_penalty?: number;
  no_repeat_ngram_size?: number;
  num_beams?: number;
  do_sample?: boolean;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  params: SamplingParams;
  deadlineMs: number;
  signal?: AbortSignal;
}

export interface GenerateResult {
  text: string;
  finishReason: 'stop' | 'length' | 'content_filter' | 'error' | 'deadline';
  model: string;
  usage?: { promptTokens: number; completionTokens: number };
  latencyMs: number;
  /** Sampling parameters set for this call that the backend cannot honour (not sent). */
  ignoredParams?: (keyof SamplingParams)[];
  /** A reasoning model's thinking, dropped from `text` (never the answer): its length only. */
  thinking?: { strippedChars: number };
}

/** How a stream ended: what `stream()` returns after its last chunk (providers that know it). */
export type GenerateStreamEnd = Pick<GenerateResult, 'finishReason' | 'model' | 'usage' | 'ignoredParams' | 'thinking'>;

/** A streamed piece: raw text as it arrives, or a complete sentence as soon as one is known. */
export type GenerateChunk = { type: 'text'; text: string } | { type: 'sentence'; text: string };

/** Port of a large-model generator (OpenAI-compatible server, or the offline retrieval provider). */
export interface Generator {
  generate(req: GenerateRequest): Promise<GenerateResult>;
  /** Chunks; the iterator's return value, when there is one, says how the stream ended. */
  stream(req: GenerateRequest): AsyncIterable<GenerateChunk, GenerateStreamEnd | void>;
}

export const GENERATOR = Symbol('Generator');
