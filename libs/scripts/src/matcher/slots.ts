/** `{slot_name}` placeholders: lower-case letters, digits and `_`, starting with a letter. */
const SLOT = /\{([a-z][a-z0-9_]{0,39})\}/g;

/**
 * Slots every conversation fills itself, whatever the campaign's `slots` say: the customer's name
 * (from the conversation, else the campaign's `customer_name`) and the callback time a busy customer
 * asked for. Any other placeholder needs a campaign slot (`slots` or `slotsByLanguage`).
 */
export const BUILT_IN_SLOTS: readonly string[] = ['customer_name', 'callback_time'];

/** The slot names a script's text uses, each once, in order. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(SLOT)].map((m) => m[1]))];
}

/**
 * What is wrong with the braces of a script's text, if anything: a `{` or `}` that is not part of a
 * well-formed `{slot_name}` would be spoken literally ("hello {customer_name"), so it is refused.
 */
export function braceProblem(text: string): string | undefined {
  if (!/[{}]/.test(text.replace(SLOT, ''))) return undefined;
  return (
    'has an unbalanced brace or a malformed placeholder: a placeholder is {slot_name} ' +
    '(lower-case letters, digits and _, starting with a letter), and a text has no other braces'
  );
}
/** Longest slot value inserted; longer values are cut (a name field is never a paragraph). */
const SLOT_VALUE_MAX = 80;
/**
 * What has no business in spoken text: C0 and C1 controls other than line breaks and tabs (those
 * become spaces), format characters (bidi embeddings, overrides and isolates U+202A–U+202E and
 * U+2066–U+2069, marks, zero-width spaces, soft hyphens, BOMs, tag characters) and lone surrogates.
 * The first alternative keeps a zero-width joiner that joins two emoji (👩‍💻 is one emoji); the
 * replacement is its group, empty for the second.
 */
const SILENT =
  /(\p{Extended_Pictographic}[\p{Emoji_Modifier}\uFE0F]*\u200D)(?=\p{Extended_Pictographic})|(?![\t\n\v\f\r\u0085])[\p{Cc}\p{Cf}\p{Cs}]/gu;

/**
 * `text` without what SILENT matches (controls, format characters, lone surrogates; an emoji's
 * joiner kept): what a customer's utterance is stored and screened as, so a NUL or a right-to-left
 * override never reaches a transcript. Line breaks and tabs stay. Empty or blank when nothing
 * speakable was there ("\u0000\u0007").
 */
export function withoutSilent(text: string): string {
  return text.replace(SILENT, '$1');
}

/**
 * Fill `{slot}` placeholders in one pass.
 *
 * Missing-slot rule: a slot whose value is absent or blank is removed together with the spaces
 * before it, and a space left before punctuation is dropped ("Hi {customer_name}, …" → "Hi, …";
 * "{customer_name}您好" → "您好"). A comma that the gap would leave before another punctuation mark
 * goes with it ("Thanks for taking my call, {customer_name}." → "… my call."; "您好，{customer_name}，我是"
 * → "您好，我是"), and so does one after a gap that opens the text ("{customer_name}, welcome" →
 * "Welcome"). Its name is returned in `missing`, so a caller that prefers a script without gaps can
 * pick another one. Values are cleaned by `slotValue`.
 */
export function fillSlots(
  text: string,
  slots: Record<string, string | undefined>,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const filled = text.replace(SLOT, (_m, name: string) => {
    const raw = Object.prototype.hasOwnProperty.call(slots, name) ? slots[name] : undefined;
    const value = slotValue(raw);
    if (value === '') {
      if (!missing.includes(name)) missing.push(name);
      // A private-use marker, removed below with the spaces before it.
      return '\uE000';
    }
    return value;
  });
  if (missing.length === 0) return { text: filled, missing };
  let opensWithGap = false;
  const tidy = filled
    .replace(/[,，、][ \t]*\uE000(?=[ \t]*[,，、.!?;:。！？；：])/g, '')
    .replace(/^[ \t]*\uE000[ \t]*[,，、][ \t]*/, () => {
      opensWithGap = true;
      return '';
    })
    .replace(/[ \t]*\uE000/g, '')
    .replace(/[ \t]+([,.!?;:，。！？；：、])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  // The gap opened a sentence: so does the word after it now.
  return { text: opensWithGap ? tidy.charAt(0).toUpperCase() + tidy.slice(1) : tidy, missing };
}

/**
 * A slot value as it is inserted: single-line, brace-free (so a value can never inject a
 * placeholder), without control or format characters (a NUL or a right-to-left override in a
 * customer's name must not reach text-to-speech or a transcript), trimmed and cut to 80 characters.
 * Empty when nothing speakable is left: the slot is then missing.
 */
export function slotValue(value: string | undefined): string {
  if (typeof value !== 'string') return '';
  return (
    value
      .replace(/[{}\uE000]/g, '')
      .replace(SILENT, '$1')
      .replace(/[\s\u0085]+/g, ' ')
      .trim()
      .slice(0, SLOT_VALUE_MAX)
      // A cut through an astral character leaves half of it.
      .replace(/[\uD800-\uDBFF]$/, '')
  );
}
