import fc from 'fast-check';
import { mayCompleteSentence, SentenceSplitter, splitSentences } from './sentence-splitter.js';
import { estimateTokens, isMostlyCjk, ngrams, textUnits, truncateToTokens } from './token-estimate.js';

describe('sentence splitting', () => {
  it('splits zh and en', () => {
    expect(splitSentences('您好！这个多少钱？我想了解一下。')).toEqual(['您好！', '这个多少钱？', '我想了解一下。']);
    expect(splitSentences('Hello there. It costs 3.5 dollars! OK')).toEqual([
      'Hello there.',
      'It costs 3.5 dollars!',
      'OK',
    ]);
  });

  it('emits a sentence as soon as it is known while text streams in', () => {
    const s = new SentenceSplitter();
    expect(s.push('您好')).toEqual([]);
    expect(s.push('！这个')).toEqual(['您好！']);
    expect(s.push('套餐很好。')).toEqual(['这个套餐很好。']);
    expect(s.push('It costs 3')).toEqual([]);
    // "3." might continue as "3.5": an English period waits for the next character.
    expect(s.push('.')).toEqual([]);
    expect(s.push('5 a month. Next')).toEqual(['It costs 3.5 a month.']);
    expect(s.flush()).toEqual(['Next']);
    expect(s.flush()).toEqual([]);
  });

  it('skips segmenting only text that ICU would keep as one unfinished sentence', () => {
    const segmenter = new Intl.Segmenter('zh', { granularity: 'sentence' });
    const cjkFinal = /[。！？!?]["'”’」』）)]*\s*$/u;
    // Any code points, plus the characters that matter here, so they come up often.
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom(...'。！？!?；….．﹒․ \n\r\u2029\u0085"”」）abc您好3'.split('')),
        fc.string({ unit: 'binary', maxLength: 1 }),
      ),
      maxLength: 40,
    });
    fc.assert(
      fc.property(text, (t) => {
        if (mayCompleteSentence(t)) return;
        expect([...segmenter.segment(t)].length).toBeLessThanOrEqual(1);
        expect(cjkFinal.test(t)).toBe(false);
      }),
      { seed: 20261129, numRuns: 5000 },
    );
  });
});

describe('token estimate', () => {
  it('counts CJK characters as one token and English at about four characters per token', () => {
    expect(estimateTokens('你好世界')).toBe(4);
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(estimateTokens('价格 price')).toBe(2 + 2);
    expect(estimateTokens('')).toBe(0);
  });

  it('detects language and units', () => {
    expect(isMostlyCjk('多少钱?')).toBe(true);
    expect(isMostlyCjk('How much is the VIP plan')).toBe(false);
    expect(textUnits("It's 好的 OK")).toEqual(["it's", '好', '的', 'ok']);
    expect([...ngrams(['a', 'b', 'c'], 2)]).toHaveLength(2);
  });

  it('truncates at a sentence end within the budget', () => {
    const t = truncateToTokens('第一句话说完了。第二句话也很长很长很长。', 12);
    expect(t).toEqual({ text: '第一句话说完了。', truncated: true });
    expect(truncateToTokens('short', 10)).toEqual({ text: 'short', truncated: false });
  });
});
