import { z } from 'zod';
import { samplingParamsSchema } from '@huashu/generator';
import { INTENT_NAMES, type IntentName } from '@huashu/intent';
import { DEFAULT_QUESTION_ASK_AT_MOST, defaultCampaign } from './campaign.defaults.js';
import { QUESTION_KINDS } from './campaign.js';

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
/** Bound on `followOns` entries (one per lead-in script). */
export const MAX_FOLLOW_ONS = 1000;
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
    threshold: z
      .number()
      .min(0)
      .max(1)
      .describe('Encoder similarity an example needs, for an intent and for an answer (default 0.65).'),
    minConfidence: z
      .number()
      .min(0)
      .max(1)
      .describe('The intent model must give the example’s intent at least this probability (default 0.01).'),
    byIntent: z
      .partialRecord(inScopeIntentName, exampleList)
      .describe('Examples per in-scope intent: what customers say for it, in the campaign’s own words.'),
    byScript: z
      .record(scriptId, exampleList)
      .describe(
        'Examples per script id: what customers say that this approved reply answers. They count for the ' +
          'script’s intent, and put the script first among the generator prompt’s approved replies.',
      ),
  })
  .refine((e) => countExamples(e.byIntent) + countExamples(e.byScript) <= MAX_INTENT_EXAMPLES, {
    message: `at most ${MAX_INTENT_EXAMPLES} examples in all (byIntent and byScript)`,
    path: [],
  })
  .refine((e) => Object.keys(e.byScript).length <= MAX_INTENT_EXAMPLES, {
    message: `at most ${MAX_INTENT_EXAMPLES} scripts`,
    path: ['byScript'],
  });
/** Most questions a campaign declares. */
export const MAX_CAMPAIGN_QUESTIONS = 100;
/**
 * Intents an answer to a question may be handled as: any in-scope intent but do_not_call, whose listing
 * is for good and so never follows from an answer the model could not place.
 */
export const QUESTION_INTENTS = INTENT_NAMES.filter((n) => n !== 'out_of_scope' && n !== 'do_not_call');
/** Most times a question may be said in a row to a caller who only agrees (`askAtMost`). */
export const MAX_QUESTION_ASKS = 5;
const question = z
  .strictObject({
    kind: z
      .enum(QUESTION_KINDS)
      .optional()
      .describe(
        'What the question asks for, so which words answer it (default `text`): `text` any words that are not ' +
          'clearly something else; `address` only words that name a place (小区, 路, 栋, “street”, a house number, ' +
          'a postcode); `identity` (“is this Mr Wang?”) keeps no answer, takes no `answer`, `intent` or ' +
          '`askAtMost`, and a no to it is wrong_person.',
      ),
    answer: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be an answer name: a-z, 0-9 and _, starting with a letter')
      .optional()
      .describe(
        'Name the answer is kept under in the session and the transfer’s lead summary, e.g. `address` ' +
          '(required but for an `identity` question).',
      ),
    intent: z
      .enum(QUESTION_INTENTS as [IntentName, ...IntentName[]])
      .optional()
      .describe(
        'The intent an answer is handled as, e.g. `ready_to_buy` (not out_of_scope, not do_not_call; required ' +
          'but for an `identity` question).',
      ),
    askAtMost: z
      .number()
      .int()
      .min(1)
      .max(MAX_QUESTION_ASKS)
      .optional()
      .describe(
        'Times the question is said in a row to a caller who only agrees (a bare yes answers nothing, so it is ' +
          `asked again), 1–${MAX_QUESTION_ASKS}, default ${DEFAULT_QUESTION_ASK_AT_MOST}: the next bare yes is handled as \`intent\` ` +
          'without an answer (`ready_to_buy`: the willing lead is handed to a closer, the summary saying what is still to ask).',
      ),
  })
  .superRefine((q, ctx) => {
    const identity = q.kind === 'identity';
    for (const field of ['answer', 'intent', 'askAtMost'] as const) {
      if (identity && q[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'an identity question keeps no answer' });
      } else if (!identity && field !== 'askAtMost' && q[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'required' });
      }
    }
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

