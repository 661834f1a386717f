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
 * TGI Messages API.
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
  tgi: supportTable({ top_k: 'extra', repetition_penalty: 'extra' }),
  llamacpp: supportTable({ top_k: 'extra', repetition_penalty: 'extra' }),
  ollama: supportTable(),
};

/** The request body fields for one backend: OpenAI fields plus that backend's extra fields. */
export interface MappedParams {
  standard: { temperature?: number; top_p?: number; max_tokens?: number; stop?: string[]; seed?: number };
  extra: Record<string, number | boolean>;
  /** Parameters the caller set that this backend cannot honour (recorded in the audit, never silently). */
  ignored: (keyof SamplingParams)[];
}

/**
 * Map validated params to what a backend accepts. `do_sample=false` becomes `temperature: 0`, the one
 * greedy switch every OpenAI-compatible server understands.
 */
export function mapParams(params: SamplingParams, backend: LlmBackend): MappedParams {
  const support = BACKEND_PARAM_SUPPORT[backend];
  const standard: MappedParams['standard'] = {};
  const extra: MappedParams['extra'] = {};
  const ignored: (keyof SamplingParams)[] = [];

  if (isGreedy(params)) standard.temperature = 0;
  else if (params.temperature !== undefined) standard.temperature = params.temperature;
  if (params.top_p !== undefined) standard.top_p = params.top_p;
  if (params.max_tokens !== undefined) standard.max_tokens = params.max_tokens;
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
      // vLLM's beam search: use_beam_search with best_of = beam width (vLLM "Extra Parameters").
      extra.use_beam_search = true;
      extra.best_of = params.num_beams;
    } else ignored.push('num_beams');
  }
  return { standard, extra, ignored };
}
