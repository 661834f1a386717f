// ICU's sentence rules (UAX #29) through Intl.Segmenter: zh 。！？ and en . ! ? boundaries, quotes and
// closing brackets kept with their sentence. No hand-written rules beyond deciding when the *last*
// segment of a still-growing buffer is complete, and what a streamed sentence starts and ends with.
const segmenter = new Intl.Segmenter('zh', { granularity: 'sentence' });

// A trailing CJK terminator (or ! ?) cannot be continued the way "3." or "Mr." can, so a sentence ending
// in one is complete as soon as it arrives; a Latin terminator waits for the next character. ； and … are
// no terminators (UAX #29 reads on after them, as splitSentences does): a streamed sentence does not end
// there either, so a script with a ； is matched whole, as in the non-streaming turn.
const CJK_FINAL = /[。！？!?]["'”’」』）)]*\s*$/u;

// UAX #29 breaks sentences only after a terminator (Sentence_Break STerm = Sentence_Terminal, ATerm =
// . ․ ﹒ ．) or a paragraph separator (SB4, SB11). Text with none of them is one unfinished sentence: no
// need to segment it again on every streamed piece.
const MAY_COMPLETE = /[\p{Sentence_Terminal}.\u2024\uFE52\uFF0E\n\r\u0085\u2028\u2029]/u;

// What a sentence says aloud: one without any is never returned (a lone ！ or ” would be screened,
// embedded and matched, and recorded in the audit, for nothing).
const SPOKEN = /[\p{L}\p{N}]/u;

// What follows a sentence completed as soon as its 。！？!? arrived, that ICU would have kept with it had it
// come in the same piece (UAX #29 SB8a-SB11): more terminators and commas, closing marks right after one,
// spaces. In a later piece it starts no sentence and is dropped, since the sentence it closes has gone
// (真的吗？ + ！, 好的。 + ”). Opening marks (“ 「 （) stay with the sentence they open, as does a quote
// after a space (SB11 breaks before it: 'Really? "Yes."').
const REPEATED = /[\p{Sentence_Terminal}.\u2024\uFE52\uFF0E…‥,，、;；:：]/u;
const CLOSER = /[\p{Pe}\p{Pf}"']/u;
const SPACE = /\s/u;

// While a break after "." waits for a lowercase letter that would undo it (SB8: "e.g. (1) a" is one
// sentence), a piece of only these characters, which SB8 reads over, cannot settle it: no need to segment.
// Kept narrow (digits, brackets, quotes, dashes, spaces, commas and a few symbols); any other piece is
// segmented, which is exact.
const SB8_SKIPPED = /^[\p{Nd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Pd} \t\u3000,:;，、：；"'%#$/*+=<>&@]*$/u;

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
 * those of segmenting the whole unfinished sentence on every push. A sentence ending in 。！？!? is
 * returned by the push that completes it; the marks that close it in later pieces are dropped (REPEATED),
 * and a sentence with no letter, digit or Han character is never returned.
 */
export class SentenceSplitter {
  // Set by reset(), for a new splitter and after each flush.
  /** The unfinished sentence before its anchor: never segmented again. */
  private head!: string;
  /** The rest of the unfinished sentence, from its anchor on. */
  private tail!: string;
  /** The tail holds a terminator or a paragraph separator (mayCompleteSentence). */
  private mayComplete!: boolean;
  /** The last piece's last code unit when it is the first half of a surrogate pair (𑁇 may come in halves). */
  private highSurrogate!: string;
  /**
   * The tail's last break follows a "." and a lowercase letter could still undo it (SB8): the tail holds
   * both sentences, from the first one's last anchor, until a piece settles it.
   */
  private held!: boolean;
  /**
   * After a sentence complete at its 。！？!?: `marks` while a closing mark would still close it, `spaces`
   * after a space, `none` once something else came (see REPEATED).
   */
  private closing!: 'none' | 'marks' | 'spaces';
  /** While `closing`: the last piece ended on the first half of a surrogate pair. */
  private closingHalf!: string;

  constructor() {
    this.reset();
  }

  push(piece: string): string[] {
    const text = this.closing === 'none' ? piece : this.dropClosing(piece);
    const from = this.tail.length;
    this.tail += text;
    this.mayComplete ||= mayCompleteSentence(this.highSurrogate + text);
    this.highSurrogate = isHighSurrogate(text.charCodeAt(text.length - 1)) ? text.slice(-1) : '';
    if (!this.mayComplete) return [];
    if (this.held) {
      // Segmenting from the anchor before the new piece would lose the "." that SB8 reads from.
      if (SB8_SKIPPED.test(text)) return [];
    }
    // Segment from the last anchor the earlier pieces brought, where every break before it is known; with
    // no terminator after it (the "3." of "3.5"), the tail is one unfinished sentence.
    else if (this.settle(from)) this.mayComplete = mayCompleteSentence(this.tail);
    if (!this.mayComplete) return [];
    const segments = Array.from(segmenter.segment(this.tail), (s) => s.segment);
    const last = segments.pop();
    if (last === undefined) return [];
    this.held = false;
    if (CJK_FINAL.test(last)) {
      segments.push(last);
      segments[0] = this.head + segments[0];
      this.head = '';
      this.tail = '';
      this.mayComplete = false;
      this.closing = 'marks';
    } else if (segments.length > 0 && this.undoable(segments.at(-1)!, last)) {
      // Keep the sentence before the break unfinished with it, from its last anchor.
      const before = segments.pop()!;
      const at = Math.max(0, lastAnchor(before, before.length));
      if (segments.length > 0) segments[0] = this.head + segments[0];
      this.head = (segments.length > 0 ? '' : this.head) + before.slice(0, at);
      this.tail = before.slice(at) + last;
      this.held = true;
    } else if (segments.length > 0) {
      segments[0] = this.head + segments[0];
      this.head = '';
      this.tail = last;
      this.mayComplete = mayCompleteSentence(last);
    } else return [];
    return segments.map((s) => s.trim()).filter((s) => SPOKEN.test(s));
  }

  flush(): string[] {
    const rest = (this.head + this.tail).trim();
    this.reset();
    return SPOKEN.test(rest) ? [rest] : [];
  }

  /** Nothing pushed yet: a new stream. */
  private reset(): void {
    this.head = '';
    this.tail = '';
    this.mayComplete = false;
    this.highSurrogate = '';
    this.held = false;
    this.closing = 'none';
    this.closingHalf = '';
  }

  /** `piece` without what closes the sentence completed before it (see REPEATED). */
  private dropClosing(piece: string): string {
    const text = this.closingHalf + piece;
    this.closingHalf = '';
    for (let i = 0; i < text.length;) {
      // A terminator may be a surrogate pair (𑁇), cut between two pieces: wait for its second half.
      if (i === text.length - 1 && isHighSurrogate(text.charCodeAt(i))) {
        this.closingHalf = text.slice(i);
        return '';
      }
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      if (REPEATED.test(ch)) this.closing = 'marks';
      else if (SPACE.test(ch)) this.closing = 'spaces';
      else if (this.closing !== 'marks' || !CLOSER.test(ch)) {
        this.closing = 'none';
        return text.slice(i);
      }
      i += ch.length;
    }
    return '';
  }

  /**
   * The break between `before` and `last` (the tail's last two segments) is ICU's only because the text
   * ends there: it follows a "." and SB8 would read over `last` (no letter in it) to a lowercase letter
   * coming next. Asked of ICU with that letter.
   */
  private undoable(before: string, last: string): boolean {
    // A letter (not one SB5 reads as the character before it) in `last` has settled SB8 already.
    if (!/[.\u2024\uFE52\uFF0E]/u.test(before) || /[^\P{L}\p{Grapheme_Extend}]/u.test(last)) return false;
    const from = before.slice(Math.max(0, lastAnchor(before, before.length)));
    const [, another] = segmenter.segment(`${from}${last}a`);
    return another === undefined;
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
