// Reasoning models (Qwen3, DeepSeek-R1, QwQ) write their chain of thought before the answer, ended by
// </think>, when the server runs without a reasoning parser (vLLM "Reasoning Outputs": with
// `--reasoning-parser` it goes to `reasoning` / `reasoning_content` instead). It is not the answer: never
// screened, matched, spoken or stored as the candidate.
//
// Where thinking starts depends on the chat template, which the client never sees: Qwen3 (hybrid) writes
// `<think>` itself; DeepSeek-R1, QwQ and Qwen3 *-Thinking-2507 templates end the prompt with `<think>`, so
// the reply starts inside thinking and only its `</think>` shows where the answer begins. A finished reply
// shows both cases whole. A stream does not: text that does not open with `<think>` may still be thinking
// ended by a `</think>` that has not arrived yet. The stream is read sentence by sentence, and each
// sentence is screened, matched and may be spoken at once (dialogue-stream, the telephony relays), so a
// sentence let through cannot be taken back. Hence `ThinkingStart` (LLM_THINKING), one rule both forms
// apply, so a finished reply and the same reply streamed in any pieces give the same answer:
// - `auto` (default): a leading `<think>` block, or everything before a `</think>` that no `<think>`
//   precedes, is thinking. Streamed, a reply that does not open with `<think>` is held back until its
//   `</think>` (what came before is dropped) or its end (it was all answer): safe for any model, but such a
//   reply is only as early as a non-streamed one. The provider learns from the first reply a model
//   finishes itself which of the two rules below fits it (`thinkingStartShownBy`) and reads that model's
//   later replies with it, so only the first streams of a process wait; it re-learns when later replies
//   contradict the rule (weights swapped behind the same name: `learned-thinking.ts`).
// - `prompt`: the template opens thinking in the prompt: everything until the first `</think>` is
//   thinking (a leading `<think>` is skipped); a reply that never closes it has no answer. The answer
//   streams as soon as `</think>` has passed.
// - `tags`: the model thinks only inside a `<think>` block at the start of its reply, or not at all:
//   that block is dropped and a `</think>` without one is text. Everything else streams at once.
// When the server sent the reasoning separately (its parser took it out), the content is read with
// `tags` whatever the setting: see `thinkingStartFor`.
const OPEN = '<think>';
const CLOSE = '</think>';

/** Where a reasoning model's thinking starts (LLM_THINKING); see the comment at the top of this file. */
export type ThinkingStart = 'auto' | 'prompt' | 'tags';

/**
 * The rule for a reply's content. A server that sends `reasoning` / `reasoning_content` has split the
 * thinking off with its own parser (vLLM `--reasoning-parser` also handles DeepSeek-R1's missing opening
 * tag; llama.cpp's `deepseek-legacy` format puts the tags back around the copy it leaves in the content):
 * the content is the answer, at most after a leading `<think>` block. Servers send the reasoning before
 * the content, so a stream knows this by its first content piece.
 */
export const thinkingStartFor = (setting: ThinkingStart, reasoningSent: boolean): ThinkingStart =>
  reasoningSent ? 'tags' : setting;

/**
 * What a reply's content shows about its model's thinking: all that `auto` learns from (learned-thinking.ts).
 * A finished reply's is `thinkingShownBy`; a stream's so far is its ThinkingFilter, which tracks it piece by
 * piece, so the content need not be kept.
 */
export interface ThinkingShown {
  /** A `</think>` that no `<think>` precedes: thinking opened in the prompt. */
  readonly orphanClose: boolean;
  /** The reply opens with a `<think>` block (its model writes the opening tag itself). */
  readonly opensThinking: boolean;
  /** The reply has a `</think>` anywhere. */
  readonly closesThinking: boolean;
}

/** What a finished reply shows (see ThinkingShown). */
export const thinkingShownBy = (content: string): ThinkingShown => ({
  orphanClose: orphanClose(content) >= 0,
  opensThinking: content.trimStart().startsWith(OPEN),
  closesThinking: content.includes(CLOSE),
});

