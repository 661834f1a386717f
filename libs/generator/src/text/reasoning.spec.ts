import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { SentenceSplitter } from './sentence-splitter.js';
import {
  stripThinking,
  ThinkingFilter,
  thinkingShownBy,
  thinkingStartFor,
  type ThinkingShown,
  type ThinkingStart,
  type ThinkingStripped,
} from './reasoning.js';

/** Everything a filter lets through when `text` arrives in `pieces`. */
function streamed(pieces: string[], start?: ThinkingStart): { answer: string; filter: ThinkingFilter } {
  const filter = new ThinkingFilter(start);
  let answer = '';
  for (const piece of pieces) answer += filter.push(piece);
  answer += filter.flush();
  return { answer, filter };
}

/** Everything a filter lets through when `text` arrives in pieces of `size` characters. */
function filtered(text: string, size: number, start?: ThinkingStart): { answer: string; filter: ThinkingFilter } {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return streamed(pieces, start);
}

/** `text` cut at the given offsets (sorted, within bounds). */
const cut = (text: string, at: number[]): string[] =>
  [0, ...at, text.length].slice(1).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));

const MODES: ThinkingStart[] = ['auto', 'prompt', 'tags'];

/** Replies real servers send: tags at the start, in the prompt (orphan close), mid-text, split, none. */
const REPLIES = [
  '<think>\n用户问价格。说99。\n</think>\n\n它每月九十九元。',
  'Okay, the user asks the price. Say 99.\n</think>\n\nIt is 99 a month. Anything else?',
  '  <think>a</think>  b',
  'It is 99. Use <think> tags? No.',
  'Quote <think> then </think> then stop.',
  'It is 99.</think>',
  '</think>',
  '<think></think>',
  '<think>never closed',
  'plain answer. 没有思考。',
  '<th',
  '  ',
  '',
  'a </think> b </think> c',
  '<think>x</think>y</think>z',
  '</thinkk>not a tag</think>answer',
];

/** What a filter has let through so far, what it dropped, and what the content showed (orphan `</think>` …). */
interface Seen extends ThinkingShown {
  text: string;
  thinking?: ThinkingStripped;
}

/** What the filter has seen after each of `pieces`, then after its flush. */
function steps(pieces: string[], start: ThinkingStart): Seen[] {
  const filter = new ThinkingFilter(start);
  let text = '';
  const seen = (): Seen => ({
    text,
    thinking: filter.stripped,
    orphanClose: filter.orphanClose,
    opensThinking: filter.opensThinking,
    closesThinking: filter.closesThinking,
  });
  const after = pieces.map((piece) => {
    text += filter.push(piece);
    return seen();
  });
  text += filter.flush();
  return [...after, seen()];
}

/**
 * What a filter should have seen once the first `k` characters of `reply` arrived, for each `k`, then at
 * the end: what it sees when they come in one piece, with what the content shows as the content's own
 * tests say (what a stream checked against all of its content, kept, before it was incremental).
 */
function expectedSteps(reply: string, start: ThinkingStart): { at: Seen[]; end: Seen } {
  const at = [...Array(reply.length + 1).keys()].map((k) => ({
    ...steps([reply.slice(0, k)], start)[0],
    ...thinkingShownBy(reply.slice(0, k)),
  }));
  const whole = stripThinking(reply, start);
  const end = { text: whole.text, thinking: whole.thinking, ...thinkingShownBy(reply) };
  expect(steps([reply], start)[1]).toEqual(end);
  return { at, end };
}

/** `reply`'s steps in `pieces` against what it should have seen after each piece, and at the end. */
function expectSameSteps(
  reply: string,
  pieces: string[],
  start: ThinkingStart,
  expected = expectedSteps(reply, start),
) {
  let end = 0;
  const want = [...pieces.map((piece) => expected.at[(end += piece.length)]), expected.end];
  const seen = steps(pieces, start);
  // Tens of thousands of splits: a cheap comparison first, Jest's (with its report) only on a difference.
  if (!isDeepStrictEqual(seen, want))
    expect({ reply, pieces, start, seen }).toEqual({ reply, pieces, start, seen: want });
}

