import { InvalidSamplingParamsError } from '../errors/generator.errors.js';
import { mapParams } from './backend-params.js';
import { isGreedy, mergeSamplingParams, parseSamplingParams } from './sampling-params.schema.js';

describe('sampling parameters', () => {
  it('accepts every field within range', () => {
    const p = {
      temperature: 0.7,
      top_p: 0.9,
      top_k: 50,
      repetition_penalty: 1.1,
      no_repeat_ngram_size: 3,
      num_beams: 2,
      do_sample: true,
      max_tokens: 128,
      stop: ['。'],
      seed: 42,
    };
    expect(parseSamplingParams(p)).toEqual(p);
    expect(parseSamplingParams(undefined)).toEqual({});
  });

  it.each([
    [{ temperature: -0.1 }, 'temperature'],
    [{ temperature: 2.5 }, 'temperature'],
    [{ top_p: 0 }, 'top_p'],
    [{ top_p: 1.01 }, 'top_p'],
    [{ top_k: -1 }, 'top_k'],
    [{ top_k: 2.5 }, 'top_k'],
    [{ repetition_penalty: 0 }, 'repetition_penalty'],
    [{ no_repeat_ngram_size: -1 }, 'no_repeat_ngram_size'],
    [{ no_repeat_ngram_size: 21 }, 'no_repeat_ngram_size'],
    [{ num_beams: 17 }, 'num_beams'],
    [{ num_beams: 0 }, 'num_beams'],
    [{ max_tokens: 0 }, 'max_tokens'],
    [{ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ stop: [''] }, 'stop.0'],
    [{ do_sample: 'yes' }, 'do_sample'],
    [{ temperature: '0.5' }, 'temperature'],
    [{ seed: -1 }, 'seed'],
    [{ nucleus: 0.9 }, 'nucleus'],
    [{ do_sample: false, temperature: 0.8 }, 'temperature'],
    [{ do_sample: false, top_k: 10 }, 'top_k'],
  ])('rejects %j naming %s', (input, field) => {
    try {
      parseSamplingParams(input);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidSamplingParamsError);
      const e = err as InvalidSamplingParamsError;
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule: expect.any(String) })]));
    }
  });

  it('rejects non-objects', () => {
    for (const bad of [[], 'hot', 5, null])
      expect(() => parseSamplingParams(bad === null ? 'x' : bad)).toThrow(InvalidSamplingParamsError);
  });

  it('treats do_sample=false and temperature 0 as greedy', () => {
    expect(isGreedy({ do_sample: false })).toBe(true);
    expect(isGreedy({ temperature: 0 })).toBe(true);
    expect(isGreedy({ temperature: 0.2 })).toBe(false);
  });

  it('a greedy override drops the base sampling knobs instead of contradicting them', () => {
    const merged = mergeSamplingParams({ temperature: 0.8, top_p: 0.9, max_tokens: 100 }, { do_sample: false });
    expect(merged).toEqual({ do_sample: false, max_tokens: 100 });
    expect(() => parseSamplingParams(merged)).not.toThrow();
    expect(mergeSamplingParams({ temperature: 0.8 }, { temperature: 0.3 })).toEqual({ temperature: 0.3 });
  });

  it('maps per backend and reports what it cannot honour', () => {
    const p = { temperature: 0.5, top_k: 20, repetition_penalty: 1.3, no_repeat_ngram_size: 2, num_beams: 4 };
    expect(mapParams(p, 'vllm')).toEqual({
      standard: { temperature: 0.5 },
      extra: { top_k: 20, repetition_penalty: 1.3, use_beam_search: true, n: 4 },
      ignored: ['no_repeat_ngram_size'],
    });
    expect(mapParams(p, 'llamacpp').extra).toEqual({ top_k: 20, repeat_penalty: 1.3 });
    expect(mapParams(p, 'openai')).toEqual({
      standard: { temperature: 0.5 },
      extra: {},
      ignored: ['top_k', 'repetition_penalty', 'no_repeat_ngram_size', 'num_beams'],
    });
    expect(mapParams({ do_sample: false }, 'ollama').standard).toEqual({ temperature: 0 });
    // top_k 0 means off (HF): nothing is sent.
    expect(mapParams({ top_k: 0 }, 'vllm')).toEqual({ standard: {}, extra: {}, ignored: [] });
  });

  it('sends TGI only what its chat endpoint reads, and no top_p of 1 (TGI rejects it)', () => {
    const p = { temperature: 0.5, top_p: 1, top_k: 20, repetition_penalty: 1.3, max_tokens: 64 };
    expect(mapParams(p, 'tgi')).toEqual({
      standard: { temperature: 0.5, max_tokens: 64 },
      extra: {},
      ignored: ['top_k', 'repetition_penalty'],
    });
    expect(mapParams({ top_p: 0.9 }, 'tgi').standard).toEqual({ top_p: 0.9 });
    expect(mapParams({ top_p: 1 }, 'vllm').standard).toEqual({ top_p: 1 });
  });

  it('sends max_completion_tokens to OpenAI and max_tokens to the other servers', () => {
    expect(mapParams({ max_tokens: 64 }, 'openai').standard).toEqual({ max_completion_tokens: 64 });
    for (const backend of ['vllm', 'tgi', 'llamacpp', 'ollama'] as const)
      expect(mapParams({ max_tokens: 64 }, backend).standard).toEqual({ max_tokens: 64 });
  });

  it('asks the model not to think only when told to, in the field each backend documents', () => {
    for (const backend of ['vllm', 'llamacpp'] as const)
      expect(mapParams({}, backend, { disableThinking: true }).extra).toEqual({
        chat_template_kwargs: { enable_thinking: false },
      });
    expect(mapParams({}, 'ollama', { disableThinking: true }).extra).toEqual({ reasoning_effort: 'none' });
    expect(mapParams({}, 'vllm').extra).toEqual({});
    expect(mapParams({}, 'openai', { disableThinking: true }).extra).toEqual({});
    expect(mapParams({}, 'tgi', { disableThinking: true }).extra).toEqual({});
  });
});
