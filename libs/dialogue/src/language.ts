import { match } from '@formatjs/intl-localematcher';
import { englishWords } from '@huashu/compliance';

/**
 * Latin words that tell no language: what a Chinese caller says as it is, a filler or a yes (OK, okay,
 * um, 嗯 written "en"), a pinyin particle a recogniser spells out (la, ba, ne, ma, hao, dui), a brand or
 * tech word (WiFi, APP, VIP, SIM, iPhone). Written by hand: the English word list (below) holds many of
 * them as words (okay, um, app, la, hao), and no library lists the Latin words of spoken Chinese.
 */
const NEUTRAL_LATIN: ReadonlySet<string> = new Set(
  [
    // Fillers and yeses.
    'ok okay okey oke um umm uh uhm hmm hm huh mm mhm er erm ah oh o eh en em emm ha haha hah wow yo',
    // Pinyin particles and short words a recogniser writes in Latin letters.
    'a la ba de ma ne ya ye hao dui shi ni wo ta',
    // Brand and tech words said as they are.
    'wifi wi fi app apps vip tv sim pc id ip usb ai gb mb kb g k iphone ipad android huawei xiaomi wechat weixin qq',
    'alipay taobao douyin',
  ].flatMap((group) => group.split(' ')),
);
/** Latin words and numbers ("5G", "don't"). */
const LATIN_TOKEN = /[A-Za-z0-9]+(?:'[A-Za-z]+)?/g;
/** A short all-caps token (OK, APP, VIP, CCTV): an abbreviation or brand said as it is. */
const SHORT_CAPS = /^[A-Z]{2,4}$/;

/**
 * The language of what a customer said: zh when the text has CJK characters; en when it has English
 * content: two or more English words (`an-array-of-english-words`, the compliance lib's copy) that tell a
 * language, or at least one and no Latin word the list does not know; else undefined. Words that tell no
 * language (`NEUTRAL_LATIN`, a token with a digit such as 5G, a short all-caps token such as OK or APP)
 * are left out, so a Chinese caller who says "OK", "WiFi" or "5G" is not taken for an English one, while
 * "how much is it" or a bare "yes" is English at once. One rule for the reply choice and the callback-time
 * parser, so both agree on the language the customer spoke.
 */
export function languageOf(text: string): 'zh' | 'en' | undefined {
  if (/[\u3400-\u9fff]/.test(text)) return 'zh';
  const english = englishWords();
  let telling = 0;
  let unknown = 0;
  for (const [token] of text.matchAll(LATIN_TOKEN)) {
    const word = token.toLowerCase();
    if (/\d/.test(token) || SHORT_CAPS.test(token) || NEUTRAL_LATIN.has(word)) continue;
    if (english.has(word) || english.has(word.replace(/'.*$/, ''))) telling++;
    else unknown++;
  }
  return telling >= 2 || (telling === 1 && unknown === 0) ? 'en' : undefined;
}

/** Script tags that name a language ("zh", "en", "zh-hk"): the library's convention (README "Script library"). */
const LANGUAGE_TAG = /^[a-z]{2}(-[a-z0-9]+)?$/i;

export const isLanguageTag = (tag: string): boolean => LANGUAGE_TAG.test(tag);

/** Longest language hint accepted: RFC 5646 §4.4.1 asks implementations to take tags of at least 35 characters. */
export const MAX_LANGUAGE_TAG_LENGTH = 35;

/**
 * A BCP-47 language tag in its canonical form ("EN-us" → "en-US", "cmn-Hans-CN" → "zh-Hans-CN"), or
 * undefined when it is not a well-formed one ("xx-!!", "en_US", a number). ECMA-402's canonicaliser
 * (Intl.getCanonicalLocales, backed by ICU's CLDR data) decides, so the hint is judged by the same
 * rules the platforms' speech engines use, not by a hand-written pattern.
 */
export function canonicalLanguage(tag: unknown): string | undefined {
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > MAX_LANGUAGE_TAG_LENGTH) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * The library language (a script language tag, as the library spells it) that a canonical BCP-47 hint
 * asks for, or undefined when the library has no scripts in it: RFC 4647 §3.4 lookup, the hint cut
 * back subtag by subtag ("zh-Hans-CN" → "zh-Hans" → "zh"), so a platform's "en-US" finds the `en`
 * scripts and a library with `zh-hk` scripts gives them to "zh-HK" before its `zh` ones.
 */
export function libraryLanguage(hint: string, tags: Iterable<string>): string | undefined {
  // The matcher compares canonical forms ("zh-HK", not the library's "zh-hk"): map back to the tag.
  const byCanonical = new Map<string, string>();
  for (const tag of tags) {
    const canonical = canonicalLanguage(tag);
    if (canonical && !byCanonical.has(canonical)) byCanonical.set(canonical, tag);
  }
  if (byCanonical.size === 0) return undefined;
  const NONE = '';
  const found = match([hint], [...byCanonical.keys()], NONE, { algorithm: 'lookup' });
  return found === NONE ? undefined : byCanonical.get(found);
}

/** The language of a library language tag as the zh/en rules (slots, callback times) know it: `zh-hk` → zh. */
export function baseLanguage(tag: string | undefined): 'zh' | 'en' | undefined {
  const base = tag?.split('-')[0].toLowerCase();
  return base === 'zh' || base === 'en' ? base : undefined;
}

/** What a conversation knows of its caller's language (the session's `spokenLanguage` and `language`). */
export interface ConversationLanguage {
  /** The language the caller's words last told (`languageOf`). */
  spokenLanguage?: 'zh' | 'en';
  /** The library language the start's hint found. */
  language?: string;
}

/**
 * The language every line said to the caller is in, a library language tag: the one their words last
 * told, else the one the start's hint found in the library, else the campaign's. One rule for the
 * turn's reply and its fallbacks, the reserved lines, the line a call ends on, the apology after a
 * failed transfer and the slots of a line whose own text tells nothing, so no two of them disagree.
 */
export function replyLanguage(conversation: ConversationLanguage, campaignLanguage: string): string {
  return conversation.spokenLanguage ?? conversation.language ?? campaignLanguage;
}

/**
 * The conversation after the caller said `text`: its `spokenLanguage` the language the words tell, kept
 * as it was (the same object) when they tell none ("???", digits, "OK", "WiFi", "5G": `languageOf`).
 */
export function heardIn<T extends ConversationLanguage>(conversation: T, text: string): T {
  const told = languageOf(text);
  return told === undefined || told === conversation.spokenLanguage
    ? conversation
    : { ...conversation, spokenLanguage: told };
}
