import { z } from 'zod';
import { samplingParamsSchema } from '@huashu/generator';
import { INTENT_NAMES } from '@huashu/intent';

/** Sampling parameters: the generator lib's schema, so the campaign endpoint and the generator agree. */
export const campaignSamplingParamsSchema = samplingParamsSchema;

const intentName = z.enum(INTENT_NAMES as [string, ...string[]]);
const inScopeIntentName = z.enum(INTENT_NAMES.filter((n) => n !== 'out_of_scope') as [string, ...string[]]);
/**
 * Bounds on intent examples (per intent or script, and in all): each is embedded once per campaign
 * version and scanned on out_of_scope turns and generator-route turns.
 */
export const MAX_INTENT_EXAMPLES = 1000;
export const MAX_INTENT_EXAMPLES_PER_INTENT = 200;
export const MAX_INTENT_EXAMPLE_CHARS = 300;
const scriptId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'must be a script id');
const exampleList = z
  .array(
    z
      .string()
      .trim()
      .min(1, 'must not be blank')
      .max(MAX_INTENT_EXAMPLE_CHARS, `must be at most ${MAX_INTENT_EXAMPLE_CHARS} characters`),
  )
  .max(MAX_INTENT_EXAMPLES_PER_INTENT);
const countExamples = (lists: Record<string, string[] | undefined>): number =>
  Object.values(lists).reduce((n, list) => n + (list?.length ?? 0), 0);
const intentExamples = z
  .strictObject({
    threshold: z.number().min(0).max(1),
    minConfidence: z.number().min(0).max(1),
    byIntent: z.partialRecord(inScopeIntentName, exampleList),
    byScript: z.record(scriptId, exampleList),
  })
  .refine((e) => countExamples(e.byIntent) + countExamples(e.byScript) <= MAX_INTENT_EXAMPLES, {
    message: `at most ${MAX_INTENT_EXAMPLES} examples in all (byIntent and byScript)`,
    path: ['byIntent'],
  })
  .refine((e) => Object.keys(e.byScript).length <= MAX_INTENT_EXAMPLES, {
    message: `at most ${MAX_INTENT_EXAMPLES} scripts`,
    path: ['byScript'],
  });
const routeKind = z.enum(['script', 'generator', 'fallback']);
const routeAction = z.enum(['continue', 'transfer', 'hangup']);
const routeTarget = z.strictObject({ route: routeKind, action: routeAction });
const routeRule = z.strictObject({
  route: routeKind,
  action: routeAction,
  byStage: z
    .strictObject({
      new: routeTarget.optional(),
      engaged: routeTarget.optional(),
      interested: routeTarget.optional(),
      hot: routeTarget.optional(),
    })
    .optional(),
});
const policyAction = z.enum(['block', 'redact', 'flag']);
const policyMap = z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a compliance category'), policyAction);
const ms = z.number().int().min(1).max(60_000);
const slotName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a slot name');

/** The whole campaign document as stored (server-owned fields included). */
export const campaignSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a campaign id'),
  name: z.string().min(1).max(200),
  language: z.enum(['zh', 'en']),
  matchThreshold: z.number().min(0).max(1),
  intentThreshold: z.number().min(0).max(1).optional(),
  intentExamples,
  openingScriptId: scriptId.optional(),
  goodbyeScriptId: scriptId.optional(),
  defaultFallbackScriptId: scriptId.optional(),
  routes: z.partialRecord(intentName, routeRule),
  maxConsecutiveFallbacks: z.number().int().min(1).max(20),
  fallbackEscalation: z.enum(['transfer', 'hangup']),
  transferTarget: z.string().min(1).max(200).optional(),
  slots: z.record(slotName, z.string().max(200)),
  slotsByLanguage: z.partialRecord(z.enum(['zh', 'en']), z.record(slotName, z.string().max(200))),
  generator: z.strictObject({
    systemPrompt: z.string().max(8000),
    productFacts: z.array(z.string().min(1).max(1000)).max(100),
    params: campaignSamplingParamsSchema,
    paramsByIntent: z.partialRecord(intentName, campaignSamplingParamsSchema),
    exemplars: z.number().int().min(0).max(20),
  }),
  deadlines: z
    .strictObject({
      phoneMs: z.number().int().min(100).max(60_000),
      restMs: z.number().int().min(100).max(60_000),
      stages: z.strictObject({ classify: ms, generate: ms, comply: ms, match: ms }),
    })
    .refine((d) => d.stages.classify + d.stages.comply + d.stages.match < Math.min(d.phoneMs, d.restMs), {
      message: 'classify + comply + match budgets must leave room within the turn deadlines',
      path: ['stages'],
    }),
  compliance: z.strictObject({ input: policyMap, output: policyMap }),
  version: z.number().int().min(0),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

/** Fields a client may not set: the server owns them. */
export const SERVER_OWNED_FIELDS = ['version', 'updatedAt', 'updatedBy'] as const;
