import type { AppConfig } from '@huashu/config';
import type { SamplingParams } from '../generator.port.js';
import { isGreedy } from './sampling-params.schema.js';

export type LlmBackend = AppConfig['generator']['backend'];

/** How a backend treats one sampling parameter. */
export type Support = 'standard' | 'extra' | 'no';

/**
 * Which parameter each backend honours on its OpenAI-compatible chat endpoint (README table is this
 * object). `standard` = an OpenAI field, `extra` = sent as an extra body field the server documents,
 * `no` = not sent (the server would ignore or reject it). Sources: vLLM "Extra Parameters for Chat API",
 * llama.cpp server README (`top_k`, `repeat_penalty`), Ollama "OpenAI compatibility" supported fields,
 * TGI Messages API (its ChatRequest has `temperature`, `top_p`, `max_tokens`, `stop`, `seed`,
 * `frequency_penalty` and no `top_k` or `repetition_penalty`: sent, they would be dropped silently).
 */
type NonStandardParam = 'top_k' | 'repetition_penalty' | 'no_repeat_ngram_size' | 'num_beams';

/** Every backend takes the OpenAI fields; the rest are off unless the backend documents them. */
const supportTable = (
  extras: Partial<Record<NonStandardParam, Support>> = {},
): Record<keyof SamplingParams, Support> => ({
  temperature: 'standard',
  top_p: 'standard',
  max_tokens: 'standard',
  stop: 'standard',
  seed: 'standard',
  do_sample: 'standard',
  top_k: 'no',
  repetition_penalty: 'no',
  no_repeat_ngram_size: 'no',
  num_beams: 'no',
  ...extras,
});

export const BACKEND_PARAM_SUPPORT: Record<LlmBackend, Record<keyof SamplingParams, Support>> = {
  openai: supportTable(),
  vllm: supportTable({ top_k: 'extra', repetition_penalty: 'extra', num_beams: 'extra' }),
  tgi: supportTable(),
  llamacpp: supportTable({ top_k: 'extra', repetition_penalty: 'extra' }),
  ollama: supportTable(),
};

/**
 * The extra fields that ask a backend's model not to think. vLLM "Reasoning Outputs": Qwen3 thinks by
 * default; enable_thinking=False in chat_template_kwargs turns it off. llama.cpp's server takes the same
 * per-request `chat_template_kwargs` (tools/server README: 'For example: {"enable_thinking": false}').
 * Ollama's OpenAI-compatible endpoint has no chat_template_kwargs and turns thinking off with
 * `reasoning_effort: "none"` (docs/api/openai-compatibility). TGI documents no switch; OpenAI's models
 * reject "none" unless recent: neither gets one.
 */
const THINKING_OFF: Record<LlmBackend, MappedParams['extra']> = {
  openai: {},
  vllm: { chat_template_kwargs: { enable_thinking: false } },
  tgi: {},
  llamacpp: { chat_template_kwargs: { enable_thinking: false } },
  ollama: { reasoning_effort: 'none' },
};

/** The request body fields for one backend: OpenAI fields plus that backend's extra fields. */
export interface MappedParams {
  standard: {
    temperature?: number;
    top_p?: number;
    max_tokens?: number;
    max_completion_tokens?: number;
    stop?: string[];
    seed?: number;
  };
  extra: Record<string, number | boolean | string | Record<string, unknown>>;
  /** Parameters the caller set that this backend cannot honour (recorded in the audit, never silently). */
  ignored: (keyof SamplingParams)[];
}

export interface MapOptions {
  /** Ask the model not to think, in the field this backend documents (none on OpenAI and TGI). */
  disableThinking?: boolean;
}

/**
 * Map validated params to what a backend accepts. `do_sample=false` becomes `temperature: 0`, the one
 * greedy switch every OpenAI-compatible server understands.
 */
export function mapParams(params: SamplingParams, backend: LlmBackend, options: MapOptions = {}): MappedParams {
  const support = BACKEND_PARAM_SUPPORT[backend];
  const standard: MappedParams['standard'] = {};
  const extra: MappedParams['extra'] = {};
  const ignored: (keyof SamplingParams)[] = [];

  if (isGreedy(params)) standard.temperature = 0;
  else if (params.temperature !== undefined) standard.temperature = params.temperature;
  // TGI rejects top_p = 1 ("`top_p` must be > 0.0 and < 1.0", text-generation-inference#2222); 1 means
  // no nucleus filtering, which is what leaving it out asks for.
  if (params.top_p !== undefined && !(backend === 'tgi' && params.top_p >= 1)) standard.top_p = params.top_p;
  // OpenAI's o-series and gpt-5 models reject max_tokens ("Use 'max_completion_tokens' instead"); every
  // current OpenAI chat model takes max_completion_tokens. Other servers keep the field they all read.
  if (params.max_tokens !== undefined) {
    if (backend === 'openai') standard.max_completion_tokens = params.max_tokens;
    else standard.max_tokens = params.max_tokens;
  }
  if (params.stop !== undefined && params.stop.length > 0) standard.stop = params.stop;
  if (params.seed !== undefined) standard.seed = params.seed;

  if (params.top_k !== undefined && params.top_k > 0) {
    if (support.top_k === 'extra') extra.top_k = params.top_k;
    else ignored.push('top_k');
  }
  if (params.repetition_penalty !== undefined) {
    // llama.cpp calls it repeat_penalty; vLLM and TGI use the HF name.
    if (support.repetition_penalty === 'extra')
      extra[backend === 'llamacpp' ? 'repeat_penalty' : 'repetition_penalty'] = params.repetition_penalty;
    else ignored.push('repetition_penalty');
  }
  if (params.no_repeat_ngram_size !== undefined && params.no_repeat_ngram_size > 0)
    ignored.push('no_repeat_ngram_size');
  if (params.num_beams !== undefined && params.num_beams > 1) {
    if (support.num_beams === 'extra') {
      // vLLM's chat endpoint takes the beam width from `n` (ChatCompletionRequest.to_beam_search_params:
      // beam_width = n) and answers with the beams best first; the provider reads choice 0.
      extra.use_beam_search = true;
      extra.n = params.num_beams;
    } else ignored.push('num_beams');
  }
  if (options.disableThinking) Object.assign(extra, THINKING_OFF[backend]);
  return { standard, extra, ignored };
}
