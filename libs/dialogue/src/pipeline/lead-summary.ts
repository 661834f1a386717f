import type { IntentName } from '@huashu/intent';
import type { LeadStage } from '../turn-result.js';

/**
 * One line a human closer reads when a call is transferred: who, how warm, what they asked,
 * what they said last (redacted).
 */
export function leadSummary(input: {
  customerName?: string;
  stage: LeadStage;
  intents: readonly IntentName[];
  turns: number;
  lastUtterance: string;
}): string {
  const asked = [...new Set(input.intents.filter((i) => i !== 'out_of_scope'))];
  const last = input.lastUtterance.length > 120 ? `${input.lastUtterance.slice(0, 117)}…` : input.lastUtterance;
  return [
    `customer: ${input.customerName ?? 'unknown'}`,
    `lead stage: ${input.stage}`,
    `turns: ${input.turns}`,
    `intents: ${asked.join(', ') || 'none'}`,
    `last said: "${last}"`,
  ].join('; ');
}
