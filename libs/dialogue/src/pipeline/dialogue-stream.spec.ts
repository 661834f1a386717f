import { GeneratorCancelledError, GeneratorTimeoutError, type GenerateChunk } from '@huashu/generator';
import type { ReplyPart } from '../turn-result.js';
import type { Approval } from './candidate.js';
import { MAX_STREAMED_PARTS, joinParts, streamCandidate } from './dialogue-stream.js';

/** Generator stream of sentences (text then sentence chunks), optionally failing after them. */
async function* chunks(sentences: string[], fail?: Error): AsyncGenerator<GenerateChunk> {
  for (const s of sentences) {
    await Promise.resolve();
    yield { type: 'text', text: s };
    yield { type: 'sentence', text: s };
  }
  if (fail) throw fail;
}

const match = { threshold: 0.8, libraryVersion: 3 };
/** Approves sentences that name a script ("[id]"), blocks "BAD", leaves the rest below threshold. */
const approve = (text: string): Promise<Approval> => {
  if (text.includes('BAD')) return Promise.resolve({ output: { verdict: 'block', hits: [] }, checked: text });
  const id = /\[(\w+)\]/.exec(text)?.[1];
  const best = id ? 0.9 : 0.5;
  return Promise.resolve({
    output: { verdict: 'allow', hits: [] },
    match: { ...match, best },
    checked: text,
    reply: id
      ? { text: `script ${id}.`, scriptId: id, libraryVersion: 3, similarity: best, fallback: false }
      : undefined,
  });
};

const run = (source: AsyncIterable<GenerateChunk>, approver = approve) => {
  const sent: ReplyPart[] = [];
  const problems: string[] = [];
  const result = streamCandidate({
    chunks: source,
    approve: approver,
    pull: (work) => work(),
    sink: (p) => sent.push(p),
    model: 'm',
    problems,
  });
  return { sent, problems, result };
};

describe('streamCandidate (generator route, streamed)', () => {
  it('sends each newly approved script once, in order, and replies with them joined', async () => {
    const { sent, problems, result } = run(chunks(['Hi [a].', 'Again [a].', 'No match.', 'Then [b].']));
    const c = await result;
    expect(sent.map((p) => p.scriptId)).toEqual(['a', 'b']);
    expect(c.reply).toMatchObject({ text: 'script a. script b.', scriptId: 'a', fallback: false });
    expect(c.reply?.parts).toEqual(sent);
    expect(c.generator).toMatchObject({ model: 'm', finishReason: 'stop' });
    expect(problems).toEqual([]);
  });

  it('stops at a blocked sentence: what was sent stays, nothing after it is trusted', async () => {
    const { sent, result } = run(chunks(['Hi [a].', 'BAD [b].', 'Then [c].']));
    const c = await result;
    expect(sent.map((p) => p.scriptId)).toEqual(['a']);
    expect(c.output.verdict).toBe('block');
    expect(c.reply?.text).toBe('script a.');
  });

  it(`sends at most ${MAX_STREAMED_PARTS} scripts`, async () => {
    const { sent, result } = run(chunks(['[a].', '[b].', '[c].', '[d].']));
    expect((await result).reply?.parts).toHaveLength(MAX_STREAMED_PARTS);
    expect(sent).toHaveLength(MAX_STREAMED_PARTS);
  });

  it('keeps the parts sent before a deadline or a barge-in, and records the problem', async () => {
    const late = run(chunks(['Hi [a].'], new GeneratorTimeoutError(500)));
    const c = await late.result;
    expect(c.reply?.text).toBe('script a.');
    expect(c.generator?.finishReason).toBe('deadline');
    expect(late.problems).toHaveLength(1);
    const cancelled = run(chunks([], new GeneratorCancelledError()));
    const none = await cancelled.result;
    expect(none.reply).toBeUndefined();
    expect(none.generator?.finishReason).toBe('failed');
  });

  it('tries the whole text once when no single sentence was approved, without streaming it', async () => {
    const whole = (text: string) => approve(text === 'One.Two.' ? '[w]' : text);
    const { sent, result } = run(chunks(['One.', 'Two.']), whole);
    const c = await result;
    expect(sent).toEqual([]);
    expect(c.reply).toMatchObject({ scriptId: 'w' });
    expect(c.reply?.parts).toBeUndefined();
  });
});

describe('joinParts', () => {
  it('abuts zh scripts and spaces Latin sentences', () => {
    expect(joinParts(['您好。', '月费199元。'])).toBe('您好。月费199元。');
    expect(joinParts(['Hello.', 'It costs 199.'])).toBe('Hello. It costs 199.');
    expect(joinParts(['好的。', 'OK.'])).toBe('好的。OK.');
  });
});