// After every piece, under every rule, a filter has let through and dropped what it does for the content
// so far in one piece, and at the end what `stripThinking` does for the finished reply.
describe('streamed and finished replies agree under every rule and every split', () => {
  // Tags at the start, in the middle, at the end, back to back, cut short; short enough to try every split.
  const SHORT = [
    '<think></think>a',
    '</think><think>',
    ' <th</think>',
    '\n</think>\n\nb',
    'a</think> b',
    'x<think>y',
    '<think>a',
    'a</thin',
    '  <t',
  ];

  it.each(MODES)('%s: every split of each reply into two and three pieces', (start) => {
    for (const reply of REPLIES) {
      const expected = expectedSteps(reply, start);
      for (let i = 0; i <= reply.length; i++)
        for (let j = i; j <= reply.length; j++) expectSameSteps(reply, cut(reply, [i, j]), start, expected);
    }
  });

  it.each(MODES)('%s: every split of short replies', (start) => {
    for (const reply of SHORT) {
      const expected = expectedSteps(reply, start);
      // Bit i of `mask` set: a piece ends after character i + 1.
      for (let mask = 0; mask < 2 ** (reply.length - 1); mask++) {
        const at = [...Array(reply.length - 1).keys()].filter((i) => mask & (2 ** i)).map((i) => i + 1);
        expectSameSteps(reply, cut(reply, at), start, expected);
      }
    }
  });

  it.each(MODES)('%s: one character at a time', (start) => {
    const long = `${REPLIES[1]} `.repeat(20);
    for (const reply of [...REPLIES, ...SHORT, long, `<think>${long}</think> ok`, `${long}<think>`])
      expectSameSteps(reply, [...reply], start);
  });

  it('random replies of tag fragments, cut anywhere (fast-check)', () => {
    const fragment = fc.constantFrom('<think>', '</think>', '<', '</', 'think', '>', ' ', '\n', 'a', '答。', '.');
    fc.assert(
      fc.property(
        fc.array(fragment, { maxLength: 14 }).map((f) => f.join('')),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom(...MODES),
        (reply, cuts, start) => {
          const at = cuts.map((c) => c % (reply.length + 1)).sort((a, b) => a - b);
          expectSameSteps(reply, cut(reply, at), start);
        },
      ),
      { seed: 20261130, numRuns: 3000 },
    );
  });
});

describe('where thinking starts (LLM_THINKING)', () => {
  const R1 = 'The user asks the price. Quote 99.</think>\n\nIt is 99 a month.';

  it('auto: thinking opened in the prompt is dropped, streamed too, and nothing of it is let through early', () => {
    expect(stripThinking(R1).text).toBe('It is 99 a month.');
    const filter = new ThinkingFilter();
    // Until its </think>, a reply without an opening tag may be thinking: nothing leaves the filter.
    expect(filter.push('The user asks the price. ')).toBe('');
    expect(filter.push('Quote 99.</th')).toBe('');
    expect(filter.push('ink>\n\nIt is 99')).toBe('It is 99');
    expect(filter.push(' a month.')).toBe(' a month.');
    expect(filter.stripped).toEqual({ chars: 'The user asks the price. Quote 99.'.length, unterminated: false });
  });

  it('auto: a reply that turns out to have no thinking comes out whole at its end, or once a <think> shows none can end', () => {
    const filter = new ThinkingFilter();
    expect(filter.push('It is 99 a month. ')).toBe('');
    expect(filter.flush()).toBe('It is 99 a month. ');
    expect(filter.stripped).toBeUndefined();
    const tagged = new ThinkingFilter();
    expect(tagged.push('Say <think> aloud')).toBe('Say <think> aloud');
    expect(tagged.push(', then </think>.')).toBe(', then </think>.');
  });

  it('prompt: everything until the first </think> is thinking; a reply that never closes it has no answer', () => {
    expect(stripThinking(R1, 'prompt').text).toBe('It is 99 a month.');
    expect(stripThinking('Still weighing the options', 'prompt')).toEqual({
      text: '',
      thinking: { chars: 'Still weighing the options'.length, unterminated: true },
    });
    const filter = new ThinkingFilter('prompt');
    expect(filter.push('Still weighing')).toBe('');
    expect(filter.push('</think>It is 99.')).toBe('It is 99.');
    expect(filter.push(' Shall I?')).toBe(' Shall I?');
  });

  it('tags: streams at once; a </think> without an opening tag is text', () => {
    expect(stripThinking(R1, 'tags')).toEqual({ text: R1 });
    const filter = new ThinkingFilter('tags');
    expect(filter.push('It is 99. ')).toBe('It is 99. ');
    expect(stripThinking('<think>x</think>y', 'tags').text).toBe('y');
  });

  it('content beside a server-parsed reasoning field is read as tags', () => {
    expect(thinkingStartFor('auto', true)).toBe('tags');
    expect(thinkingStartFor('prompt', true)).toBe('tags');
    expect(thinkingStartFor('prompt', false)).toBe('prompt');
  });
});

