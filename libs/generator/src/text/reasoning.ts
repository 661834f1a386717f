// Reasoning models (Qwen3, DeepSeek-R1) write their chain of thought between <think> and </think> at
// the start of the content when the server runs without a reasoning parser (vLLM "Reasoning Outputs":
// with `--reasoning-parser` it goes to `reasoning_content` instead). It is not the answer: never screened,
// matched, spoken or stored as the candidate.
const OPEN = '<think>';
const CLOSE = '</think>';

/** What was removed from a reply as the model's thinking (recorded instead of the text itself). */
export interface ThinkingStripped {
  chars: number;
  /** The thinking block had no `</think>`: the model never got to an answer. */
  unterminated: boolean;
}

/**
 * The answer of a finished reply without a leading `<think>…</think>` block (an unterminated one runs to
 * the end). DeepSeek-R1's chat template opens the block in the prompt, so its content may start inside
 * it: a `</think>` with no opening tag ends thinking that began the reply.
 */
export function stripThinking(content: string): { text: string; thinking?: ThinkingStripped } {
  const lead = content.trimStart();
  if (lead.startsWith(OPEN)) {
    const end = lead.indexOf(CLOSE, OPEN.length);
    if (end < 0) return { text: '', thinking: { chars: lead.length - OPEN.length, unterminated: true } };
    return {
      text: lead.slice(end + CLOSE.length).trimStart(),
      thinking: { chars: end - OPEN.length, unterminated: false },
    };
  }
  const orphan = content.indexOf(CLOSE);
  if (orphan >= 0 && !content.slice(0, orphan).includes(OPEN))
    return { text: content.slice(orphan + CLOSE.length).trimStart(), thinking: { chars: orphan, unterminated: false } };
  return { text: content };
}

/**
 * Streaming form of `stripThinking` for a reply that starts with `<think>`: `push()` returns the part of
 * each piece that is answer. Until the first characters show whether the reply opens a thinking block they
 * are held back; inside one, everything is dropped until `</think>` (which may arrive split over pieces).
 */
export class ThinkingFilter {
  private state: 'start' | 'thinking' | 'answer' = 'start';
  private held = '';
  private thinkingChars = 0;
  private opened = false;
  /** Just past `</think>`: whitespace before the answer is still layout, not answer. */
  private trimLead = false;

  push(piece: string): string {
    if (this.state === 'answer') {
      if (!this.trimLead) return piece;
      const text = piece.trimStart();
      if (text) this.trimLead = false;
      return text;
    }
    this.held += piece;
    if (this.state === 'start') {
      const lead = this.held.trimStart();
      if (lead.length < OPEN.length && OPEN.startsWith(lead)) return '';
      if (!lead.startsWith(OPEN)) {
        this.state = 'answer';
        const out = this.held;
        this.held = '';
        return out;
      }
      this.state = 'thinking';
      this.opened = true;
      this.held = lead.slice(OPEN.length);
    }
    const end = this.held.indexOf(CLOSE);
    if (end < 0) {
      // Keep what could be the start of a split `</think>`; the rest is thinking, counted and dropped.
      const keep = Math.min(this.held.length, CLOSE.length - 1);
      this.thinkingChars += this.held.length - keep;
      this.held = this.held.slice(this.held.length - keep);
      return '';
    }
    this.thinkingChars += end;
    const answer = this.held.slice(end + CLOSE.length).trimStart();
    this.held = '';
    this.state = 'answer';
    this.trimLead = answer === '';
    return answer;
  }

  /** True while the reply is (or may still turn out to be) inside a thinking block. */
  get inThinking(): boolean {
    return this.state === 'thinking';
  }

  /** Text still held at the end of the stream that turned out to be answer (a reply shorter than `<think>`). */
  flush(): string {
    if (this.state !== 'start') return '';
    const out = this.held;
    this.held = '';
    this.state = 'answer';
    return out;
  }

  /** What was dropped as thinking, if anything. */
  get stripped(): ThinkingStripped | undefined {
    if (!this.opened) return undefined;
    const unterminated = this.state === 'thinking';
    return { chars: this.thinkingChars + (unterminated ? this.held.length : 0), unterminated };
  }
}
