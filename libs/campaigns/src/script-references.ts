import type { Campaign } from './campaign.js';

/** One place where a campaign's settings name a script of its library. */
export interface ScriptReference {
  /** The setting, as a dotted path (`openingScriptId`, `followOns.zh-affirm-continue`). */
  field: string;
  /** The path as keys, to look the setting up in a patch. */
  path: readonly string[];
  scriptId: string;
}

/**
 * Every script the campaign's settings name: the opening, goodbye and default fallback scripts,
 * both sides of each follow-on, each question and each script given intent examples. One list, so
 * the settings check (PUT), the delete check and the publish warnings apply the same rule to all.
 */
export function scriptReferences(
  c: Pick<Campaign, 'openingScriptId' | 'goodbyeScriptId' | 'defaultFallbackScriptId' | 'followOns' | 'questions'> & {
    intentExamples: Pick<Campaign['intentExamples'], 'byScript'>;
  },
): ScriptReference[] {
  const refs: ScriptReference[] = [];
  for (const key of ['openingScriptId', 'goodbyeScriptId', 'defaultFallbackScriptId'] as const) {
    const scriptId = c[key];
    if (scriptId !== undefined) refs.push({ field: key, path: [key], scriptId });
  }
  for (const [leadIn, followOn] of Object.entries(c.followOns)) {
    // The key names the lead-in script, the value the script said after it: both must exist.
    refs.push({ field: `followOns.${leadIn}`, path: ['followOns', leadIn], scriptId: leadIn });
    refs.push({ field: `followOns.${leadIn}`, path: ['followOns', leadIn], scriptId: followOn });
  }
  for (const scriptId of Object.keys(c.questions)) {
    refs.push({ field: `questions.${scriptId}`, path: ['questions', scriptId], scriptId });
  }
  for (const scriptId of Object.keys(c.intentExamples.byScript)) {
    refs.push({
      field: `intentExamples.byScript.${scriptId}`,
      path: ['intentExamples', 'byScript', scriptId],
      scriptId,
    });
  }
  return refs;
}
