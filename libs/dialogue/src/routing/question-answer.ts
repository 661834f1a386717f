import type { CampaignQuestion } from '@huashu/campaigns';
import type { IntentName } from '@huashu/intent';

/**
 * Intents never taken as an answer to a question, however unsure the model: they decline, end or
 * escalate the call, and mistaking one for an answer would hand a "no" to a closer.
 */
const NEVER_AN_ANSWER: ReadonlySet<IntentName> = new Set<IntentName>([
  'deny',
  'not_interested',
  'do_not_call',
  'busy_call_later',
  'wrong_person',
  'complaint',
  'ask_human',
]);

/**
 * At or above this confidence the model's intent stands after a question. Below it, an intent that does
 * not decline, end or escalate is taken as the answer: the shipped intent model has never seen an
 * answer such as an address and places a bare one with an intent it is unsure of (阳光小区
 * ask_product_detail 0.78, 在阳光小区 0.53, 阳光小区3栋2单元 and 我住在阳光小区 out_of_scope), while the
 * questions callers ask back are sure (安装要多久 0.94, 网速有多快 1.00, 你是谁 1.00, "is installation free"
 * 0.87) or carry a question mark, and a plain "yes" is too (好的 1.00, 嗯 0.99, "sure" 1.00).
 */
export const ANSWER_BELOW_CONFIDENCE = 0.8;

/** What the customer asks back: a question mark (full-width or not). */
const ASKS = /[?？]/;

/** The turn as classified, before its question is considered. */
export interface ClassifiedTurn {
  intent: IntentName;
  confidence: number;
  /** Who decided the intent: only the intent model's own guess gives way to the question. */
  source: string;
  /** The stored (redacted) utterance; undefined when it is no answer (not screened, blocked, abusive). */
  text: string | undefined;
}

/** An answer to the question the bot asked last (`answerToQuestion`). */
export interface QuestionAnswer {
  intent: IntentName;
  /** The question changed the intent (audit `intent.source: "answer"`); false when the model agreed. */
  decided: boolean;
}

/**
 * Whether a turn answers the question the bot's last line asked (the campaign's `questions`), and as
 * what intent (DESIGN §3 context-dependent handling, as the answers to the retention attempt and the
 * do-not-call question). Pure, so every rule is unit-tested.
 *
 * The answer is taken when the turn is not clearly something else: its intent came from the model
 * alone (not input screening, a campaign example or a callback request), the caller does not ask
 * back, and the model found nothing in scope or only an intent below `ANSWER_BELOW_CONFIDENCE` that
 * does not decline, end or escalate the call. A turn the model already reads as the question's intent
 * answers it too (its text is kept), without the question deciding anything.
 */
export function answerToQuestion(
  question: CampaignQuestion | undefined,
  turn: ClassifiedTurn,
): QuestionAnswer | undefined {
  if (!question || turn.text === undefined || turn.source !== 'classifier' || ASKS.test(turn.text)) return undefined;
  if (turn.intent === question.intent) return { intent: question.intent, decided: false };
  if (NEVER_AN_ANSWER.has(turn.intent)) return undefined;
  const unsure = turn.intent === 'out_of_scope' || turn.confidence < ANSWER_BELOW_CONFIDENCE;
  return unsure ? { intent: question.intent, decided: true } : undefined;
}
