import { normalisePhone } from '@huashu/dialogue';

/**
 * Words platforms put where the caller's number was withheld or is unknown: SIP's
 * `anonymous@anonymous.invalid` (RFC 3323 §4.1.1.3), AudioCodes/Genesys passing the SIP user part on
 * ("anonymous"), Twilio's ANONYMOUS, RESTRICTED, UNKNOWN, BLOCKED, UNAVAILABLE (its "withheld caller
 * ID" changelog, 2022-11-16: https://twilio.com/changelog/upcoming-changes-to-withheld-caller-ids-behavior-for-dial-calls),
 * and the usual PBX spellings (private, withheld, unavailable).
 */
const WITHHELD_WORDS = ['anonymous', 'restricted', 'unknown', 'blocked', 'unavailable', 'private', 'withheld'];

/** ITU E.161 letters on a phone keypad. */
const KEYPAD: Record<string, string> = Object.fromEntries(
  ['abc', 'def', 'ghi', 'jkl', 'mno', 'pqrs', 'tuv', 'wxyz'].flatMap((letters, i) =>
    [...letters].map((l) => [l, String(i + 2)]),
  ),
);

/**
 * The same words spelled on the keypad: Twilio "translates the alpha string into digits" (the
 * changelog above), so ANONYMOUS arrives as +266696687 and RESTRICTED as +7378742833. Some of these
 * even parse as possible numbers; they are placeholders every hidden caller shares, so they must never
 * reach the do-not-call list (one "don't call me" would refuse every hidden caller after it).
 */
const WITHHELD_DIGITS = new Set(WITHHELD_WORDS.map((w) => [...w].map((l) => KEYPAD[l]).join('')));

/** What a telephony start makes of the caller number the platform sent. */
export interface CallerNumber {
  /** E.164; absent when the platform sent none, a withheld one or one that does not parse. */
  phone?: string;
  /** Why there is no phone, when one was sent: hidden (a withheld word or its placeholder) or unparseable. */
  withheld?: 'withheld' | 'unparseable';
}

/**
 * The caller's number in E.164, or why there is none. A telephony call cannot be refused for its
 * caller ID as a REST client's junk can (the chat API keeps its 400): a hidden or unusual number is
 * taken as no number, so the caller is greeted and no do-not-call check is made.
 */
export function callerNumber(raw: string | undefined, language: 'zh' | 'en'): CallerNumber {
  const value = (raw ?? '').trim();
  if (value === '') return {};
  // "sip:anonymous@anonymous.invalid", "tel:+86…", "Anonymous": the user part, scheme dropped.
  const user = value
    .replace(/^(sips?|tel):/i, '')
    .split('@')[0]
    .toLowerCase();
  if (WITHHELD_WORDS.includes(user)) return { withheld: 'withheld' };
  if (WITHHELD_DIGITS.has(user.replace(/^\+/, ''))) return { withheld: 'withheld' };
  const phone = normalisePhone(user, language);
  return phone ? { phone } : { withheld: 'unparseable' };
}
