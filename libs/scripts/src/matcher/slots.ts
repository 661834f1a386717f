/** `{slot_name}` placeholders: lower-case letters, digits and `_`, starting with a letter. */
const SLOT = /\{([a-z][a-z0-9_]{0,39})\}/g;
/** Longest slot value inserted; longer values are cut (a name field is never a paragraph). */
const SLOT_VALUE_MAX = 80;

/**
 * Fill `{slot}` placeholders in one pass.
 *
 * Missing-slot rule: a slot whose value is absent or blank is removed together with the spaces
 * before it, and a space left before punctuation is dropped ("Hi {customer_name}, …" → "Hi, …";
 * "{customer_name}您好" → "您好"). A comma that the gap would leave before another punctuation mark
 * goes with it ("Thanks for taking my call, {customer_name}." → "… my call."; "您好，{customer_name}，我是"
 * → "您好，我是"), and so does one after a gap that opens the text ("{customer_name}, welcome" →
 * "Welcome"). Its name is returned in `missing`, so a caller that prefers a script without gaps can
 * pick another one. Values are single-line, stripped of braces (so a value
 * can never inject a placeholder) and cut to 80 characters.
 */
export function fillSlots(
  text: string,
  slots: Record<string, string | undefined>,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const filled = text.replace(SLOT, (_m, name: string) => {
    const raw = Object.prototype.hasOwnProperty.call(slots, name) ? slots[name] : undefined;
    const value = sanitise(raw);
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

function sanitise(value: string | undefined): string {
  if (typeof value !== 'string') return '';
  return value
    .replace(/[{}\uE000]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, SLOT_VALUE_MAX);
}
