import type { Campaign } from '@huashu/campaigns';
import { asksToConfirm } from '@huashu/common';
import type { IntentName } from '@huashu/intent';
import type { Script } from '@huashu/scripts';
import { ruleFor } from '../routing/dialogue-policy.js';
import type { Action } from '../turn-result.js';

/** Script tags that name a language ("zh", "en", "zh-hk"): the library's convention (README "Script library"). */
const LANGUAGE_TAG = /^[a-z]{2}(-[a-z0-9]+)?$/i;

/**
 * The action a script announces: a `transfer` tag announces a transfer; a `goodbye` tag or the
 * `closed` stage closes the call (hangup); a `confirm` tag asks before its intent's action, so
 * nothing; a do_not_call script the listing, hangup (DESIGN §3), whatever the campaign routes the
 * intent to: a route that goes on or transfers lists nothing, so it cannot say one; else its
 * intent's action in the campaign's route table (DESIGN §3: transfer for ready_to_buy, ask_human,
 * complaint; hangup for busy_call_later, wrong_person); a script without an intent announces
 * nothing (continue).
 */
export function scriptAction(script: Script, routes: Campaign['routes']): Action {
  if (script.tags.includes('transfer')) return 'transfer';
  if (script.tags.includes('goodbye') || script.stage === 'closed') return 'hangup';
  if (asksToConfirm(script)) return 'continue';
  if (script.intent === 'do_not_call') return 'hangup';
  if (script.intent === undefined) return 'continue';
  return ruleFor(routes, script.intent, script.stage ?? 'new').action;
}

/** A question mark anywhere (full-width or not): the script asks the customer something. */
export const asksQuestion = (text: string): boolean => /[?？]/.test(text);

/**
 * Whether a script may be the reply of a turn that takes `action`: it announces that action and no
 * other, and a line that ends the call asks nothing (the customer could not answer it).
 */
export function fitsAction(script: Script, action: Action, routes: Campaign['routes']): boolean {
  return scriptAction(script, routes) === action && (action !== 'hangup' || !asksQuestion(script.text));
}

/**
 * Whether a script may be shown to the generator or be the script its text maps to on a turn that
 * takes `action`: fit for the action, and not the confirmation question (the dialogue's to ask: it
 * leaves the call waiting on a yes or no).
 */
export const quotable = (script: Script, action: Action, routes: Campaign['routes']): boolean =>
  fitsAction(script, action, routes) && !asksToConfirm(script);

/**
 * Two scripts play the same role in a library (one's translation of the other): same intent, stage
 * and fallback flag, and the same tags once language tags are left out (zh-goodbye ↔ en-goodbye).
 */
export function sameRole(a: Script, b: Script): boolean {
  const roles = (s: Script) =>
    s.tags
      .filter((t) => !LANGUAGE_TAG.test(t))
      .sort()
      .join('\u0000');
  return a.intent === b.intent && a.stage === b.stage && a.fallback === b.fallback && roles(a) === roles(b);
}

/** What a closing line may answer: the turn's intent, and whether the turn lists a number. */
export interface ClosingTurn {
  intent: IntentName;
  /** The turn puts the customer's number on the do-not-call list (a do_not_call line may say so). */
  lists: boolean;
}

/**
 * Whether a script may end a call in place of the campaign's goodbye (`goodbyeScriptId` unset): an
 * approved closing line, tagged `goodbye` or of stage `closed`, fit for a hangup (it asks nothing and
 * announces no transfer), not the confirmation question, and promising nothing the turn does not do.
 * So it has no intent (a plain goodbye), or the turn's own intent, but a do_not_call line only where
 * the number is listed: those tell the customer it is. Another intent's closing line answers
 * something else ("our details are out of date", "we will call you later").
 */
export function closesCall(script: Script, routes: Campaign['routes'], turn: ClosingTurn): boolean {
  if (!script.tags.includes('goodbye') && script.stage !== 'closed') return false;
  if (!quotable(script, 'hangup', routes)) return false;
  if (script.intent === undefined) return true;
  return script.intent === turn.intent && (turn.intent !== 'do_not_call' || turn.lists);
}

/**
 * The first of `scripts` tagged with the customer's language, else with the campaign's, else the
 * first: by language tag, not by the language a text reads as (an English line may name the company
 * in Chinese characters).
 */
export const firstInLanguage = (scripts: readonly Script[], lang: string, campaignLanguage: string) =>
  scripts.find((s) => s.tags.includes(lang)) ?? scripts.find((s) => s.tags.includes(campaignLanguage)) ?? scripts[0];

/**
 * Of the library's closing lines (closesCall), the one said where the campaign names no goodbye: in
 * the customer's language, else the campaign's, else any; within a language a plain goodbye (no
 * intent) before one of the turn's intent, then library order. Undefined when there is none.
 */
export function closingLine(closing: readonly Script[], lang: string, campaignLanguage: string): Script | undefined {
  const plainFirst = [...closing.filter((s) => s.intent === undefined), ...closing.filter((s) => s.intent)];
  return firstInLanguage(plainFirst, lang, campaignLanguage);
}
