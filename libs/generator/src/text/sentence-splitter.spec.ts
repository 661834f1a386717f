import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { SentenceSplitter, splitSentences } from './sentence-splitter.js';

/** Letters, digits and Han characters: what a sentence says aloud. */
const spoken = (s: string): string => (s.match(/[\p{L}\p{N}]/gu) ?? []).join('');

/**
 * The whole-buffer reading the incremental splitter must give, after every piece: the unfinished
 * sentence so far segmented again on each push (the splitter before it read only new text), with the
 * splitter's own rules spelled out plainly: a sentence ending in 。！？!? is complete at once, the marks
 * that would have closed it are dropped from what follows, a break after "." that a lowercase letter
 * could still undo (UAX #29 SB8) waits, and a sentence with nothing to say is never returned.
 */
class WholeBufferSplitter {
  private static readonly segmenter = new Intl.Segmenter('zh', { granularity: 'sentence' });
  private buffer = '';
  /** What came after a sentence complete at its 。！？!?, while all of it may close that sentence. */
  private closing: string | undefined;

  push(text: string): string[] {
    if (this.closing !== undefined) {
      this.closing += text;
      const marks =
        /^[\p{Pe}\p{Pf}"']*(?:\s|[\p{Sentence_Terminal}.\u2024\uFE52\uFF0E…‥,，、;；:：][\p{Pe}\p{Pf}"']*)*/u;
      const closed = marks.exec(this.closing)![0].length;
      // Not decided before the second half of a surrogate pair (𑁇 is a terminator).
      if (closed >= this.closing.length - (/[\uD800-\uDBFF]$/.test(this.closing) ? 1 : 0)) return [];
      text = this.closing.slice(closed);
      this.closing = undefined;
    }
    this.buffer += text;
    if (!/[\p{Sentence_Terminal}.\u2024\uFE52\uFF0E\n\r\u0085\u2028\u2029]/u.test(this.buffer)) return [];
    const segments = WholeBufferSplitter.segment(this.buffer);
    if (segments.length === 0) return [];
    const last = segments.pop()!;
    if (/[。！？!?]["'”’」』）)]*\s*$/u.test(last)) {
      segments.push(last);
      this.buffer = '';
      this.closing = '';
    } else if (segments.length > 0 && WholeBufferSplitter.segment(`${this.buffer}a`).length <= segments.length)
      this.buffer = segments.pop()! + last;
    else this.buffer = last;
    return segments.map((s) => s.trim()).filter((s) => spoken(s) !== '');
  }

  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    this.closing = undefined;
    return spoken(rest) === '' ? [] : [rest];
  }

  private static segment(text: string): string[] {
    return Array.from(WholeBufferSplitter.segmenter.segment(text), (s) => s.segment);
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
// format characters, paragraph separators and surrogate pairs (cut in half too, a terminator among them);
// marks after a complete sentence, before and after a space; ； and … inside one.
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
  '好。”！ 好',
  '好？ ！”好',
  '好！ "好',
  '好。𑁇ﾞ',
  'e.g. (1) a',
  'a. (1 B',
  '好。“你好”',
  '好；等…好',
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

// Streamed in any pieces, a reply says what it says in one piece, sentence by sentence: each streamed
// sentence is its one-piece sentence, at most without marks at its ends. A sentence ending in 。！？!? is
// complete as soon as it arrives (the first sentence's latency), so the marks after it in later pieces
// (真的吗？！, 他说“好的。”, "Really?!") are dropped, not kept with it; in one piece ICU keeps them.
describe('SentenceSplitter in pieces reads a reply as in one piece', () => {
  /** One character at a time, flushed. */
  const streamed = (text: string): string[] => steps(new SentenceSplitter(), [...text]).flat();

  /** `seen` says what `whole` says, sentence by sentence, each a part of its one-piece sentence. */
  function expectSameSentences(pieces: string[], seen: string[], whole: string[]): void {
    const same = seen.length === whole.length && seen.every((s, i) => whole[i].includes(s));
    if (!same || !isDeepStrictEqual(seen.map(spoken), whole.map(spoken)))
      expect({ pieces, seen }).toEqual({ pieces, seen: whole });
  }

  it('a mark after 。！？!? in a later piece is no sentence and does not start the next one', () => {
    expect(streamed('真的吗？！好的。')).toEqual(['真的吗？', '好的。']);
    expect(streamed('他说“好的。”然后走了。')).toEqual(['他说“好的。', '然后走了。']);
    expect(streamed('Really?! OK." Fine.')).toEqual(['Really?', 'OK."', 'Fine.']);
    // A quote after a space opens the next sentence.
    expect(streamed('Really?" "Yes." 好。 ”嗯')).toEqual(['Really?', '"Yes."', '好。', '”嗯']);
    // Still complete as soon as its terminator arrives.
    const s = new SentenceSplitter();
    expect(s.push('真的吗？')).toEqual(['真的吗？']);
    expect(s.push('！”')).toEqual([]);
    expect(s.flush()).toEqual([]);
  });

  it('after a flush it reads the next stream as a new splitter would', () => {
    // Left mid-state: closing marks awaited, a "." break held (SB8), half a surrogate pair, a head.
    for (const before of [['真的吗？'], ['See e.g.'], ['Hi 𑁇'.slice(0, -1)], ['合约期24个月', '，不能']]) {
      const used = new SentenceSplitter();
      steps(used, before);
      for (const pieces of [['！”好的。'], ['a list. ', 'Then'], ['\udc47 ok.']])
        expect(steps(used, pieces)).toEqual(steps(new SentenceSplitter(), pieces));
    }
  });

  it('a sentence with no letter, digit or Han character is never one', () => {
    expect(splitSentences('好。……！😀。Bye')).toEqual(['好。', 'Bye']);
    expect(streamed('等等……')).toEqual(['等等……']);
  });

  it('； and … do not end a sentence', () => {
    const contract = '合约期24个月，不能降级；到期后自动转为普通套餐。等等……好的…我想想。';
    expect(streamed(contract)).toEqual(['合约期24个月，不能降级；到期后自动转为普通套餐。', '等等……好的…我想想。']);
    expect(splitSentences(contract)).toEqual(streamed(contract));
  });

  it('an abbreviation followed by digits or a bracket waits for the word after them', () => {
    expect(streamed('See e.g. (1) a list. Then 2. (3) B.')).toEqual(['See e.g. (1) a list.', 'Then 2.', '(3) B.']);
  });

  const first = fc.constantFrom('Price', 'it', 'The', '千兆', '宽带');
  const word = fc.oneof(
    first,
    fc.constantFrom('a', 'e.g. a month', 'e.g. (1) a', 'i.e. 2 cards', 'the U.S. plan', 'Mr. Li', '3.5', '199元'),
    fc.constantFrom('(two', 'cards)', '"fine"', '，', '“套餐”', '（含光猫）', '；', '…', '……'),
  );
  const sentence = fc
    .tuple(
      first,
      fc.array(word, { maxLength: 6 }),
      fc.constantFrom(
        ...['. ', '! ', '? ', '.\n', '." ', '.\n\n', '?! ', '?" ', '... ', '...\n'],
        ...['。', '！', '？', '？！', '！！', '。”', '？”', '……。', '。）'],
      ),
    )
    .map(([start, words, end]) => `${[start, ...words].join(' ')}${end}`);
  const reply = fc.array(sentence, { minLength: 1, maxLength: 5 }).map((s) => s.join(''));

  it('every split of short replies', () => {
    const texts = ['好的。多少钱？', 'It is 3.5. OK!', 'Mr. Li? 好。', 'e.g. a. Bye', '“套餐”？\n\nNo.'];
    texts.push('真的吗？！好', '“好的。”嗯。', '等……好；嗯', 'e.g. (1) a', 'Hi?" Ok');
    for (const text of texts) {
      const whole = splitSentences(text);
      for (const pieces of everySplit(text))
        expectSameSentences(pieces, steps(new SentenceSplitter(), pieces).flat(), whole);
    }
  });

  it('in random pieces and one character at a time (fast-check)', () => {
    fc.assert(
      fc.property(reply, fc.array(fc.nat(), { maxLength: 12 }), (text, cuts) => {
        const whole = splitSentences(text);
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        for (const pieces of [cut(text, at), [...text]])
          expectSameSentences(pieces, steps(new SentenceSplitter(), pieces).flat(), whole);
      }),
      { seed: 20261130, numRuns: 3000 },
    );
  });
});
