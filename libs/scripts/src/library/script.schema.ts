import { z } from 'zod';
import { INTENT_NAMES } from '@huashu/intent';
import { braceProblem } from '../matcher/slots.js';

/** Limits of the script library and its admin API (each breach is a clear 4xx). */
export const SCRIPT_LIMITS = {
  /** Characters of a script's text. */
  textMaxChars: 1000,
  /** Characters of a text to match. */
  matchTextMaxChars: 2000,
  /** Scripts in one import. */
  importMaxRows: 20_000,
  /** Bytes of an import body (route-level Fastify bodyLimit; the global limit stays 64 KiB). */
  importMaxBytes: 16 * 1024 * 1024,
  /** Largest k of a match. */
  maxK: 50,
  /** Scripts in one campaign's draft. */
  maxScripts: 200_000,
  tagsMax: 20,
  tagMaxChars: 40,
  /** Labelled pairs in one threshold sweep request. */
  sweepMaxPairs: 5000,
} as const;

export const SCRIPT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const CAMPAIGN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const SCRIPT_STAGES = ['new', 'engaged', 'interested', 'hot', 'closed'] as const;

/** What a client sends for one script (create, replace, import row). Server-owned fields are refused. */
export const scriptInputSchema = z.strictObject({
  id: z.string().regex(SCRIPT_ID_PATTERN, 'must be 1-100 letters, digits, _ . - starting with a letter or digit'),
  text: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(SCRIPT_LIMITS.textMaxChars, `must be at most ${SCRIPT_LIMITS.textMaxChars} characters`)
    // A stray brace would be spoken as is: refused here, on create, replace and every import row.
    .superRefine((text, ctx) => {
      const problem = braceProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  intent: z.enum(INTENT_NAMES as [string, ...string[]]).optional(),
  stage: z.enum(SCRIPT_STAGES).optional(),
  tags: z.array(z.string().min(1).max(SCRIPT_LIMITS.tagMaxChars)).max(SCRIPT_LIMITS.tagsMax).default([]),
  fallback: z.boolean().default(false),
  threshold: z.number().min(0).max(1).optional(),
  enabled: z.boolean().default(true),
  // Accepted (and ignored) so an export can be re-imported as is.
  campaignId: z.string().optional(),
  version: z.number().optional(),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});

export type ScriptInput = z.output<typeof scriptInputSchema>;

/** Issues of a zod parse as `{field, rule}` details. */
export const zodDetails = (error: z.ZodError): { field: string; rule: string }[] =>
  error.issues.map((i) => ({ field: i.path.join('.'), rule: i.message }));
