import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { normalize } from './normalizer.js';

/** Category names the engine knows out of the box; campaigns may add their own. */
export const COMPLIANCE_CATEGORIES = {
  guaranteed_return: 'guaranteed_return',
  absolute_claim: 'absolute_claim',
  education_guarantee: 'education_guarantee',
  insurance_as_deposit: 'insurance_as_deposit',
  contact_diversion: 'contact_diversion',
  abuse: 'abuse',
  do_not_call: 'do_not_call',
  goodbye: 'goodbye',
  repeat_request: 'repeat_request',
  hold_request: 'hold_request',
  line_check: 'line_check',
  competitor_disparagement: 'competitor_disparagement',
  service_guarantee: 'service_guarantee',
  false_urgency: 'false_urgency',
  bot_question: 'bot_question',
  claims_human: 'claims_human',
  pii_mobile: 'pii_mobile',
  pii_phone: 'pii_phone',
  pii_id_card: 'pii_id_card',
  pii_bank_card: 'pii_bank_card',
  pii_email: 'pii_email',
  pii_ssn: 'pii_ssn',
} as const;

/** PII categories come from detectors, not from lexicon entries. */
export const PII_CATEGORIES = [
  COMPLIANCE_CATEGORIES.pii_mobile,
  COMPLIANCE_CATEGORIES.pii_phone,
  COMPLIANCE_CATEGORIES.pii_id_card,
  COMPLIANCE_CATEGORIES.pii_bank_card,
  COMPLIANCE_CATEGORIES.pii_email,
  COMPLIANCE_CATEGORIES.pii_ssn,
] as const;

export const LIMITS = {
  categories: 64,
  patternsPerDocument: 60_000,
  patternLength: 64,
} as const;

const categoryName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'category names are lower-case snake_case, 2-40 characters')
  .refine((name) => !name.startsWith('pii_'), 'pii_* categories come from the PII detectors');
const pattern = z
  .string()
  .trim()
  .min(1)
  .max(LIMITS.patternLength)
  .refine((p) => !/[\p{Cc}]/u.test(p), 'patterns cannot hold control characters')
  .refine((p) => normalize(p, 'match').cps.length >= 1, 'pattern is only punctuation or symbols');
// A term of one character after folding (扣扣 collapses to 扣) would match everywhere; negation
// cues may be one character (不, 非).
const term = pattern.refine((p) => normalize(p, 'match').cps.length >= 2, 'pattern folds to fewer than two characters');

const categoryFields = z.strictObject({
  description: z.string().max(500).optional(),
  /** A negation cue right before a hit cancels it (不保本, "not risk-free"). */
  negatable: z.boolean().default(false),
  /** Hits wherever they occur (subject to word edges and exceptions). */
  patterns: z.array(term).default([]),
  /**
   * Patterns that are a hit only where a clause ends after them (then punctuation, a space, the end
   * of the text, or only sentence-final particles such as 了 啦 吧): 别再打 asks to stop calling,
   * 别再打八折了 does not.
   */
  clauseEnd: z.array(term).default([]),
  /**
   * Patterns that are a hit only as a clause of their own: the text starts or a separator comes right
   * before them, and a clause ends after them (as for `clauseEnd`). The one place a pattern may be a
   * single character: 滚 said alone (滚！, 滚吧, 滚滚滚) tells the caller to get lost; 滚动, 利滚利 and
   * 车轮滚滚 hold no hit.
   */
  wholeClause: z.array(pattern).default([]),
  /** Longer phrases that contain a pattern but are innocent (面包过期 ⊃ 包过). */
  exceptions: z.array(term).default([]),
  /**
   * Who a hit must be about. When listed, a term hit counts only if one of these cues starts in
   * the same sentence at most SUBJECT_WINDOW normalised characters before the hit ends: 别家的产品
   * 都是骗人的 is disparagement, 冒充客服的电话都是骗人的 (a scam warning) is not. A term that names
   * its subject itself (皮包公司) is listed here too.
   */
  subjects: z.array(term).default([]),
  /**
   * Subject cues that are pronouns (他们, they): one counts as a subject unless it resumes someone
   * else, i.e. the nearest cue before it in its sentence (within the subject window) is one of
   * `otherReferents` and a clause ends between them (如果有人让您转账，他们都是骗子 warns against
   * scammers). Listed apart from `subjects` because only a pronoun points back.
   */
  pronouns: z.array(term).default([]),
  /** Whom else a pronoun may resume: people or things that are no competitor (有人, 陌生人, 冒充, someone). */
  otherReferents: z.array(term).default([]),
});

// A category may hold only clause-bound phrases (goodbye: 再见 is a closing only where its clause
// ends), but it must hold something to find.
export const lexiconCategorySchema = categoryFields.refine(
  (c) => c.patterns.length + c.clauseEnd.length + c.wholeClause.length > 0,
  { message: 'a category needs at least one of patterns, clauseEnd, wholeClause', path: ['patterns'] },
);

/** The lexicon document: the file in data/compliance/ and each campaign's edited copy in Redis. */
export const lexiconDocumentSchema = z
  .strictObject({
    version: z.number().int().min(1),
    categories: z.record(categoryName, lexiconCategorySchema),
    /** Negation and disclosure cues, matched like patterns (不, 非, 无法保证, not, cannot …). */
    negations: z.array(pattern).default([]),
    /**
     * Two negations in a row (没有不, 不是不, not not): right before a hit they turn the negation
     * back into the claim (没有不保本的), so the hit stands.
     */
    doubleNegations: z.array(pattern).default([]),
  })
  .superRefine((doc, ctx) => {
    const names = Object.keys(doc.categories);
    if (names.length > LIMITS.categories)
      ctx.addIssue({ code: 'custom', path: ['categories'], message: `at most ${LIMITS.categories} categories` });
    const total = names.reduce((n, c) => n + categoryTerms(doc.categories[c]).length, 0);
    if (total + doc.negations.length + doc.doubleNegations.length > LIMITS.patternsPerDocument)
      ctx.addIssue({ code: 'custom', path: ['categories'], message: `at most ${LIMITS.patternsPerDocument} patterns` });
  });

export type LexiconDocument = z.infer<typeof lexiconDocumentSchema>;
export type LexiconCategory = z.infer<typeof lexiconCategorySchema>;

/** Every phrase a category lists (patterns, clause-end patterns, exceptions, subject cues): limits and audit diffs. */
export const categoryTerms = (c: LexiconCategory): string[] => [
  ...c.patterns,
  ...c.clauseEnd,
  ...c.wholeClause,
  ...c.exceptions,
  ...c.subjects,
  ...c.pronouns,
  ...c.otherReferents,
];

/** Finds data/compliance/ from the source or the built file, so no env variable is needed. */
export function findComplianceDataDir(dataDir?: string): string {
  if (dataDir) {
    const dir = resolve(dataDir, 'compliance');
    if (existsSync(join(dir, 'lexicons.yaml'))) return dir;
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'data', 'compliance');
    if (existsSync(join(candidate, 'lexicons.yaml'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('data/compliance/lexicons.yaml not found');
}

/** Reads and validates the shipped lexicon file. */
export function loadDefaultLexicon(dataDir?: string): LexiconDocument {
  const file = join(findComplianceDataDir(dataDir), 'lexicons.yaml');
  return lexiconDocumentSchema.parse(parse(readFileSync(file, 'utf8')));
}
