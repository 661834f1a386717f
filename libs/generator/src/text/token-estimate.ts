// Han, kana, hangul and CJK punctuation: BPE tokenizers of zh-capable models (Qwen, DeepSeek, Llama 3)
// spend roughly one token per such character; English runs about four characters per token.
const CJK = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]/gu;

/**
 * Cheap token estimate for zh/en text without loading a tokenizer: CJK characters count one token
 * each, the remaining non-space characters one per four. It errs high for English (safe for budgets).
 */
export function estimateTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const rest = text.replace(CJK, '').replace(/\s+/g, ' ').trim().length;
  return cjk + Math.ceil(rest / 4);
}

/** Chat-format overhead per message (role markers), as in OpenAI's cookbook counting. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** True when most letters are CJK: decides zh vs en for corpus filtering and token units. */
export function isMostlyCjk(text: string): boolean {
  const cjk = text.match(CJK)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return cjk > 0 && cjk * 3 >= latin;
}

/**
 * Units for n-gram and overlap checks: each CJK character is a unit (Chinese has no spaces, and
 * characters are what a zh tokenizer mostly emits), Latin text splits into lower-cased words.
 */
export function textUnits(text: string): string[] {
  const units: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\u3400-\u4dbf\u4e00-\u9fff]|[a-z0-9]+(?:'[a-z]+)?/gu)) units.push(m[0]);
  return units;
}

/** Set of n-grams (joined with a separator that cannot occur inside a unit). */
export function ngrams(units: string[], n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= units.length; i++) out.add(units.slice(i, i + n).join('\u0001'));
  return out;
}

/** Truncate text to about `maxTokens` estimated tokens, preferring to cut after a sentence end. */
export function truncateToTokens(text: string, maxTokens: number): { text: string; truncated: boolean } {
  if (estimateTokens(text) <= maxTokens) return { text, truncated: false };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateTokens(text.slice(0, mid)) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  const head = text.slice(0, lo);
  const lastEnd = Math.max(...['。', '！', '？', '. ', '! ', '? '].map((p) => head.lastIndexOf(p)));
  const cut = lastEnd > head.length / 2 ? head.slice(0, lastEnd + 1) : head;
  return { text: cut.trimEnd(), truncated: true };
}
