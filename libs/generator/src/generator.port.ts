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
}

/** A streamed piece: raw text as it arrives, or a complete sentence as soon as one is known. */
export type GenerateChunk = { type: 'text'; text: string } | { type: 'sentence'; text: string };

/** Port of a large-model generator (OpenAI-compatible server, or the offline retrieval provider). */
export interface Generator {
  generate(req: GenerateRequest): Promise<GenerateResult>;
  stream(req: GenerateRequest): AsyncIterable<GenerateChunk>;
}

export const GENERATOR = Symbol('Generator');