/**
 * What a finished reply shows about where its model's thinking starts, for `auto` to learn from (the
 * provider reads later replies of the same model with it): a reply that opens with `<think>`, or has no
 * `</think>` at all, is a model that thinks only inside its own tags, or not at all (`tags`); a `</think>`
 * with no `<think>` before it is a template that opened thinking in the prompt (`prompt`). Only a reply the
 * model ended itself shows this: one cut by its token budget or by a stop string may have been cut inside
 * thinking, before its `</think>`.
 */
export function thinkingStartShownBy(shown: ThinkingShown): 'prompt' | 'tags' {
  return shown.orphanClose ? 'prompt' : 'tags';
}

/** Where the first `</think>` starts when no `<think>` precedes it (thinking opened in the prompt), else -1. */
function orphanClose(content: string): number {
  const close = content.indexOf(CLOSE);
  return close >= 0 && !content.slice(0, close).includes(OPEN) ? close : -1;
}

/** What was removed from a reply as the model's thinking (recorded instead of the text itself). */
export interface ThinkingStripped {
  chars: number;
  /** The thinking never ended (no `</think>`): the model never got to an answer. */
  unterminated: boolean;
}

/** The answer of a finished reply without its thinking, under `start`'s rule (see the top of this file). */
export function stripThinking(
  content: string,
  start: ThinkingStart = 'auto',
): { text: string; thinking?: ThinkingStripped } {
  const lead = content.trimStart();
  const opened = lead.startsWith(OPEN);
  if (opened || start === 'prompt') {
    const body = opened ? lead.slice(OPEN.length) : content;
    const end = body.indexOf(CLOSE);
    if (end < 0) return { text: '', thinking: { chars: body.length, unterminated: true } };
    return { text: body.slice(end + CLOSE.length).trimStart(), thinking: { chars: end, unterminated: false } };
  }
  if (start === 'auto') {
    const orphan = orphanClose(content);
    if (orphan >= 0)
      return {
        text: content.slice(orphan + CLOSE.length).trimStart(),
        thinking: { chars: orphan, unterminated: false },
      };
  }
  return { text: content };
}

/**
 * The first `<think>` or `</think>` of text that arrives in pieces, and whether a `</think>` came at all,
 * each piece searched once with at most a tag's length of what came before it (a tag split over pieces):
 * linear in the text however it is split. Which tag comes first decides `orphanClose` (a `</think>` first
 * is one no `<think>` precedes), and the two cannot overlap (each holds its only `<` at its start).
 */
class FirstTag {
  /** The first tag and where it starts in the text, once one has arrived. */
  found?: { tag: typeof OPEN | typeof CLOSE; at: number };
  /** A `</think>` has arrived (the first tag, or one after a `<think>`). */
  closed = false;
  /** Where the first character that is not whitespace is, once one has arrived. */
  lead?: number;
  /** Characters pushed so far. */
  private length = 0;
  /** The last characters pushed: where a tag split over pieces may start (a whole one there was found). */
  private tail = '';

  push(piece: string): void {
    // A `</think>` comes first or after the first tag, which comes at or after the lead: all known.
    if (this.closed) return;
    const text = this.tail + piece;
    const base = this.length - this.tail.length;
    if (this.lead === undefined) {
      const lead = piece.search(/\S/);
      if (lead >= 0) this.lead = this.length + lead;
    }
    this.length += piece.length;
    this.tail = text.slice(-(CLOSE.length - 1));
    const close = text.indexOf(CLOSE);
    this.closed = close >= 0;
    if (this.found) return;
    const open = text.indexOf(OPEN);
    if (close >= 0 && (open < 0 || close < open)) this.found = { tag: CLOSE, at: base + close };
    else if (open >= 0) {
      this.found = { tag: OPEN, at: base + open };
      // Only a `</think>` after this `<think>` is in this text (one before it would have come first).
      this.closed = close > open;
    }
  }
}

/**
 * Streaming form of `stripThinking` under the same rule: `push()` returns the part of each piece that is
 * answer, `flush()` what was still held at the end. The pieces' answers joined equal `stripThinking` of
 * the whole content, however it was split. Each piece is searched once, with at most a tag's length of
 * what came before it: a long reply streamed in small pieces costs what it costs in one piece.
 */
