import fc from 'fast-check';
import { SentenceSplitter } from './sentence-splitter.js';
import { stripThinking, ThinkingFilter, thinkingStartFor, type ThinkingStart } from './reasoning.js';

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

describe('streamed and finished replies agree under every rule and every split', () => {
  it.each(MODES)('%s: every split of each reply into two and three pieces', (start) => {
    for (const reply of REPLIES) {
      const whole = stripThinking(reply, start);
      const n = reply.length;
      for (let i = 0; i <= n; i++)
        for (let j = i; j <= n; j++) {
          const { answer, filter } = streamed(cut(reply, [i, j]), start);
          expect({ reply, i, j, text: answer, thinking: filter.stripped }).toEqual({
            reply,
            i,
            j,
            text: whole.text,
            thinking: whole.thinking,
          });
        }
    }
  });

  it('random replies of tag fragments, cut anywhere (fast-check)', () => {
    const fragment = fc.constantFrom('<think>', '</think>', '<', '</', 'think', '>', ' ', '\n', 'a', '答。', '.');
    fc.assert(
      fc.property(
        fc.array(fragment, { maxLength: 14 }).map((f) => f.join('')),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom(...MODES),
        (reply, cuts, start) => {
          const at = cuts.map((c) => c % (reply.length + 1)).sort((a, b) => a - b);
          const whole = stripThinking(reply, start);
          const { answer, filter } = streamed(cut(reply, at), start);
          expect(answer).toBe(whole.text);
          expect(filter.stripped).toEqual(whole.thinking);
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
