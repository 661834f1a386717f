import type { IntentName } from '@huashu/intent';
import type { LeadStage } from '../turn-result.js';

/** A customer's words as the summary quotes them: at most 120 characters. */
const quote = (text: string): string => `"${text.length > 120 ? `${text.slice(0, 117)}…` : text}"`;

/**
 * One line a human closer reads when a call is transferred: who, how warm, what they asked, what
 * they answered to the campaign's questions (so the closer does not ask again), what they said last
 * (all redacted).
 */
export function leadSummary(input: {
  customerName?: string;
  stage: LeadStage;
  intents: readonly IntentName[];
  turns: number;
  lastUtterance: string;
  /** Answers to the campaign's questions by name (`address`). */
  answers?: Readonly<Record<string, string>>;
  /**
   * A campaign question the caller agreed to but did not answer, by answer name, with the times it was
   * asked: the closer is told to ask it (`address: not given (asked 2 times)`).
   */
  unanswered?: Readonly<Record<string, number>>;
}): string {
  const asked = [...new Set(input.intents.filter((i) => i !== 'out_of_scope'))];
  return [
    `customer: ${input.customerName ?? 'unknown'}`,
    `lead stage: ${input.stage}`,
    `turns: ${input.turns}`,
    `intents: ${asked.join(', ') || 'none'}`,
    ...Object.entries(input.answers ?? {}).map(([name, text]) => `${name}: ${quote(text)}`),
    ...Object.entries(input.unanswered ?? {}).map(
      ([name, asked]) => `${name}: not given (asked ${asked} ${asked === 1 ? 'time' : 'times'})`,
    ),
    `last said: ${quote(input.lastUtterance)}`,
  ].join('; ');
}
