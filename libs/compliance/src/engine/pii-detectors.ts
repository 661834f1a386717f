import { findPhoneNumbersInText, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { COMPLIANCE_CATEGORIES } from './lexicon.js';
import { viewString, type NormalizedText } from './normalizer.js';

/** A PII finding on the PII view: [start, end) are code point indexes of the view. */
export interface PiiHit {
  category: string;
  start: number;
  end: number;
}

// The PII view is NFKD-folded and lower-cased with financial and plain Chinese numerals as digits,
// separators kept, so full-width １３８, ①③⑧, 壹叁捌 and 一三八 all arrive as ASCII digits.
// A card number without a label allows one space or dash between any two digits (grouped 4-4-4-4);
// a mobile allows a run of up to three separators (spaces, dashes, dots, commas, slashes,
// parentheses), the ways people and ASR write phone numbers: "1 3 8 …", "138 - 1234", "(138)1234".
const SEP = '[ \\-]?';
const D = (n: number) => `(?:${SEP}\\d){${n}}`;
const RUN_MAX = 3;
const RUN = `[\\s\\-.,/()]{0,${RUN_MAX}}`;
const DR = (n: number) => `(?:${RUN}\\d){${n}}`;
// ID numbers and card numbers after a card label may also be grouped by commas, the way ASR writes
// a pause ("110105，19491231，002X", "6222，0202，…"): up to two spaces, dashes or commas between digits.
// Not dots or slashes, so dates (2024.05.01-2024.05.31) stay apart; comma-grouped amounts are
// excluded by shape (AMOUNT).
const GROUP_SEP_MAX = 2;
const GSEP = `[\\s\\-,]{0,${GROUP_SEP_MAX}}`;
const DG = (n: number) => `(?:${GSEP}\\d){${n}}`;
/**
 * Characters after a number that settle it for a stream: the separators that may still stand
 * between two of its digits, and a digit. (A mobile is whole at eleven digits: more digits unmake it.)
 */
export const PII_RIGHT_CONTEXT = GROUP_SEP_MAX + 1;
/** Digits of a card number right after a card label: 13-19 (ISO/IEC 7812), one more or one less for ASR. */
const LABELLED_CARD_DIGITS = { min: 12, max: 20 } as const;

// Spoken e-mail addresses (see the detector): a local part of up to four words joined by dots or
// underscores, "at" / 艾特 / a spaced @, a domain whose dots may be said (dot, 点).
const EMAIL_WORD = '[a-z0-9][a-z0-9_%+-]{0,63}';
const SPOKEN_DOT = '(?:\\s?\\.\\s?|\\sdot\\s|\\s?点\\s?)';
const SPOKEN_LOCAL_SEP = `(?:${SPOKEN_DOT}|\\sunderscore\\s|\\s?下划线\\s?)`;
const SPOKEN_AT = '(?:\\s?@\\s?|\\sat\\s|\\s?艾特\\s?)';
const SPOKEN_AT_RE = new RegExp(SPOKEN_AT, 'u');
const COMMON_TLDS = 'com|cn|net|org|edu|gov|io|co|uk|hk|tw|us|me|info|biz';
const EMAIL_CUE = /e-?mail|邮箱|邮件|电邮|信箱/u;
const MAIL_PROVIDER =
  /^(?:gmail|googlemail|qq|foxmail|163|126|yeah|139|189|sina|sohu|aliyun|outlook|hotmail|live|msn|yahoo|icloud|me|proton(?:mail)?)(?![a-z0-9-])/u;

interface Detector {
  category: string;
  re: RegExp;
  /** `before`: up to LABEL_LOOKBACK characters of the view right before the match. */
  valid?: (digits: string, raw: string, before: string) => boolean;
  /** A cheap test of the whole view: false means the regex cannot match, so it is not run. */
  mayOccur?: RegExp;
  /**
   * PII whatever words precede it (an email; an ID number, whose structure and check digit decide);
   * otherwise a match right after an order/reference label (REFERENCE_LABEL) is not PII.
   */
  ignoresReferenceLabel?: true;
}

/** Characters before a match searched for an order/reference label. */
const REFERENCE_LOOKBACK = 20;
/** Characters before a match searched for an ID or SSN label ("my id card number is "). */
const LABEL_LOOKBACK = 24;
/** Characters before a match any detector reads (its label): the longer of the two look-backs. */
export const PII_LOOKBACK = Math.max(REFERENCE_LOOKBACK, LABEL_LOOKBACK);

/**
 * The longest number match in characters: a card after its label, 20 digits with up to two
 * separators between any two (58). A mobile reaches 49 (`+86` or `0086`, a separator run, `(`, `1`,
 * a run, `[3-9]`, then nine digits each after a run), an ID number 52.
 */
export const PII_NUMBER_MAX_CHARS = Math.max(
  LABELLED_CARD_DIGITS.max + (LABELLED_CARD_DIGITS.max - 1) * GROUP_SEP_MAX,
  4 + RUN_MAX + 1 + 1 + RUN_MAX + 1 + 9 * (RUN_MAX + 1),
  18 + 17 * GROUP_SEP_MAX,
);

const DETECTORS: Detector[] = [
  {
    // Starts only where a local part can start and every part is bounded (RFC 5321 lengths), so a
    // long run of letters or digits costs linear time, not quadratic.
    category: COMPLIANCE_CATEGORIES.pii_email,
    re: /(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}\.[a-z]{2,24}(?![a-z0-9-])/gu,
    ignoresReferenceLabel: true,
  },
  {
    // An address as ASR writes it down when it is spoken: "john dot doe at gmail dot com",
    // "zhangsan at qq.com", "zhangsan 艾特 qq 点 com", "a.b @ example.com". Hand-written: no library
    // reads spoken addresses (validator's isEmail and the regex above want the written form). Each
    // part is bounded as above; the top-level domain is a common one, and an e-mail word before it
    // or a mail provider's domain is needed, so "I saw it at amazon dot com" stays.
    category: COMPLIANCE_CATEGORIES.pii_email,
    re: new RegExp(
      `(?<![a-z0-9._%+-])${EMAIL_WORD}(?:${SPOKEN_LOCAL_SEP}${EMAIL_WORD}){0,3}${SPOKEN_AT}[a-z0-9-]{1,63}(?:${SPOKEN_DOT}[a-z0-9-]{1,63}){0,2}${SPOKEN_DOT}(?:${COMMON_TLDS})(?![a-z0-9])`,
      'gu',
    ),
    valid: (_digits, raw, before) => EMAIL_CUE.test(before) || MAIL_PROVIDER.test(raw.split(SPOKEN_AT_RE).at(-1) ?? ''),
    // Most sentences say no "at": they skip the regex, which could start at every Latin word.
    mayOccur: /@|\sat\s|艾特/u,
    ignoresReferenceLabel: true,
  },
  {
    // GB 11643-1999: 6-digit region, birth date, 3-digit sequence, check digit (0-9 or X); the
    // structure and the check digit are verified on the digits, so any grouping is accepted.
    // Right after an ID label the run is the customer's ID whatever its digits say: one digit
    // misheard by ASR breaks the check digit (or the date), and the rest is still their ID.
    category: COMPLIANCE_CATEGORIES.pii_id_card,
    re: new RegExp(`(?<![\\d])[1-9]${DG(16)}${GSEP}[\\dx](?![\\da-z])`, 'gu'),
    valid: (digits, raw, before) =>
      !AMOUNT.test(raw) && ((ID_STRUCTURE.test(digits) && gb11643Valid(digits)) || ID_LABEL.test(before)),
    ignoresReferenceLabel: true,
  },
  {
    // Payment cards: 13-19 digits (groups of four allowed), Luhn-valid, issuer prefix 3/4/5/6
    // (Amex, Visa, Mastercard, UnionPay 62 …). 2-series numbers are mostly dates or order ids.
    category: COMPLIANCE_CATEGORIES.pii_bank_card,
    re: new RegExp(`(?<![\\d])[3-6]${D(12)}(?:${SEP}\\d){0,6}(?![\\d])`, 'gu'),
    valid: (digits) => luhnValid(digits) && !(digits.length === 18 && ID_STRUCTURE.test(digits)),
    // Luhn passes one number in ten, so an order or tracking number right after its label is
    // not taken for a card (the suite's 订单号/快递单号/order # controls).
  },
  {
    // Right after a card label (CARD_LABEL: 银行卡, 卡号, 信用卡, "card number" …) a long digit run is
    // the customer's card whatever its check digit or issuer digit: ASR mishears one digit (or drops
    // or adds one) all the time, and the rest is still their card number.
    category: COMPLIANCE_CATEGORIES.pii_bank_card,
    re: new RegExp(
      `(?<![\\d])\\d${DG(LABELLED_CARD_DIGITS.min - 1)}(?:${GSEP}\\d){0,${LABELLED_CARD_DIGITS.max - LABELLED_CARD_DIGITS.min}}(?![\\d])`,
      'gu',
    ),
    valid: (_digits, raw, before) => CARD_LABEL.test(before) && !AMOUNT.test(raw),
    // Every card label holds one of these words.
    mayOccur: /卡|银行|card|visa|amex/u,
    // The card label sits between any order label and the number.
    ignoresReferenceLabel: true,
  },
  {
    // CN mobile: 1[3-9]x xxxx xxxx with optional +86 / 0086 / 86 and separator runs.
    category: COMPLIANCE_CATEGORIES.pii_mobile,
    re: new RegExp(`(?<![\\d+])(?:(?:\\+|00)?86${RUN})?\\(?1${RUN}[3-9]${DR(9)}(?![\\d])`, 'gu'),
    valid: (_digits, raw) => !NOT_A_PHONE.some((re) => re.test(raw)),
  },
  {
    // US Social Security number, 3-2-4 digits, only right after its label: a bare 3-2-4 run is as
    // often a date, a code or a part number, and libphonenumber-js (our phone metadata) has no
    // SSN notion. No area/group validation: a misheard digit must not unmask the rest.
    category: COMPLIANCE_CATEGORIES.pii_ssn,
    re: /(?<![\d-])\d{3}([ -]?)\d{2}\1\d{4}(?![\d-])/gu,
    valid: (_digits, _raw, before) => SSN_LABEL.test(before),
    ignoresReferenceLabel: true,
  },
  {
    // International numbers need the + (E.164: 8-15 digits); CN landlines need the area-code dash.
    category: COMPLIANCE_CATEGORIES.pii_phone,
    re: new RegExp(
      `(?<![\\d])(?:\\+(?!86)[1-9]\\d{0,2}${SEP}(?:\\(\\d{1,4}\\)${SEP})?\\d{1,4}(?:${SEP}\\d{2,5}){1,4}|\\(\\d{3}\\) ?\\d{3}-\\d{4}|0\\d{2,3}-\\d{7,8})(?![\\d])`,
      'gu',
    ),
    // The regex only finds candidates; libphonenumber-js's metadata decides whether the number can
    // exist (country code, area code, length), so "+1 123-456-7890" is not PII. Only candidates
    // pay its cost (~0.1 ms).
    valid: (digits, raw) =>
      digits.length >= 8 &&
      digits.length <= 15 &&
      (parsePhoneNumberFromString(raw, raw.startsWith('(') ? 'US' : 'CN')?.isValid() ?? false),
  },
];

// 18 digits shaped like a resident ID (region, birth date) are an ID with a bad check digit, not
// a card that happens to pass Luhn.
const ID_STRUCTURE = /^[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dx]$/;

// Digits grouped in threes by commas: an amount (13,812,345,678 or 1,234,567,890,123.50).
const AMOUNT = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
// 11 digits that read as an amount (13,812,345,678 or 13812.345678) or an IPv4 address.
const NOT_A_PHONE = [AMOUNT, /^\d+\.\d+$/, /^\d{1,3}(?:\.\d{1,3}){3}$/];

// An order, tracking or reference label right before a number makes it that reference, not a
// phone (or a card: see `ignoresReferenceLabel`). Only reference-type words count, whole words for Latin
// ("casino" is no "no"); generic labels (no. # 编号) are not references on their own, and a
// PII-type word (手机, phone, 身份证, card …) between the label and the number wins.
const REFERENCE_LABEL =
  /(?:订单|单号|流水|快递|运单|工单|保单|合同|(?<![a-z])(?:order|ref|reference|tracking|invoice|policy|contract|booking|ticket)(?![a-z]))(?:[\s:：#]|no\.?|number|num|号码|编号|号|码|是|为|(?<![a-z])is(?![a-z])){0,6}$/u;

// An ID label right before a number: 身份证(号码), 证件号, ID, ID number / no. / card number,
// optionally followed by 是/为/is and separators ("我的身份证号码是：", "my ID number is").
const ID_LABEL =
  /(?:身份证|证件|(?<![a-z])id(?:[\s-]?card)?(?:[\s-]?(?:number|num|no\.?))?)(?:[\s:：#]|号码|号|码|是|为|(?<![a-z])is(?![a-z])){0,4}$/u;
// A card label right before a number: 银行卡 (and 工行卡, 建行卡 …: any 行卡), 信用卡, 储蓄卡, 借记卡 …
// (optionally 的 and, after a pause or not, 号/号码/卡号/账号: 我的银行卡，号码是), 卡号 or 卡(的)号码 of
// any card, 我的卡 / 这张卡, 银行账号/账户; "card", "card number/no./#" ("my card, the number is")
// with an optional credit/debit/bank … before it, visa, mastercard, amex; then 是/为/is/：as for IDs.
const CARD_LABEL =
  /(?:(?:行|信用|储蓄|借记|银联|工资|的|张)卡的?(?:[\s,]{0,2}(?:号码|卡号|号|账号))?|卡的?(?:号码|号)|银行(?:账号|账户|帐号|帐户)|(?<![a-z])(?:(?:(?:credit|debit|bank|atm|payment|visa|master|union ?pay)[\s-]?)?card|visa|mastercard|amex)(?:[\s,-]{0,2}(?:(?:the|its)\s)?(?:number|num|no\.?|#))?)(?:[\s:：#=]|是|为|(?<![a-z])is(?![a-z])){0,4}$/u;
// An SSN label: "SSN", "social security number/no.", optionally "is", "#", ":".
const SSN_LABEL =
  /(?:(?<![a-z])ssn|social security(?:[\s-]?(?:number|num|no\.?))?)(?:[\s:：#]|(?<![a-z])is(?![a-z])){0,4}$/u;

// National-format numbers (no +): "212-736-5000", "2127365000", "(212) 736 5000", "07911 123456".
// libphonenumber-js's findPhoneNumbersInText finds them in the text, its metadata checks them
// (area code, exchange, length: isValid), tried for each of these regions in turn. The regions
// are fixed, not the campaign's: the check may run without a campaign (the check endpoint, a
// stream), and a caller of a Chinese campaign may still give a US number. Tried only on text
// without a Chinese character: there a bare 10-11 digit run is as often an order or account
// number, and Chinese numbers have their own detectors (mobile, landline) above.
const NATIONAL_REGIONS: readonly CountryCode[] = ['US', 'GB'];
// Ten digits at least (a NANP number; a UK national one has ten or eleven with its 0), with the
// separators written between them: texts without cost nothing more than this test.
const NATIONAL_MAY_OCCUR = /\d(?:[\s\-.()]{0,3}\d){9}/u;
const HAN = /\p{Script=Han}/u;
const TRUNK_ZERO = /(?<!\d)\(?0\d/;
// A date written year first ("2024.05.01 13:30" reads as +1 202-405-0113 otherwise).
const DATE_START = /^(?:1[89]|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}(?!\d)/;
const FIGURE_AFTER = /^[:.,]\d/;
const FIGURE_BEFORE = /\d[:.,]$/;

/**
 * Valid national-format numbers of NATIONAL_REGIONS in `text`, as UTF-16 [start, end) spans. A
 * US one is any NANP number (US, Canada …: the library reads the area code); a UK one is any +44
 * number (Guernsey, Jersey, the Isle of Man share it: 07911 is read as Guernsey) written with its
 * trunk 0, as a UK number said nationally always is (the library also takes "1234567890" for
 * +44 1234 567890, a number nobody in the UK writes so).
 */
function nationalNumbers(view: string, taken: readonly [number, number][]): [number, number][] {
  // What the other detectors took (a card, an ID, a mobile) is blanked out, same length: the library
  // is asked only about digits no one has claimed, and a text whose only long number is taken skips
  // it (a search costs tens of µs).
  let text = view;
  for (const [s, e] of taken) text = text.slice(0, s) + ' '.repeat(e - s) + text.slice(e);
  if (!NATIONAL_MAY_OCCUR.test(text) || HAN.test(text)) return [];
  const spans: [number, number][] = [];
  for (const region of NATIONAL_REGIONS) {
    // A UK number is written with its trunk 0: without a number starting so, GB is not asked.
    if (region === 'GB' && !TRUNK_ZERO.test(text)) continue;
    for (const { number, startsAt, endsAt } of findPhoneNumbersInText(text, { defaultCountry: region })) {
      const raw = text.slice(startsAt, endsAt);
      if (raw.startsWith('+')) continue; // international: the pii_phone detector's
      const national =
        region === 'GB' ? /^\(?0/.test(raw) && number.countryCallingCode === '44' : number.countryCallingCode === '1';
      if (!national || !number.isValid() || NOT_A_PHONE.some((re) => re.test(raw)) || DATE_START.test(raw)) continue;
      // Part of a longer figure: a time, a decimal or an amount goes on right before or after it.
      if (FIGURE_AFTER.test(text.slice(endsAt, endsAt + 2)) || FIGURE_BEFORE.test(text.slice(0, startsAt))) continue;
      spans.push([startsAt, endsAt]);
    }
  }
  return spans;
}

/** Runs every detector on the PII view; spans are view indexes. */
export function detectPii(view: NormalizedText): PiiHit[] {
  const text = viewString(view);
  // View indexes are code points; the regexes work in UTF-16 units. Map when they differ.
  const unitToCp = text.length === view.cps.length ? undefined : unitIndex(text);
  const toCp = (u: number) => (unitToCp ? unitToCp[u] : u);
  const hits: PiiHit[] = [];
  const taken: [number, number][] = [];
  // Checksum-validated detectors run before the mobile one, so a card or ID number that holds an
  // 11-digit 1[3-9] run is masked whole, not read as a mobile inside it.
  for (const { category, re, valid, ignoresReferenceLabel, mayOccur } of DETECTORS) {
    if (mayOccur && !mayOccur.test(text)) continue;
    re.lastIndex = 0;
    // exec, not matchAll: matchAll clones the regex (a RegExp construction) on every call, per
    // detector per screened text. None of these regexes matches the empty string.
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      const digits = m[0].replace(/[^\dx]/g, '');
      const before = text.slice(Math.max(0, start - LABEL_LOOKBACK), start);
      if (valid && !valid(digits, m[0], before)) continue;
      if (!ignoresReferenceLabel && REFERENCE_LABEL.test(before.slice(-REFERENCE_LOOKBACK))) continue;
      taken.push([start, end]);
      hits.push({ category, start: toCp(start), end: toCp(end) });
    }
  }
  for (const [start, end] of nationalNumbers(text, taken)) {
    if (taken.some(([s, e]) => start < e && end > s)) continue;
    if (REFERENCE_LABEL.test(text.slice(Math.max(0, start - REFERENCE_LOOKBACK), start))) continue;
    taken.push([start, end]);
    hits.push({ category: COMPLIANCE_CATEGORIES.pii_phone, start: toCp(start), end: toCp(end) });
  }
  return hits;
}

function unitIndex(text: string): number[] {
  const map: number[] = [];
  let cp = 0;
  for (let u = 0; u < text.length; u++) {
    map.push(cp);
    const c = text.charCodeAt(u);
    if (c < 0xd800 || c > 0xdbff) cp++;
  }
  map.push(cp);
  return map;
}

/** GB 11643-1999 check digit over the 17 leading digits (ISO 7064 MOD 11-2). */
export function gb11643Valid(id: string): boolean {
  if (!/^\d{17}[\dx]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * weights[i];
  return '10x98765432'[sum % 11] === id[17];
}

/** Luhn (ISO/IEC 7812-1) check over a digit string. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
