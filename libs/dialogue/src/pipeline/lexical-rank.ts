import { LRUCache } from 'lru-cache';
import { normaliseText } from '@huashu/ml';

const CJK = /[\p{Script=Han}]+/u;
/**
 * Function words that a handful of replies do not make rare: "you" in a question must not pick the
 * one reply that happens to say "you". Short lists, on purpose (a question's content words remain).
 */
const STOP = new Set(
  [
    'a an and are be can do does for get how i is it me my of on or the to we what when where which who will with you your',
    '的 了 吗 吧 呢 啊 是 我 你 您 们 这 那 个 有 在 就 也 都 和 要 能 会 么 多 少 一',
  ].flatMap((words) => words.split(' ')),
);
const RUNS = /[\p{Script=Han}]+|[\p{L}\p{N}]+/gu;

/**
 * Terms for BM25: CJK runs as characters and character bigrams (no segmenter: 网速 and 速率 still
 * share 速), Latin words as they are, with a plural `s` dropped so "speeds" meets "speed"; function
 * words and characters (STOP) left out, bigrams kept.
 */
export function lexicalTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [run] of normaliseText(text).matchAll(RUNS)) {
    if (CJK.test(run)) {
      const chars = [...run];
      chars.forEach((c, i) => {
        if (!STOP.has(c)) terms.push(c);
        if (i + 1 < chars.length) terms.push(c + chars[i + 1]);
      });
    } else if (!STOP.has(run)) {
      terms.push(run.length > 3 && run.endsWith('s') && !run.endsWith('ss') ? run.slice(0, -1) : run);
    }
  }
  return terms;
}

/** Term frequencies and length of a reply, kept per text: the same approved replies recur turn after turn. */
const bags = new LRUCache<string, { tf: Map<string, number>; length: number }>({ max: 4096 });

function bagOf(text: string): { tf: Map<string, number>; length: number } {
  let bag = bags.get(text);
  if (!bag) {
    const terms = lexicalTerms(text);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    bag = { tf, length: terms.length };
    bags.set(text, bag);
  }
  return bag;
}

/**
 * Okapi BM25 scores (k1 1.2, b 0.75) of `texts` for `query`, with document frequencies over these
 * texts alone, so a word every candidate shares weighs little: the lexical side of ranking a
 * handful of approved replies for an utterance. The built-in encoder is trained for paraphrases;
 * a question and its answer share words more than meaning ("what speeds do you get" → "… real
 * speeds also depend on your Wi-Fi …"). Texts that share no term with the query score 0.
 *
 * Written here rather than with a search library: MiniSearch (tried) builds an index per call,
 * ~1 ms for 24 replies, while this scores a different handful of texts on every generator turn
 * from cached term counts.
 */
export function lexicalScores(query: string, texts: string[]): number[] {
  const scores = new Array<number>(texts.length).fill(0);
  const terms = [...new Set(lexicalTerms(query))];
  if (terms.length === 0 || texts.length === 0) return scores;
  const docs = texts.map(bagOf);
  const avgLength = docs.reduce((sum, d) => sum + d.length, 0) / docs.length || 1;
  const k1 = 1.2;
  const b = 0.75;
  for (const term of terms) {
    const containing = docs.reduce((n, d) => n + (d.tf.has(term) ? 1 : 0), 0);
    if (containing === 0) continue;
    const idf = Math.log(1 + (docs.length - containing + 0.5) / (containing + 0.5));
    docs.forEach((d, i) => {
      const f = d.tf.get(term);
      if (f) scores[i] += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * d.length) / avgLength));
    });
  }
  return scores;
}
