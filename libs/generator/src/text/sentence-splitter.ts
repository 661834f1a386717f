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

/**
 * Incremental sentence splitter for streamed text: `push()` returns the sentences completed by the new
 * text, `flush()` the remainder at end of stream.
 */
export class SentenceSplitter {
  private buffer = '';

  push(text: string): string[] {
    this.buffer += text;
    if (!mayCompleteSentence(this.buffer)) return [];
    const segments = [...segmenter.segment(this.buffer)].map((s) => s.segment);
    if (segments.length === 0) return [];
    const last = segments[segments.length - 1];
    const complete = segments.slice(0, -1);
    if (CJK_FINAL.test(last)) {
      complete.push(last);
      this.buffer = '';
    } else {
      this.buffer = last;
    }
    return complete.map((s) => s.trim()).filter((s) => s !== '');
  }

  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest === '' ? [] : [rest];
  }
}

/** Split a finished text into sentences. */
export function splitSentences(text: string): string[] {
  const s = new SentenceSplitter();
  return [...s.push(text), ...s.flush()];
}
