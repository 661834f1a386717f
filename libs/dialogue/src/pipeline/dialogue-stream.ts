import { nowMs } from '@huashu/common';
import type { ComplianceHit, Verdict } from '@huashu/compliance';
import { GeneratorError, type GenerateChunk, type GenerateStreamEnd } from '@huashu/generator';
import type { Reply, ReplyPart } from '../turn-result.js';
import type { Approval, Candidate } from './candidate.js';

/** Receives each approved script of a streamed turn as soon as it is matched. */
export type PartSink = (part: ReplyPart) => void;

/**
 * Most approved scripts one streamed reply may send. A generated answer of many sentences would
 * otherwise chain as many scripts; the non-streaming turn answers with one.
 */
export const MAX_STREAMED_PARTS = 3;

const SEVERITY: Record<Verdict, number> = { allow: 0, redact: 1, block: 2 };

/**
 * Join approved scripts into the one reply text that was sent: zh scripts abut, a Latin word or
 * sentence end before a Latin start gets a space.
 */
export function joinParts(texts: string[]): string {
  return texts.reduce((out, t) => (out && /[\w.!?,;:]$/.test(out) && /^\w/.test(t) ? `${out} ${t}` : out + t), '');
}

export interface StreamCandidateInput {
  /** The generator's streaming form (raw text pieces and complete zh/en sentences). */
  chunks: AsyncIterable<GenerateChunk, GenerateStreamEnd | void>;
  /** Output compliance + script match of one text (the same step the non-streaming turn runs). */
  approve: (text: string) => Promise<Approval>;
  /** Times one pull from the generator (counted as generation time). */
  pull: <T>(work: () => Promise<T>) => Promise<T>;
  sink: PartSink;
  model: string;
  problems: string[];
}

/**
 * Generator route, streamed. Each complete sentence is screened and matched as soon as it arrives;
 * a newly approved script goes to `sink` at once (the caller hears it while the model still
 * writes). A blocked sentence stops the generation: nothing after it is trusted. When the stream
 * ends with nothing approved sentence by sentence, the whole text is tried once, as the
 * non-streaming turn does. Generation failures (deadline, barge-in abort, broken stream) keep the
 * parts already sent; with none, the turn falls back as usual.
 */
export async function streamCandidate(input: StreamCandidateInput): Promise<Candidate> {
  const started = nowMs();
  const it = input.chunks[Symbol.asyncIterator]();
  const parts: Reply[] = [];
  const hits: ComplianceHit[] = [];
  let verdict = 'allow' as Verdict;
  let match: Candidate['match'];
  let generated = '';
  let sentences = 0;
  let finishReason: NonNullable<Candidate['generator']>['finishReason'] = 'stop';
  // How the stream ended, when the provider says (the iterator's return value).
  let end: GenerateStreamEnd | undefined;
  const checked: string[] = [];
  const review = async (text: string): Promise<Approval> => {
    const a = await input.approve(text);
    hits.push(...a.output.hits);
    if (SEVERITY[a.output.verdict] > SEVERITY[verdict]) verdict = a.output.verdict;
    if (a.match && (!match || (a.match.best ?? -1) > (match.best ?? -1))) match = a.match;
    if (a.checked !== undefined) checked.push(a.checked);
    return a;
  };

  try {
    for (;;) {
      const next = await input.pull(() => it.next());
      if (next.done) {
        if (next.value) end = next.value;
        break;
      }
      if (next.value.type === 'text') {
        generated += next.value.text;
        continue;
      }
      sentences++;
      const a = await review(next.value.text);
      if (a.output.verdict === 'block') break;
      const reply = a.reply;
      if (reply && !parts.some((p) => p.scriptId === reply.scriptId)) {
        parts.push(reply);
        input.sink({ text: reply.text, scriptId: reply.scriptId, similarity: reply.similarity });
        if (parts.length >= MAX_STREAMED_PARTS) break;
      }
    }
  } catch (err) {
    finishReason = err instanceof GeneratorError && err.kind === 'timeout' ? 'deadline' : 'failed';
    input.problems.push(`generate: ${(err as Error)?.message ?? String(err)}`);
  } finally {
    // Stops the upstream request when the loop left early (cap reached, blocked sentence).
    await it.return?.();
  }

  if (finishReason === 'stop' && !generated.trim() && sentences === 0) input.problems.push('generate: finish empty');
  let whole: Approval | undefined;
  if (parts.length === 0 && verdict !== 'block' && finishReason === 'stop' && sentences > 1) {
    whole = await review(generated);
  }
  if (end && finishReason === 'stop') finishReason = end.finishReason;
  const generator = {
    model: end?.model ?? input.model,
    finishReason,
    latencyMs: nowMs() - started,
    ...(end?.ignoredParams?.length ? { ignoredParams: end.ignoredParams } : {}),
    ...(end?.thinking ? { thinking: end.thinking } : {}),
    ...(checked.length ? { candidate: checked.join(' ') } : {}),
  };
  const output = { verdict, hits };
  if (parts.length === 0) {
    return { output, generator, match, reply: whole?.output.verdict === 'block' ? undefined : whole?.reply };
  }
  const first = parts[0];
  return {
    output,
    generator,
    match,
    reply: {
      ...first,
      text: joinParts(parts.map((p) => p.text)),
      parts: parts.map((p) => ({ text: p.text, scriptId: p.scriptId, similarity: p.similarity })),
    },
  };
}