/** An IANA zone name the runtime knows: Intl.DateTimeFormat throws a RangeError on any other. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A wall-clock time of day, "HH:MM" (00:00–23:59; an end may be 24:00, the end of the day). */
const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time of day HH:MM (00:00–24:00)');
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** The whole campaign document as stored (server-owned fields included). */
export const campaignSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a campaign id'),
  name: z.string().min(1).max(200),
  language: z.enum(['zh', 'en']),
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone name, e.g. Asia/Shanghai')
    .optional()
    .describe(
      'IANA time zone of the campaign’s customers (Asia/Shanghai): a callback asked for “明天下午” or ' +
        '“at 3” is at that time there. Unset: the process’s time zone (TZ).',
    ),
  callingHours: z
    .strictObject({
      start: clockTime.describe('First time of day a callback may be due, HH:MM (default 09:00).'),
      end: clockTime.describe('Time of day callbacks stop, HH:MM, not included; 24:00 is midnight (default 20:00).'),
    })
    .refine((h) => h.start !== '24:00' && minutesOf(h.start) < minutesOf(h.end), {
      message: 'start must be before end (00:00–24:00 calls around the clock)',
      path: ['end'],
    })
    .describe(
      'When a callback may be due, on the campaign’s clock (timeZone): a time the customer asked for, or the ' +
        'default delay, outside these hours moves to the next allowed time (actionDetail.callback.movedFrom ' +
        'says from when). Default 09:00–20:00.',
    ),
  matchThreshold: z
    .number()
    .min(0)
    .max(1)
    .describe('Similarity a candidate answer needs to an approved script (a script’s own threshold wins).'),
  intentThreshold: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Overrides the intent model’s fitted out-of-scope threshold.'),
  intentExamples: intentExamples.describe(
    'The campaign’s own phrasings: an example said word for word decides the intent; where the model says ' +
      'out_of_scope, the nearest example’s intent is taken ' +
      'if similar enough and not ruled out by the model. At most 200 examples per intent or script, 1,000 in all.',
  ),
  askedSlots: z
    .partialRecord(inScopeIntentName, slotName)
    .describe(
      'The slot an intent’s question asks for (default ask_price → price): the first answer to that intent in a ' +
        'conversation puts the intent’s approved replies that state it first in the generator prompt, unless a ' +
        'campaign example and the utterance’s words point to another reply.',
    ),
  followOns: z
    .record(scriptId, scriptId)
    .refine((m) => Object.keys(m).length <= MAX_FOLLOW_ONS, { message: `at most ${MAX_FOLLOW_ONS} follow-ons` })
    .refine((m) => Object.entries(m).every(([from, to]) => from !== to), {
      message: 'a script cannot follow itself',
    })
    .describe(
      'Script id → the script said right after it in the same reply: a line that promises content ' +
        '(“那我先简单说一下套餐内容”) and the line that delivers it. The reply’s text is both, its scriptId the first, ' +
        'followOn the second; skipped when the conversation heard the second already or it does not fit the turn.',
    ),
  openingScriptId: scriptId.optional(),
  goodbyeScriptId: scriptId.optional(),
  defaultFallbackScriptId: scriptId.optional(),
  questions: z
    .record(scriptId, question)
    .refine((q) => Object.keys(q).length <= MAX_CAMPAIGN_QUESTIONS, {
      message: `at most ${MAX_CAMPAIGN_QUESTIONS} questions`,
    })
    .describe(
      'Scripts that ask the caller something, by script id (a script of the campaign’s library), and what an ' +
        'answer means: when the bot’s last line was one and the caller’s turn is not clearly something else ' +
        '(out_of_scope, or a weak intent that neither declines, ends nor escalates the call, no question back, no ' +
        'hesitation, and for an `address` question words that name a place), the turn is handled as `intent` and the ' +
        'redacted answer is kept under `answer` for the closer; after an `identity` question a no is wrong_person. ' +
        `At most ${MAX_CAMPAIGN_QUESTIONS}.`,
    ),
  routes: z
    .partialRecord(intentName, routeRule)
    .describe('Route table by intent (DESIGN §3 defaults for intents left out); byStage overrides per lead stage.'),
  maxConsecutiveFallbacks: z.number().int().min(1).max(20).describe('Fallbacks in a row before escalation.'),
  fallbackEscalation: z.enum(['transfer', 'hangup']),
  doNotCallConfirmBelow: z
    .number()
    .min(0)
    .max(1)
    .describe(
      'A do_not_call heard by the intent model alone (not input screening, not an example said verbatim) ' +
        'with a confidence below this is confirmed with the customer before the number is listed (default 0.92; 0 never asks).',
    ),
  abuseHangupAfter: z
    .number()
    .int()
    .min(1)
    .max(10)
    .describe(
      'The abusive turn (input screening’s `abuse` category) on which the call is ended politely: the ' +
        'goodbye and `hangup`, reason `abuse`. Earlier abusive turns hear the library’s calming line (a ' +
        'script tagged `abuse`) and the call goes on; counted over the whole call (default 2; 1 hangs up at once).',
    ),
  transferTarget: z.string().min(1).max(200).optional(),
  slots: z.record(slotName, z.string().max(200)),
  slotsByLanguage: z.partialRecord(z.enum(['zh', 'en']), z.record(slotName, z.string().max(200))),
  generator: z.strictObject({
    systemPrompt: z.string().max(8000),
    productFacts: z.array(z.string().min(1).max(1000)).max(100),
    params: campaignSamplingParamsSchema,
    paramsByIntent: z.partialRecord(intentName, campaignSamplingParamsSchema),
    exemplars: z.number().int().min(0).max(20).describe('Approved replies the generator prompt quotes.'),
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

/**
 * The campaign document as OpenAPI 3.0 schemas, from the zod schema the endpoint validates with
 * (zod's own converter; refinements such as the example totals are stated in the descriptions, and
 * record keys are not constrained in OpenAPI 3.0): `campaign` is what GET and PUT return, `patch`
 * what PUT takes, a JSON Merge Patch, so nothing in it is required, server-owned fields are absent,
 * and a member is nullable where null can remove it (see `asMergePatch`).
 */
export function campaignOpenApiSchemas(): { campaign: Record<string, unknown>; patch: Record<string, unknown> } {
  const campaign = z.toJSONSchema(campaignSchema, { target: 'openapi-3.0', io: 'output' }) as Record<string, unknown>;
  const input = z.toJSONSchema(campaignSchema, { target: 'openapi-3.0', io: 'input' });
  const patch = asMergePatch(input, defaultCampaign('campaign')) as { properties: Record<string, unknown> };
  for (const field of SERVER_OWNED_FIELDS) delete patch.properties[field];
  return { campaign, patch };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A schema as a JSON Merge Patch of it: nothing required, and a member nullable where null can remove
 * it (RFC 7396), which is where the document can do without it: an optional member, a record entry,
 * or a member with a default to go back to (`defaults`: the default campaign at this node; the PUT
 * fills removed members from it). A required member without a default (the route of a `byStage`
 * target) is not nullable: null there is a 400.
 */
function asMergePatch(node: unknown, defaults: unknown, nullable = false): unknown {
  if (Array.isArray(node)) return node.map((n) => asMergePatch(n, undefined));
  if (!isPlainObject(node)) return node;
  const required = new Set(Array.isArray(node.required) ? node.required : []);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'required') continue;
    if (key === 'properties' && isPlainObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, member]) => {
          const d = isPlainObject(defaults) ? defaults[name] : undefined;
          return [name, asMergePatch(member, d, !required.has(name) || d !== undefined)];
        }),
      );
    } else if (key === 'additionalProperties' && isPlainObject(value)) {
      const entryDefault = isPlainObject(defaults) ? commonDefault(Object.values(defaults)) : undefined;
      out[key] = asMergePatch(value, entryDefault, true);
    } else out[key] = asMergePatch(value, undefined);
  }
  if (nullable) out.nullable = true;
  return out;
}

/**
 * The default of any entry of a record: what every entry of the default record has. Sound because a
 * default record either lists every key its schema allows (routes: every intent) or is empty.
 */
function commonDefault(entries: unknown[]): unknown {
  if (entries.length === 0 || entries.some((e) => e === undefined)) return undefined;
  if (!entries.every(isPlainObject)) return entries[0];
  const keys = Object.keys(entries[0]).filter((k) => entries.every((e) => k in e));
  return Object.fromEntries(keys.map((k) => [k, commonDefault(entries.map((e) => e[k]))]));
}
