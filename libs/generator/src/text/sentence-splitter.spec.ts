import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { SentenceSplitter, splitSentences } from './sentence-splitter.js';

/**
 * The whole-buffer reading the incremental splitter must give, after every piece: the unfinished
 * sentence so far segmented again on each push (the splitter before it read only new text).
 */
class WholeBufferSplitter {
  private static readonly segmenter = new Intl.Segmenter('zh', { granularity: 'sentence' });
  private buffer = '';

  push(text: string): string[] {
    this.buffer += text;
    if (!/[\p{Sentence_Terminal}.\u2024\uFE52\uFF0E\n\r\u0085\u2028\u2029；…]/u.test(this.buffer)) return [];
    const segments = [...WholeBufferSplitter.segmenter.segment(this.buffer)].map((s) => s.segment);
    if (segments.length === 0) return [];
    const last = segments.pop()!;
    if (/[。！？!?；…]["'”’」』）)]*\s*$/u.test(last)) {
      segments.push(last);
      this.buffer = '';
    } else this.buffer = last;
    return segments.map((s) => s.trim()).filter((s) => s !== '');
  }

  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest === '' ? [] : [rest];
  }
}

/** `text` cut at the given offsets (sorted, within bounds). */
const cut = (text: string, at: number[]): string[] =>
  [0, ...at, text.length].slice(1).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));

/** `text` in pieces of `size` code units. */
const chunks = (text: string, size: number): string[] =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

/** What a splitter returns for each piece, then for its flush. */
function steps(splitter: { push(t: string): string[]; flush(): string[] }, pieces: string[]): string[][] {
  return [...pieces.map((p) => splitter.push(p)), splitter.flush()];
}

function expectWholeBufferReading(pieces: string[]): void {
  const seen = steps(new SentenceSplitter(), pieces);
  const want = steps(new WholeBufferSplitter(), pieces);
  // Many thousands of splits: a cheap comparison first, Jest's (with its report) only on a difference.
  if (!isDeepStrictEqual(seen, want)) expect({ pieces, seen }).toEqual({ pieces, seen: want });
}

/** Every way to cut `text` into pieces (bit i of the mask: a piece ends after code unit i + 1). */
function* everySplit(text: string): Generator<string[]> {
  for (let mask = 0; mask < 2 ** Math.max(0, text.length - 1); mask++)
    yield cut(
      text,
      [...Array(Math.max(0, text.length - 1)).keys()].filter((i) => mask & (2 ** i)).map((i) => i + 1),
    );
}

// Where ICU's rules look back (a terminator and the closing marks and spaces after it, the letter before
// an ATerm) and ahead (SB8: over digits, spaces and brackets to a lowercase letter), with extending and
// format characters, paragraph separators and surrogate pairs (cut in half too, a terminator among them).
const SHORT = [
  'a. 5 b. C',
  'a. 5 B',
  'U.S. Army',
  'x.\u0301 Y',
  'a.\uFF9E B',
  'a.B c',
  'Mr. Smith!',
  '真的吗？！好',
  '他说“好。”嗯',
  '等等……好',
  'hi."\u00AD) ok',
  'a.\r\nB\u2029c',
  '😀. 𠀀好。',
  'a𑁇 b𐾆c',
  '3.5 a. (1) b',
  'e.g. it. Ok',
];

describe('SentenceSplitter reads only new text, with the whole-buffer reading', () => {
  it('every split of short texts, after every piece', () => {
    for (const text of SHORT) for (const pieces of everySplit(text)) expectWholeBufferReading(pieces);
  });

  it('one character at a time, and in pieces of two to five', () => {
    const long = [
      'Hello there. It costs 3.5 dollars! OK, e.g. this one. Or (2) that one? "Sure." Fine…',
      '您好！这个多少钱？我想了解一下。真的吗？！他说：“好的。”然后走了；等等……我想想。',
      `${'word '.repeat(300)}and 3.5 more ${'x'.repeat(200)}. Next ${'1 '.repeat(100)}b. ${'Z'.repeat(50)}`,
    ];
    for (const text of [...long, ...SHORT])
      for (const size of [1, 2, 3, 5]) expectWholeBufferReading(chunks(text, size));
  });

  it('random texts cut anywhere (fast-check)', () => {
    // Any code unit, plus the characters ICU's sentence rules turn on, so they come up often.
    const unit = fc.oneof(
      fc.constantFrom(
        ...'。！？!?；….．﹒․,:-( )"\'”’」』）\n\r\u2029\u0085\u0301\uFF9E\u00AD\u2060aBcZ您好3'.split(''),
        ' ',
        '😀',
        '𠀀',
        '𑁇',
      ),
      fc.string({ unit: 'binary', maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), (text, cuts) => {
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        expectWholeBufferReading(cut(text, at));
      }),
      { seed: 20261130, numRuns: 5000 },
    );
  });
});

// Streamed in any pieces, a reply comes out as the same sentences as in one piece where each sentence ends
// in one terminator and starts with a letter, and no digit or bracket stands between an abbreviation and
// the lowercase word after it (in one piece SB8 reads on to that word; at a piece's end it breaks). Not
// otherwise, as before: a sentence ending in 。！？!?；… is complete as soon as it arrives (the first
// sentence's latency), so a mark after it comes out alone (真的吗？！, 他说“好。”, 等等……, "Really?!"),
// and ； … mid-sentence end a streamed sentence but not ICU's.
describe('SentenceSplitter in pieces reads a reply as in one piece', () => {
  const first = fc.constantFrom('Price', 'it', 'The', '千兆', '宽带');
  const word = fc.oneof(
    first,
    fc.constantFrom('a', 'e.g. a month', 'the U.S. plan', 'Mr. Li', '3.5', '199元', '(two', 'cards)', '"fine"'),
    fc.constantFrom('，', '“套餐”', '（含光猫）'),
  );
  const sentence = fc
    .tuple(
      first,
      fc.array(word, { maxLength: 6 }),
      fc.constantFrom('. ', '! ', '? ', '.\n', '." ', '。', '！', '？', '.\n\n'),
    )
    .map(([start, words, end]) => `${[start, ...words].join(' ')}${end}`);
  const reply = fc.array(sentence, { minLength: 1, maxLength: 5 }).map((s) => s.join(''));

  it('every split of short replies', () => {
    for (const text of ['好的。多少钱？', 'It is 3.5. OK!', 'Mr. Li? 好。', 'e.g. a. Bye', '“套餐”？\n\nNo.']) {
      const whole = splitSentences(text);
      for (const pieces of everySplit(text)) {
        const seen = steps(new SentenceSplitter(), pieces).flat();
        if (!isDeepStrictEqual(seen, whole)) expect({ pieces, seen }).toEqual({ pieces, seen: whole });
      }
    }
  });

  it('in random pieces and one character at a time (fast-check)', () => {
    fc.assert(
      fc.property(reply, fc.array(fc.nat(), { maxLength: 12 }), (text, cuts) => {
        const whole = splitSentences(text);
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        for (const pieces of [cut(text, at), [...text]])
          expect(steps(new SentenceSplitter(), pieces).flat()).toEqual(whole);
      }),
      { seed: 20261130, numRuns: 3000 },
    );
  });
});
