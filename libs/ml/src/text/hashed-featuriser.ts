import { fnv1a32, fnv1a32CodePoint } from './fnv1a.js';

/** Parameters of the hashed featuriser; stored in model metadata so the runtime featurises alike. */
export interface FeaturiserParams {
  /** Size of the hashed feature table (ids are in [0, buckets)). */
  buckets: number;
  /** CJK character n-gram orders, inclusive [min, max]. */
  cjkNgrams: [number, number];
  /** Latin word n-gram orders, inclusive [min, max] (1 = unigrams, 2 = bigrams). */
  wordNgrams: [number, number];
  /** Latin character n-gram orders inside `<word>` boundaries, inclusive; [0, 0] disables them. */
  charNgrams: [number, number];
  /** FNV-1a offset basis; another seed gives another (independent) hashing. */
  hashSeed: number;
  /** Features per text at most (the rest are dropped, most frequent kept); bounds ONNX input size. */
  maxFeatures: number;
}

export const DEFAULT_FEATURISER_PARAMS: FeaturiserParams = {
  buckets: 1 << 18,
  cjkNgrams: [1, 3],
  wordNgrams: [1, 2],
  charNgrams: [3, 5],
  hashSeed: 0x811c9dc5,
  maxFeatures: 256,
};

/** Hashed sparse features of one text: unique ids ascending, weights summing to 1 (a mean bag). */
export interface SparseFeatures {
  ids: Int32Array;
  weights: Float32Array;
}

// Scripts written without spaces between words: Han, kana, Hangul, CJK symbols/fullwidth forms stay
// out (they are punctuation after NFKC).
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
// One segment: a run of CJK characters, or a run of letters/digits/apostrophes (a Latin-ish word).
const SEGMENT =
  /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+)|((?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}\p{M}'])+)/gu;
const DIGITS = /\p{Nd}+/gu;

/**
 * The matches of a global regex, in order. Not `String.prototype.matchAll`: that clones the regex
 * (a RegExp construction and compile) on every call, which on the turn's hot path (every text is
 * featurised twice) cost more than the loop it drives. `re` must be global; its lastIndex is reset.
 */
function* execAll(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    yield m;
    // An empty match would match again at the same place: step over one code point.
    if (m[0].length === 0) re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
}

/** The code points of a string (a lone surrogate stays one unit, as in `Array.from`). */
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    out.push(cp);
    if (cp > 0xffff) i++;
  }
  return out;
}

/**
 * Normalisation shared by the featuriser and the corpus loader's duplicate check: NFKC (full-width
 * → ASCII, compatibility forms), lower case, each run of digits → "0" (prices, phone numbers and
 * dates generalise instead of hashing every number apart), whitespace collapsed.
 */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(DIGITS, '0').replace(/\s+/g, ' ').trim();
}

/**
 * Featuriser for Chinese, English and code-switched text without any tokenizer download.
 * CJK runs give character n-grams (a Chinese word is 1-3 characters, so n-grams stand in for a
 * segmenter); Latin runs give word n-grams plus fastText-style character n-grams of `<word>`, which
 * carry morphology and survive ASR misspellings. Words of both kinds take part in cross-script word
 * bigrams (a CJK run counts as one word there), so "这个price" keeps its join.
 * Every feature string is namespaced by kind and hashed with FNV-1a into `buckets`.
 */
export class HashedFeaturiser {
  constructor(readonly params: FeaturiserParams = DEFAULT_FEATURISER_PARAMS) {
    if (!Number.isInteger(params.buckets) || params.buckets < 2 || params.buckets > 2 ** 31) {
      throw new RangeError('buckets must be an integer in [2, 2^31]');
    }
  }

  /** The feature strings (before hashing), for tests and explanations. */
  featureStrings(text: string): string[] {
    const out: string[] = [];
    const norm = normaliseText(text);
    const words: string[] = [];
    const [cMin, cMax] = this.params.cjkNgrams;
    const [nMin, nMax] = this.params.charNgrams;
    for (const m of execAll(SEGMENT, norm)) {
      if (m[1] !== undefined) {
        const chars = Array.from(m[1]);
        for (let n = cMin; n <= cMax; n++) {
          for (let i = 0; i + n <= chars.length; i++) out.push('c:' + chars.slice(i, i + n).join(''));
        }
        // Run boundaries matter in Chinese too (utterance-initial 喂 vs an inner one).
        if (chars.length > 0) out.push('c:^' + chars[0], 'c:' + chars[chars.length - 1] + '$');
        words.push(m[1]);
      } else if (m[2] !== undefined) {
        const word = m[2];
        words.push(word);
        if (nMax > 0) {
          const chars = Array.from('<' + word + '>');
          for (let n = nMin; n <= nMax; n++) {
            for (let i = 0; i + n <= chars.length; i++) {
              const g = chars.slice(i, i + n).join('');
              if (g !== '<' + word + '>') out.push('n:' + g);
            }
          }
        }
      }
    }
    const [wMin, wMax] = this.params.wordNgrams;
    for (let n = wMin; n <= wMax; n++) {
      for (let i = 0; i + n <= words.length; i++) {
        const gram = words.slice(i, i + n);
        // A CJK run as a unigram would duplicate its character n-grams; keep Latin words only.
        if (n === 1 && CJK.test(gram[0])) continue;
        out.push('w' + n + ':' + gram.join(' '));
      }
    }
    return out;
  }

