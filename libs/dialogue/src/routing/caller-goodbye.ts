import {
  COMPLIANCE_CATEGORIES,
  FLAG_GAP,
  isHan,
  isLatinOrDigit,
  normalize,
  type ComplianceHit,
  type NormalizedText,
} from '@huashu/compliance';

/** The input screening category of a caller's closing phrases (data/compliance/lexicons.yaml `goodbye`). */
export const GOODBYE_CATEGORY = COMPLIANCE_CATEGORIES.goodbye;

/**
 * Words that carry nothing but politeness or assent around a closing (好的，再见; ok thanks, bye;
 * 嗯，知道了，拜拜). A closed class of discourse markers, not campaign data: whatever else the caller
 * says (明天再打给我, 不用了, 价格多少) keeps the utterance from being a mere goodbye. Written as the
 * compliance normaliser folds them (lower case, simplified, no spaces).
 */
export const FILLERS: readonly (readonly number[])[] = [
  ...['好的', '好', '好吧', '好啊', '好嘞', '好了', '行', '行吧', '可以', '嗯', '哦', '噢', '喔', '啊', '呃', '额'],
  ...['那', '那就', '那么', '那好', '就', '吧', '啦', '呀', '哈', '了'],
  ...['谢谢', '谢谢你', '谢谢您', '谢了', '多谢', '没事', '没事了', '没关系', '知道了', '明白了', '了解'],
  ...['ok', 'okay', 'okey', 'alright', 'allright', 'right', 'thanks', 'thankyou', 'thx', 'cheers', 'well', 'then'],
  ...['so', 'yes', 'yeah', 'yep', 'sure', 'fine', 'great', 'cool', 'good', 'ah', 'oh', 'um', 'uh', 'hmm', 'mm'],
].map((f) => normalize(f, 'match').cps);

/**
 * The utterance only closes the call: screening found a closing phrase (category `goodbye`) and every
 * other character is a filler (FILLERS), punctuation or space. A closing inside a request (再见之前我想问
 * 一下价格) is no hit; one beside a request (明天再打给我，拜拜) leaves words that are no filler, so the
 * request is answered. `text` is the screened (redacted) text, whose offsets are the hits'.
 */
export function onlyClosesCall(text: string, hits: readonly ComplianceHit[]): boolean {
  return onlySays(text, hits, [GOODBYE_CATEGORY], FILLERS);
}

/**
 * Screening found a phrase of one of `categories` and every other character of the utterance is one of
 * `fillers`, punctuation or space: the caller said that and nothing else. `text` is the screened
 * (redacted) text, whose offsets are the hits'; `fillers` are written as the normaliser folds them.
 */
export function onlySays(
  text: string,
  hits: readonly ComplianceHit[],
  categories: readonly string[],
  fillers: readonly (readonly number[])[],
): boolean {
  const found = hits.filter((h) => categories.includes(h.category));
  return found.length > 0 && coveredBy(text, found, fillers);
}

/**
 * Every character of `text` is inside one of `hits`, one of `fillers`, punctuation or space (with no
 * hits: the text is fillers alone).
 */
export function coveredBy(
  text: string,
  found: readonly ComplianceHit[],
  fillers: readonly (readonly number[])[],
): boolean {
  const view = normalize(text, 'match');
  const n = view.cps.length;
  const covered = (i: number) => found.some((h) => view.starts[i] >= h.start && view.ends[i] <= h.end);
  // reach[i]: view[0, i) is hits and fillers. Fillers may run together (嗯好的谢谢), so every way of
  // reading them is tried (a few dozen characters at most).
  const reach = new Array<boolean>(n + 1).fill(false);
  reach[0] = true;
  for (let i = 0; i < n; i++) {
    if (!reach[i]) continue;
    if (covered(i)) {
      reach[i + 1] = true;
      continue;
    }
    for (const f of fillers) if (fillerAt(view, i, f)) reach[i + f.length] = true;
  }
  return reach[n];
}

/**
 * Filler `f` is said at view[i]: a Latin one as a whole word (so is no filler in soon, then in thence),
 * a Chinese one anywhere.
 */
function fillerAt(view: NormalizedText, i: number, f: readonly number[]): boolean {
  const end = i + f.length;
  if (end > view.cps.length) return false;
  for (let k = 0; k < f.length; k++) if (view.cps[i + k] !== f[k]) return false;
  if (isHan(f[0])) return true;
  const edge = (at: number) =>
    at <= 0 ||
    at >= view.cps.length ||
    (view.flags[at] & FLAG_GAP) !== 0 ||
    !isLatinOrDigit(view.cps[at]) ||
    !isLatinOrDigit(view.cps[at - 1]);
  return edge(i) && edge(end);
}
