import { z } from 'zod';
import { InvalidSamplingParamsError } from '../errors/generator.errors.js';
import type { SamplingParams } from '../generator.port.js';

/**
 * Sampling parameters (seed page 2), one zod schema shared by the generator and the campaign admin
 * endpoint. Ranges follow the OpenAI API where it has the field (temperature 0-2, top_p 0-1, at most
 * 4 stop strings) and Hugging Face `generate()` semantics for the rest (top_k 0 = off, repetition_penalty
 * 1 = off, no_repeat_ngram_size 0 = off, num_beams 1 = no beam search).
 */
export const samplingParamsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0, 'must be > 0').max(1).optional(),
    top_k: z.number().int().min(0).max(1000).optional(),
    repetition_penalty: z.number().gt(0, 'must be > 0').max(2).optional(),
    no_repeat_ngram_size: z.number().int().min(0).max(20).optional(),
    num_beams: z.number().int().min(1).max(16).optional(),
    do_sample: z.boolean().optional(),
    max_tokens: z.number().int().min(1).max(8192).optional(),
    stop: z.array(z.string().min(1).max(64)).max(4).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    // do_sample=false means greedy decoding (HF semantics): sampling knobs would be silently ignored,
    // so a contradictory combination is an error rather than a surprise.
    if (p.do_sample === false) {
      if (p.temperature !== undefined && p.temperature > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['temperature'],
          message: 'must be 0 or unset when do_sample=false (greedy)',
        });
      if (p.top_p !== undefined && p.top_p < 1)
        ctx.addIssue({ code: 'custom', path: ['top_p'], message: 'must be 1 or unset when do_sample=false (greedy)' });
      if (p.top_k !== undefined && p.top_k > 1)
        ctx.addIssue({ code: 'custom', path: ['top_k'], message: 'must be 1 or unset when do_sample=false (greedy)' });
    }
  }) satisfies z.ZodType<SamplingParams>;

/** Validate untrusted sampling parameters; throws InvalidSamplingParamsError listing each field and rule. */
export function parseSamplingParams(input: unknown): SamplingParams {
  const parsed = samplingParamsSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidSamplingParamsError(
    parsed.error.issues.map((issue) => ({
      field:
        issue.path.length > 0
          ? issue.path.join('.')
          : issue.code === 'unrecognized_keys'
            ? issue.keys.join(',')
            : 'params',
      rule: issue.message,
    })),
  );
}

/**
 * Campaign params overridden per route/intent. An override with `do_sample: false` switches to greedy,
 * so the base's sampling knobs are dropped instead of producing a contradiction.
 */
export function mergeSamplingParams(base: SamplingParams, override: SamplingParams | undefined): SamplingParams {
  if (!override) return { ...base };
  const merged: SamplingParams = { ...base, ...override };
  if (override.do_sample === false) {
    if (override.temperature === undefined) delete merged.temperature;
    if (override.top_p === undefined) delete merged.top_p;
    if (override.top_k === undefined) delete merged.top_k;
  }
  return merged;
}

/** Greedy when sampling is off or the temperature is 0. */
export const isGreedy = (p: SamplingParams): boolean => p.do_sample === false || p.temperature === 0;