describe('reasoning models: thinking is not the answer', () => {
  it('strips a leading <think> block from a finished reply', () => {
    expect(stripThinking('<think>\nThe user asks the price. Say 99.\n</think>\n\nIt is 99 a month.')).toEqual({
      text: 'It is 99 a month.',
      thinking: { chars: 'The user asks the price. Say 99.\n'.length + 1, unterminated: false },
    });
  });

  it('treats an unterminated block as all thinking, and leaves replies without one alone', () => {
    expect(stripThinking('<think>Let me think about the price')).toEqual({
      text: '',
      thinking: { chars: 'Let me think about the price'.length, unterminated: true },
    });
    expect(stripThinking('It is 99. Use <think> tags? No.')).toEqual({ text: 'It is 99. Use <think> tags? No.' });
  });

  it('strips thinking that began in the prompt (DeepSeek-R1 template: no opening tag)', () => {
    expect(stripThinking('reasoning here</think>The answer.').text).toBe('The answer.');
  });

  it.each([1, 2, 3, 7, 100])('drops a streamed thinking block in pieces of %i characters', (size) => {
    const { answer, filter } = filtered(
      '<think>Price question. 价格是多少？Answer 99.</think>\n它每月九十九元。',
      size,
    );
    expect(answer).toBe('它每月九十九元。');
    expect(filter.stripped).toEqual({ chars: 'Price question. 价格是多少？Answer 99.'.length, unterminated: false });
  });

  it('passes a reply without thinking through unchanged, including one shorter than the tag', () => {
    expect(filtered('Hello. How can I help?', 2)).toMatchObject({ answer: 'Hello. How can I help?' });
    expect(filtered('<th', 1).answer).toBe('<th');
    expect(filtered('Hello', 5).filter.stripped).toBeUndefined();
  });

  it('never lets a thinking sentence reach the sentence splitter', () => {
    const filter = new ThinkingFilter();
    const splitter = new SentenceSplitter();
    const sentences: string[] = [];
    const text = '<think>First I greet. Then I quote the price! 然后报价。</think>It is 99 a month. Anything else?';
    for (let i = 0; i < text.length; i += 4) sentences.push(...splitter.push(filter.push(text.slice(i, i + 4))));
    sentences.push(...splitter.flush());
    expect(sentences).toEqual(['It is 99 a month.', 'Anything else?']);
  });

  it('reports a stream that never left its thinking block', () => {
    const { answer, filter } = filtered('<think>Still thinking about it', 4);
    expect(answer).toBe('');
    expect(filter.stripped?.unterminated).toBe(true);
  });
});
