import type { ChatMessage } from '../generator.port.js';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS, truncateToTokens } from '../text/token-estimate.js';

export interface PromptInput {
  /** The campaign's system prompt. */
  systemPrompt: string;
  productFacts: string[];
  /** Conversation so far, oldest first, ending with the customer's current utterance. */
  history: ChatMessage[];
  /** Top-k approved scripts for the utterance, best first (the caller looks them up: no libs/scripts here). */
  exemplars: string[];
  /** Redacts customer text before it goes into the prompt (the compliance lib's redactor). */
  redact?: (text: string) => string;
  /** Prompt budget in estimated tokens (context window minus the completion's max_tokens). */
  maxPromptTokens: number;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  estimatedTokens: number;
  droppedTurns: number;
  droppedExemplars: number;
  truncatedFacts: boolean;
}

/** Heads the approved replies in the system message (one `- ` line each follows it). */
export const EXEMPLARS_HEADER = 'Approved replies to stay close to / 参考话术:';

const cost = (m: ChatMessage): number => estimateTokens(m.content) + MESSAGE_OVERHEAD_TOKENS;

/**
 * Builds the chat messages for the generator within a token budget. Priority when the budget is
 * short: the system prompt and the current utterance always; then product facts (truncated to half
 * the budget); then exemplars best-first; then history newest-first. Older turns are dropped and
 * replaced by a one-line note so the model knows the call is longer than what it sees.
 */
export function buildPrompt(input: PromptInput): BuiltPrompt {
  const redact = input.redact ?? ((t: string) => t);
  const history = input.history.map((m) => (m.role === 'user' ? { role: m.role, content: redact(m.content) } : m));
  const current = history.at(-1);
  const earlier = current ? history.slice(0, -1) : [];

  let budget = input.maxPromptTokens;
  let system = input.systemPrompt.trim();
  budget -= estimateTokens(system) + MESSAGE_OVERHEAD_TOKENS;
  if (current) budget -= cost(current);

  let truncatedFacts = false;
  if (input.productFacts.length > 0) {
    const facts = `\n\nProduct facts / 产品信息:\n${input.productFacts.map((f) => `- ${f}`).join('\n')}`;
    const allowed = Math.max(0, Math.min(estimateTokens(facts), Math.floor(budget / 2)));
    const t = truncateToTokens(facts, allowed);
    truncatedFacts = t.truncated;
    system += t.text;
    budget -= estimateTokens(t.text);
  }

  const kept: string[] = [];
  for (const ex of input.exemplars) {
    // One line each, so `promptExemplars` reads back exactly what was quoted.
    const line = `\n- ${ex.replace(/\s*\n\s*/g, ' ').trim()}`;
    const c = estimateTokens(line);
    if (c > budget) break;
    kept.push(line);
    budget -= c;
  }
  if (kept.length > 0) {
    const header = `\n\n${EXEMPLARS_HEADER}`;
    system += header + kept.join('');
    budget -= estimateTokens(header);
  }

  const keptTurns: ChatMessage[] = [];
  for (let i = earlier.length - 1; i >= 0; i--) {
    const c = cost(earlier[i]);
    if (c > budget) break;
    keptTurns.unshift(earlier[i]);
    budget -= c;
  }
  const droppedTurns = earlier.length - keptTurns.length;
  if (droppedTurns > 0) system += `\n\n(${droppedTurns} earlier turns of this call are omitted.)`;

  const messages: ChatMessage[] = [{ role: 'system', content: system }, ...keptTurns, ...(current ? [current] : [])];
  return {
    messages,
    estimatedTokens: messages.reduce((s, m) => s + cost(m), 0),
    droppedTurns,
    droppedExemplars: input.exemplars.length - kept.length,
    truncatedFacts,
  };
}

/**
 * The approved replies a prompt built by `buildPrompt` quotes, in its order: what a model reading the
 * prompt is told to stay close to (the offline provider answers from them). Empty when the system
 * message quotes none.
 */
export function promptExemplars(messages: readonly ChatMessage[]): string[] {
  const system = messages[0]?.role === 'system' ? messages[0].content : '';
  // The block comes after the campaign's prompt and facts, so the last header is the builder's
  // whenever it quoted any (a campaign prompt that contains the header line itself, in a prompt that
  // quotes none, would be read as quoting the lines after it).
  const at = system.lastIndexOf(EXEMPLARS_HEADER);
  if (at < 0) return [];
  const out: string[] = [];
  for (const line of system
    .slice(at + EXEMPLARS_HEADER.length)
    .split('\n')
    .slice(1)) {
    if (!line.startsWith('- ')) break;
    out.push(line.slice(2));
  }
  return out;
}
