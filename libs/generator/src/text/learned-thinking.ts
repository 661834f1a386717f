// LLM_THINKING=auto learns, per model name, where the model's thinking starts (reasoning.ts). A name is
// not a model: vLLM's `--served-model-name` and an Ollama tag keep their name when the weights behind
// them are swapped, so a rule learned from the old weights may be wrong for the new ones. Most dangerous
// is a plain model (`tags`) replaced by a DeepSeek-R1-style one, whose thinking, with no `<think>` before
// it, a `tags` rule passes as the answer. So a learned rule is kept only while the replies agree with it:
// - a reply shows a `</think>` that no `<think>` precedes while the rule is `tags`: thinking now opens in
//   the prompt, re-learned as `prompt` (conclusive even in a reply cut short);
// - a model learned as not thinking at all starts a reply with `<think>`: it thinks now, re-learned (the
//   rule stays `tags`, which drops that block);
// - a model learned as `prompt` ends a reply itself without any `</think>`: forgotten, not flipped to
//   `tags` (an R1 model that stopped inside its thinking looks the same, and that text is no answer);
// - the server's `system_fingerprint` (its build and configuration; llama.cpp and OpenAI send one, vLLM
//   none) differs from the one the rule was learned under, or the server starts sending the reasoning in
//   a field of its own: forgotten before the reply is read;
// - the server could not be reached or was loading (a restart is how vLLM changes weights): all forgotten.
// A forgotten model is read as `auto` again until its next finished reply. Each change is logged once.
import {
  thinkingShownBy,
  thinkingStartFor,
  thinkingStartShownBy,
  type ThinkingShown,
  type ThinkingStart,
} from './reasoning.js';

/** Models whose thinking `auto` remembers (one URL rarely serves more than a few). */
const MAX_LEARNED_MODELS = 16;

/** What identifies the weights behind a reply, as far as the server says. */
export interface ReplySource {
  /** The model the server names in its reply. */
  model: string;
  /** The reply's `system_fingerprint`, when the server sends one. */
  fingerprint?: string | null;
  /** The server sent reasoning in a field of its own (its parser split it off the content). */
  reasoningSent: boolean;
}

interface Learned {
  start: 'prompt' | 'tags';
  /** The replies learned from showed thinking (a `<think>` block or a `</think>`). */
  thinks: boolean;
  fingerprint?: string;
}

/**
 * Under LLM_THINKING=auto, the rule each model's replies are read with, learned from its replies and
 * corrected when they disagree (see the top of this file). Under `prompt` or `tags` it only applies the
 * setting.
 */
export class LearnedThinking {
  private readonly learned = new Map<string, Learned>();

  constructor(
    private readonly setting: ThinkingStart,
    private readonly log: (message: string) => void,
    private readonly max = MAX_LEARNED_MODELS,
  ) {}

  /** Whether a rule for `model` is learned. */
  knows(model: string): boolean {
    return this.learned.has(model);
  }

  /**
   * The rule for a reply, before its content is read: the setting, or under `auto` what the model's
   * replies showed, unless the reply comes from another server build or with the reasoning split off.
   */
  ruleFor(reply: ReplySource): ThinkingStart {
    if (this.setting !== 'auto') return thinkingStartFor(this.setting, reply.reasoningSent);
    const known = this.learned.get(reply.model);
    const fingerprint = reply.fingerprint || undefined;
    if (known && known.fingerprint !== fingerprint)
      this.forget(reply.model, `system_fingerprint ${known.fingerprint ?? 'none'} became ${fingerprint ?? 'none'}`);
    else if (known && reply.reasoningSent) this.forget(reply.model, 'the server now sends the reasoning apart');
    return thinkingStartFor(this.learned.get(reply.model)?.start ?? 'auto', reply.reasoningSent);
  }

  /**
   * `rule` was learned as `tags` and the content (so far) shows thinking opened in the prompt: the reply
   * must be read as `auto`, and a stream must not pass more of it. A stream passes its ThinkingFilter,
   * which tracks that piece by piece, instead of the content: reading all of it again for every piece
   * would be quadratic in the reply's length.
   */
  contradicts(rule: ThinkingStart, reply: ReplySource, content: string | ThinkingShown): boolean {
    if (rule !== 'tags' || reply.reasoningSent || !this.knows(reply.model)) return false;
    return shownBy(content).orphanClose;
  }

  /**
   * After a reply (`finished`: the model ended it itself, with no stop string asked for): learns a new
   * model's rule, or corrects a learned one the reply disagrees with. A stream passes its ThinkingFilter
   * (what its content showed, tracked piece by piece) rather than a copy of the content.
   */
  observe(reply: ReplySource, content: string | ThinkingShown, finished: boolean): void {
    if (this.setting !== 'auto' || reply.reasoningSent) return;
    const shown = shownBy(content);
    const known = this.learned.get(reply.model);
    const fingerprint = reply.fingerprint || undefined;
    if (!known) {
      if (finished && this.learned.size < this.max) {
        const start = thinkingStartShownBy(shown);
        const thinks = start === 'prompt' || shown.opensThinking;
        this.learned.set(reply.model, { start, thinks, fingerprint });
      }
      return;
    }
    if (known.start === 'tags' && shown.orphanClose) {
      this.relearn(reply.model, { start: 'prompt', thinks: true, fingerprint }, 'a </think> with no <think> before it');
    } else if (known.start === 'tags' && !known.thinks && shown.opensThinking) {
      this.relearn(reply.model, { start: 'tags', thinks: true, fingerprint }, 'a reply opening with <think>');
    } else if (known.start === 'prompt' && finished && !shown.closesThinking) {
      this.forget(reply.model, 'a reply it ended without </think>');
    }
  }

  /** The server restarted or is loading: whatever it serves next may be other weights. */
  forgetAll(why: string): void {
    if (this.learned.size === 0) return;
    this.log(`LLM_THINKING=auto: forgetting what ${[...this.learned.keys()].join(', ')} showed (${why})`);
    this.learned.clear();
  }

  private relearn(model: string, next: Learned, why: string): void {
    const known = this.learned.get(model);
    this.learned.set(model, next);
    this.log(
      `LLM_THINKING=auto: ${model}, learned as ${describe(known)}, sent ${why}: ` +
        `its weights may have changed; now read as ${describe(next)}`,
    );
  }

  private forget(model: string, why: string): void {
    const known = this.learned.get(model);
    this.learned.delete(model);
    this.log(
      `LLM_THINKING=auto: ${model}, learned as ${describe(known)}: ${why}; ` +
        `its weights may have changed; read as auto until it finishes a reply`,
    );
  }
}

const shownBy = (content: string | ThinkingShown): ThinkingShown =>
  typeof content === 'string' ? thinkingShownBy(content) : content;

const describe = (l: Learned | undefined): string =>
  !l
    ? 'unknown'
    : l.start === 'prompt'
      ? 'thinking opened in the prompt'
      : l.thinks
        ? 'thinking in <think> tags'
        : 'not thinking';
