// ICU's sentence rules (UAX #29) through Intl.Segmenter: zh 。！？ and en . ! ? boundaries, quotes and
// closing brackets kept with their sentence. No hand-written rules beyond deciding when the *last*
// segment of a still-growing buffer is complete.
const segmenter = new Intl.Segmenter('zh', { granularity: 'sentence' });

// A trailing CJK terminator (or …/ellipsis) cannot be continued the way "3." or "Mr." can, so a sentence
// ending in one is complete as soon as it arrives; a Latin terminator waits for the next character.
const CJK_FINAL = /[。！？!?；…]["'”’」』）)]*\s*$/u;

// UAX #29 breaks sentences only after a terminator (Sentence_Break STerm = Sentence_Terminal, ATerm =
// . ․ ﹒ ．) or a paragraph separator (SB4, SB11); CJK_FINAL adds ； and …. Text with none of them is one
// unfinished sentence: no need to segment it again on every streamed piece.
const MAY_COMPLETE = /[\p{Sentence_Terminal}.\u2024\uFE52\uFF0E\n\r\u0085\u2028\u2029；…]/u;

/** False when `text` cannot hold a sentence end (the splitter then keeps it whole without segmenting). */
export const mayCompleteSentence = (text: string): boolean => MAY_COMPLETE.test(text);

// Where a push starts segmenting (an anchor). The unfinished sentence was one segment when the last
// piece came, and more text cannot break it before its end: each no-break in it rests on the text before
// it and the next character, or on a lowercase letter SB8 had already found (at the end of the text SB8
// breaks; it never waits). Nor does any rule look back across a letter or a digit: SB5-SB11 look back
// over a terminator, the closing marks, spaces and separator after it, extending and format characters,
// and the letter just before an ATerm (SB7), which the segment then starts with. So a segment from the
// earlier pieces' last letter or digit reads the rest as the whole would. Not a letter that extends the
// character before it (Grapheme_Extend: ﾞ ﾟ), which SB5 reads as that character.
const ANCHOR = /[\p{L}\p{N}]/u;
const EXTEND = /\p{Grapheme_Extend}/u;

/** Index of the last anchor (see ANCHOR) that starts before `end` in `text`, or -1. */
function lastAnchor(text: string, end: number): number {
  for (let i = end - 1; i >= 0; i--) {
    const unit = text.charCodeAt(i);
    // The low half of a surrogate pair: read the code point from its high half.
    const at = isLowSurrogate(unit) && i > 0 && isHighSurrogate(text.charCodeAt(i - 1)) ? i - 1 : i;
    const ch = String.fromCodePoint(text.codePointAt(at)!);
    if (ANCHOR.test(ch) && !EXTEND.test(ch)) return at;
    i = at;
  }
  return -1;
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * Incremental sentence splitter for streamed text: `push()` returns the sentences completed by the new
 * text, `flush()` the remainder at end of stream. A push reads the new text, and segments only from the
 * unfinished sentence's last letter or digit before it (see ANCHOR) and only when a terminator or
 * separator lies after that: a long sentence in small pieces costs linear time, and the sentences are
 * those of segmenting the whole unfinished sentence on every push.
 */
export class SentenceSplitter {
  /** The unfinished sentence before its anchor: never segmented again. */
  private head = '';
  /** The rest of the unfinished sentence, from its anchor on. */
  private tail = '';
  /** The tail holds a terminator or a paragraph separator (mayCompleteSentence). */
  private mayComplete = false;
  /** The last piece's last code unit when it is the first half of a surrogate pair (𑁇 may come in halves). */
  private highSurrogate = '';

  push(text: string): string[] {
    const from = this.tail.length;
    this.tail += text;
    this.mayComplete ||= mayCompleteSentence(this.highSurrogate + text);
    this.highSurrogate = isHighSurrogate(text.charCodeAt(text.length - 1)) ? text.slice(-1) : '';
    if (!this.mayComplete) return [];
    // Segment from the last anchor the earlier pieces brought, where every break before it is known; with
    // no terminator after it (the "3." of "3.5"), the tail is one unfinished sentence.
    if (this.settle(from)) this.mayComplete = mayCompleteSentence(this.tail);
    if (!this.mayComplete) return [];
    const segments = Array.from(segmenter.segment(this.tail), (s) => s.segment);
    const last = segments.pop();
    if (last === undefined) return [];
    // The first segment goes on from the head: no break lies before the anchor.
    if (segments.length > 0) segments[0] = this.head + segments[0];
    const whole = segments.length === 0 ? this.head + last : last;
    if (CJK_FINAL.test(last)) {
      segments.push(whole);
      this.head = '';
      this.tail = '';
      this.mayComplete = false;
    } else if (segments.length > 0) {
      this.head = '';
      this.tail = last;
      this.mayComplete = mayCompleteSentence(last);
    }
    return segments.map((s) => s.trim()).filter((s) => s !== '');
  }

  flush(): string[] {
    const rest = (this.head + this.tail).trim();
    this.head = '';
    this.tail = '';
    this.mayComplete = false;
    this.highSurrogate = '';
    return rest === '' ? [] : [rest];
  }

  /** Moves the head up to the tail's last anchor before `end`; false when there is none past its start. */
  private settle(end: number): boolean {
    const at = lastAnchor(this.tail, end);
    if (at <= 0) return false;
    this.head += this.tail.slice(0, at);
    this.tail = this.tail.slice(at);
    return true;
  }
}

/** Split a finished text into sentences. */
export function splitSentences(text: string): string[] {
  const s = new SentenceSplitter();
  return [...s.push(text), ...s.flush()];
}
