import type { Campaign } from '@huashu/campaigns';
import { asksToConfirm, isReservedScript } from '@huashu/common';
import type { IntentName } from '@huashu/intent';
import type { Script } from '@huashu/scripts';
import { ruleFor } from '../routing/dialogue-policy.js';
import type { Action } from '../turn-result.js';
import { isLanguageTag } from '../language.js';

/**
 * The action a script announces: a `transfer` tag announces a transfer; a `goodbye` tag or the
 * `closed` stage closes the call (hangup); a `confirm` tag asks before its intent's action, so
 * nothing; a do_not_call line the listing and goodbye, hangup (DESIGN §3), whatever the campaign
 * routes the intent to (a route that goes on or transfers still lists, but says no goodbye); else its
 * intent's action in the campaign's route table (DESIGN §3: transfer for ready_to_buy, ask_human,
 * complaint; hangup for busy_call_later, wrong_person); a script without an intent announces nothing
 * (continue).
 */
export function scriptAction(script: Script, routes: Campaign['routes']): Action {
  if (script.tags.includes('transfer')) return 'transfer';
  if (script.tags.includes('goodbye') || script.stage === 'closed') return 'hangup';
  if (asksToConfirm(script)) return 'continue';
  if (script.intent === 'do_not_call') return 'hangup';
  if (script.intent === undefined) return 'continue';
  return ruleFor(routes, script.intent, script.stage ?? 'new').action;
}

/**
 * A do_not_call line other than the confirmation question: it tells the customer their number is now
 * on the do-not-call list ("我们会把您的号码登记为免打扰").
 */
export const announcesListing = (script: Script): boolean => script.intent === 'do_not_call' && !asksToConfirm(script);

/** A question mark anywhere (full-width or not): the script asks the customer something. */
export const asksQuestion = (text: string): boolean => /[?？]/.test(text);

/**
 * What a turn's reply may answer and promise: the intent it answers, and whether the turn lists a
 * number (`fitsAction`, `quotable`, `closesCall`).
 */
export interface AnsweredTurn {
  intent: IntentName;
  /** The turn puts the customer's number on the do-not-call list (a listing line may say so). */
  lists: boolean;
  /** The campaign's opening script (`openingScriptId`): like every greeting line, said only to a greeting. */
  opening?: string;
}

/**
 * A line that greets: the campaign's opening (its `openingScriptId`, or a script tagged `opening`) or a
 * greeting script. Said at the start of the call and to a caller who greets; to anything else (我考虑一下,
 * 太贵了) it restarts the call: a library with few lines had the generator's answer land on the opening
 * or the greeting reply mid-call.
 */
export const greets = (script: Script, turn: AnsweredTurn): boolean =>
  script.intent === 'greeting' || script.tags.includes('opening') || script.id === turn.opening;

/**
 * Whether a script answers what the turn answers: on a turn that ends the call or hands it over
 * (hangup, transfer), a line of the turn's own intent or a plain one (no intent: the goodbye, the
 * generic transfer announcement). Another intent's closing or transfer line states or promises
 * something the turn does not: wrong_person's "our details are out of date", busy_call_later's "we'll
 * call you later", the complaint transfer's apology said to a customer ready to buy. A turn that goes on
 * may answer with any intent's line.
 */
const answersTurn = (script: Script, action: Action, intent: IntentName): boolean =>
  action === 'continue' || script.intent === undefined || script.intent === intent;

/**
 * Whether a script may be the reply of `turn`, which takes `action`: it announces that action and no
 * other, a line that ends the call asks nothing (the customer could not answer it), a line announcing
 * the listing is said only where the turn puts a number on the list (not on a conversation without a
 * phone number, nor on another intent's hangup), and a line that ends or hands over the call is the
 * turn's own intent's or a plain one (`answersTurn`).
 */
export function fitsAction(script: Script, action: Action, routes: Campaign['routes'], turn: AnsweredTurn): boolean {
  return (
    scriptAction(script, routes) === action &&
    (action !== 'hangup' || !asksQuestion(script.text)) &&
    (turn.lists || !announcesListing(script)) &&
    answersTurn(script, action, turn.intent)
  );
}

/**
 * Whether a script may be shown to the generator or be the script its text maps to on `turn`, which
 * takes `action`: fit for the turn, not a reserved script (isReservedScript: the confirmation
 * question, which leaves the call waiting on a yes or no, the abuse line, said only to an abusive caller,
 * or the AI disclosure, said only to a caller who asks whether they talk to a bot), and no greeting line
 * unless the turn is a greeting (`greets`).
 */
export const quotable = (script: Script, action: Action, routes: Campaign['routes'], turn: AnsweredTurn): boolean =>
  fitsAction(script, action, routes, turn) &&
  !isReservedScript(script) &&
  (turn.intent === 'greeting' || !greets(script, turn));

/**
 * Two scripts play the same role in a library (one's translation of the other): same intent, stage
 * and fallback flag, and the same tags once language tags are left out (zh-goodbye ↔ en-goodbye).
 */
export function sameRole(a: Script, b: Script): boolean {
  const roles = (s: Script) =>
    s.tags
      .filter((t) => !isLanguageTag(t))
      .sort()
      .join('\u0000');
  return a.intent === b.intent && a.stage === b.stage && a.fallback === b.fallback && roles(a) === roles(b);
}

/**
 * Whether a script may end a call in place of the campaign's goodbye (`goodbyeScriptId` unset): an
 * approved closing line, tagged `goodbye` or of stage `closed`, that the generator's answer could map to
 * on a hangup of the turn (`quotable`): it asks nothing, announces no transfer, announces a listing
 * only where the number is listed, is not the confirmation question, and has no intent (a plain
 * goodbye) or the turn's own (`answersTurn`).
 */
export const closesCall = (script: Script, routes: Campaign['routes'], turn: AnsweredTurn): boolean =>
  (script.tags.includes('goodbye') || script.stage === 'closed') && quotable(script, 'hangup', routes, turn);

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