export class ThinkingFilter implements ThinkingShown {
  /**
   * `start`: not yet known whether the reply opens with `<think>`; `thinking`: inside thinking, dropped
   * until `</think>`; `pending` (auto): no opening tag, so a `</think>` may still end thinking: held;
   * `answer`: passed through.
   */
  private state: 'start' | 'thinking' | 'pending' | 'answer' = 'start';
  /**
   * `start` and `pending`: the whole content so far (only appended to, read once when it is let go);
   * `thinking`: what could be the start of a split `</think>`.
   */
  private held = '';
  /** `start`: `held` without its leading whitespace (at most an opening tag's length, plus the last piece). */
  private lead = '';
  /** The content's first tag: ends `pending`, and is what `orphanClose` reports. */
  private readonly first = new FirstTag();
  private thinkingChars = 0;
  private opened = false;
  /** Just past `</think>`: whitespace before the answer is still layout, not answer. */
  private trimLead = false;

  constructor(private readonly start: ThinkingStart = 'auto') {}

  /**
   * The content so far has a `</think>` that no `<think>` precedes (thinking opened in the prompt): what
   * `thinkingStartShownBy` calls `prompt`, known without reading the content again.
   */
  get orphanClose(): boolean {
    return this.first.found?.tag === CLOSE;
  }

  /** The content so far opens with `<think>` (after whitespace): see ThinkingShown. */
  get opensThinking(): boolean {
    return this.first.found?.tag === OPEN && this.first.found.at === this.first.lead;
  }

  /** The content so far has a `</think>`: see ThinkingShown. */
  get closesThinking(): boolean {
    return this.first.closed;
  }

  push(piece: string): string {
    this.first.push(piece);
    if (this.state === 'answer') {
      if (!this.trimLead) return piece;
      const text = piece.trimStart();
      if (text) this.trimLead = false;
      return text;
    }
    this.held += piece;
    if (this.state === 'start') {
      // `held` is whitespace and `lead`: while `lead` is empty a new piece's whitespace is still leading.
      this.lead = this.lead ? this.lead + piece : piece.trimStart();
      const lead = this.lead;
      if (lead.length < OPEN.length && OPEN.startsWith(lead)) return '';
      this.lead = '';
      if (lead.startsWith(OPEN)) {
        this.state = 'thinking';
        this.opened = true;
        this.held = lead.slice(OPEN.length);
      } else if (this.start === 'prompt') {
        this.state = 'thinking';
        this.opened = true;
      } else if (this.start === 'auto') {
        this.state = 'pending';
      } else {
        return this.release();
      }
    }
    if (this.state === 'pending') return this.pending();
    const end = this.held.indexOf(CLOSE);
    if (end < 0) {
      // Keep what could be the start of a split `</think>`; the rest is thinking, counted and dropped.
      const keep = Math.min(this.held.length, CLOSE.length - 1);
      this.thinkingChars += this.held.length - keep;
      this.held = this.held.slice(this.held.length - keep);
      return '';
    }
    return this.endThinking(end);
  }

  /** Text still held at the end of the stream that turned out to be answer. */
  flush(): string {
    if (this.state === 'start' && this.start === 'prompt') {
      // Never got past the opening: all of it was thinking, never ended.
      this.state = 'thinking';
      this.opened = true;
      return '';
    }
    return this.state === 'start' || this.state === 'pending' ? this.release() : '';
  }

  /** What was dropped as thinking, if anything. */
  get stripped(): ThinkingStripped | undefined {
    if (!this.opened) return undefined;
    const unterminated = this.state === 'thinking';
    return { chars: this.thinkingChars + (unterminated ? this.held.length : 0), unterminated };
  }

  /**
   * Auto, no opening tag (`held` is the whole content): the first `</think>` with no `<think>` before it
   * ends thinking; a `<think>` first means none will.
   */
  private pending(): string {
    const found = this.first.found;
    if (found?.tag === CLOSE) {
      this.opened = true;
      return this.endThinking(found.at);
    }
    if (found) return this.release();
    return '';
  }

  private endThinking(end: number): string {
    this.thinkingChars += end;
    const answer = this.held.slice(end + CLOSE.length).trimStart();
    this.held = '';
    this.state = 'answer';
    this.trimLead = answer === '';
    return answer;
  }

  private release(): string {
    const out = this.held;
    this.held = '';
    this.state = 'answer';
    return out;
  }
}