  /**
   * Hash a text into unique feature ids (ascending) with count-proportional weights summing to 1.
   * The ids are exactly `fnv1a32(featureString, hashSeed) % buckets` of every string `featureStrings`
   * returns (a test checks this on the whole corpus), but computed incrementally: FNV-1a of a string is
   * a running state, so each n-gram continues its prefix's state one code point at a time instead of
   * building and re-hashing a string per feature. This is on every turn's hot path (intent and the
   * built-in encoder), where the string version cost about as much as the ONNX run itself.
   */
  featurise(text: string): SparseFeatures {
    const counts = new Map<number, number>();
    const { buckets, hashSeed } = this.params;
    const add = (h: number): void => {
      const id = (h >>> 0) % buckets;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    };
    const norm = normaliseText(text);
    const [cMin, cMax] = this.params.cjkNgrams;
    const [nMin, nMax] = this.params.charNgrams;
    const [wMin, wMax] = this.params.wordNgrams;
    const cState = fnv1a32('c:', hashSeed);
    const nState = fnv1a32('n:', hashSeed);
    // Words as code points, in order, with their kind (CJK runs join word bigrams, not unigrams).
    const words: { cps: number[]; cjk: boolean }[] = [];
    for (const m of execAll(SEGMENT, norm)) {
      const cjk = m[1] !== undefined;
      const cps = codePoints(cjk ? m[1] : m[2]);
      words.push({ cps, cjk });
      if (cjk) {
        for (let i = 0; i < cps.length; i++) {
          let h = cState;
          for (let n = 1; n <= cMax && i + n <= cps.length; n++) {
            h = fnv1a32CodePoint(h, cps[i + n - 1]);
            if (n >= cMin) add(h);
          }
        }
        if (cps.length > 0) {
          add(fnv1a32CodePoint(fnv1a32CodePoint(cState, 0x5e /* ^ */), cps[0]));
          add(fnv1a32CodePoint(fnv1a32CodePoint(cState, cps[cps.length - 1]), 0x24 /* $ */));
        }
      } else if (nMax > 0) {
        const bounded = [0x3c /* < */, ...cps, 0x3e /* > */];
        for (let i = 0; i < bounded.length; i++) {
          let h = nState;
          for (let n = 1; n <= nMax && i + n <= bounded.length; n++) {
            h = fnv1a32CodePoint(h, bounded[i + n - 1]);
            // The whole `<word>` is not a character n-gram (the word unigram covers it).
            if (n >= nMin && n !== bounded.length) add(h);
          }
        }
      }
    }
    for (let n = wMin; n <= wMax; n++) {
      const wState = fnv1a32('w' + n + ':', hashSeed);
      for (let i = 0; i + n <= words.length; i++) {
        if (n === 1 && words[i].cjk) continue;
        let h = wState;
        for (let k = 0; k < n; k++) {
          if (k > 0) h = fnv1a32CodePoint(h, 0x20);
          for (const cp of words[i + k].cps) h = fnv1a32CodePoint(h, cp);
        }
        add(h);
      }
    }
    let ids: Int32Array;
    if (counts.size > this.params.maxFeatures) {
      // Keep the most frequent; ties broken by id so the choice is deterministic.
      const kept = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, this.params.maxFeatures);
      ids = Int32Array.from(kept, ([id]) => id);
    } else {
      ids = new Int32Array(counts.size);
      let i = 0;
      for (const id of counts.keys()) ids[i++] = id;
    }
    // A typed array sorts numerically without a comparator call per step.
    ids.sort();
    let total = 0;
    for (const id of ids) total += counts.get(id)!;
    const weights = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) weights[i] = counts.get(ids[i])! / total;
    return { ids, weights };
  }

  /** Pad a batch to one length (the longest, or `length`) for the ONNX inputs `ids` and `weights`. */
  static pad(batch: SparseFeatures[], length?: number): { ids: Int32Array; weights: Float32Array; length: number } {
    const L = Math.max(1, length ?? Math.max(0, ...batch.map((f) => f.ids.length)));
    const ids = new Int32Array(batch.length * L);
    const weights = new Float32Array(batch.length * L);
    batch.forEach((f, b) => {
      const n = Math.min(L, f.ids.length);
      ids.set(f.ids.subarray(0, n), b * L);
      weights.set(f.weights.subarray(0, n), b * L);
    });
    return { ids, weights, length: L };
  }
}
