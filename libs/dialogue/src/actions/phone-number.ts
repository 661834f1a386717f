import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Region assumed for numbers written without a country code, by campaign language. */
const DEFAULT_REGION: Record<'zh' | 'en', CountryCode> = { zh: 'CN', en: 'US' };

/**
 * E.164 form of a phone number ("138 0013 8000" → "+8613800138000"), or undefined when it is not
 * a possible number. libphonenumber-js does the parsing so that every spelling of one number maps
 * to one do-not-call entry.
 */
export function normalisePhone(raw: string, language: 'zh' | 'en'): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, DEFAULT_REGION[language]);
  return parsed?.isPossible() ? parsed.number : undefined;
}

/**
 * What the do-not-call list stores: a SHA-256 of the E.164 number, so the list itself holds no
 * phone numbers (a leaked dump is not a call list); membership checks hash the same way.
 */
export const phoneDigest = (e164: string): string => createHash('sha256').update(e164, 'utf8').digest('hex');

/** "+8613800138000" → "+86138****8000" for transcripts and GET /v1/conversations/{id}. */
export const maskPhone = (e164: string): string =>
  e164.length <= 8 ? '****' : `${e164.slice(0, e164.length - 8)}****${e164.slice(-4)}`;
