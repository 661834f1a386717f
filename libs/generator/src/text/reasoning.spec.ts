import { SentenceSplitter } from './sentence-splitter.js';
import { stripThinking, ThinkingFilter } from './reasoning.js';

/** Everything a filter lets through when `text` arrives in pieces of `size` characters. */
function filtered(text: string, size: number): { answer: string; filter: ThinkingFilter } {
  const filter = new ThinkingFilter();
  let answer = '';
  for (let i = 0; i < text.length; i += size) answer += filter.push(text.slice(i, i + size));
  answer += filter.flush();
  return { answer, filter };
}

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
    expect(filter.inThinking).toBe(true);
    expect(filter.stripped?.unterminated).toBe(true);
  });
});
