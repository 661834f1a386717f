import type { SamplingParams } from '../generator.port.js';
import { ngrams, textUnits } from '../text/token-estimate.js';
import { isGreedy } from './sampling-params.schema.js';

/** One candidate reply with its retrieval score (cosine similarity of the customer side). */
export interface ScoredCandidate {
  id: string;
  text: string;
  score: number;
}

export interface SamplingTrace {
  /** Candidates left after top-k, repetition handling and top-p, with their final probabilities. */
  pool: { id: string; p: number }[];
  bannedByNgram: number;
  greedy: boolean;
}

/**
 * Cosine similarities live in [-1, 1]; a softmax over them at T = 1 would be nearly uniform. Scaling by
 * 20 makes a 0.05 cosine gap worth e^1 odds at T = 1, the same "temperature 1 = the model's own
 * distribution" intuition as for token logits.
 */
export const SCORE_SCALE = 20;

/** Default candidate pool when top_k is not given. */
export const DEFAULT_POOL = 16;

/** mulberry32: a tiny, well-known seeded PRNG; `Math.random` cannot be seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: the default seed, so the same conversation gives the same answer. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Jaccard overlap of the units of `text` with what the bot already said. */
function overlap(units: string[], said: Set<string>): number {
  if (units.length === 0 || said.size === 0) return 0;
  const mine = new Set(units);
  let shared = 0;
  for (const u of mine) if (said.has(u)) shared++;
  return shared / mine.size;
}

/**
 * Choose one candidate the way a decoder chooses a token, with candidates in place of tokens:
 * 1. top_k keeps the k best scores;
 * 2. no_repeat_ngram_size bans candidates sharing an n-gram with an earlier bot reply (HF bans the
 *    token that would complete a repeated n-gram); if every candidate is banned, the one with the
 *    fewest repeated n-grams stays, so the turn still gets an answer;
 * 3. repetition_penalty divides a positive logit (multiplies a negative one) by penalty^overlap, the
 *    HF CTRL rule graded by how much of the candidate the bot already said;
 * 4. greedy (do_sample=false or temperature 0; num_beams over one-step sequences is also greedy):
 *    argmax; else softmax(logit / temperature), top_p nucleus, seeded draw.
 */
export function sampleCandidate(
  candidates: ScoredCandidate[],
  params: SamplingParams,
  botSaid: string[],
  seed: number,
  /** Candidates repetition_penalty leaves as they are (the retrieval provider: the prompt's first quoted reply). */
  unpenalised: ReadonlySet<string> = new Set(),
): { choice: ScoredCandidate; trace: SamplingTrace } | undefined {
  if (candidates.length === 0) return undefined;
  const sorted = [...candidates].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  let pool = sorted.slice(0, params.top_k || DEFAULT_POOL);

  let bannedByNgram = 0;
  const n = params.no_repeat_ngram_size ?? 0;
  if (n > 0 && botSaid.length > 0) {
    const seen = new Set<string>();
    for (const s of botSaid) for (const g of ngrams(textUnits(s), n)) seen.add(g);
    const repeats = pool.map((c) => [...ngrams(textUnits(c.text), n)].filter((g) => seen.has(g)).length);
    const kept = pool.filter((_, i) => repeats[i] === 0);
    bannedByNgram = pool.length - kept.length;
    if (kept.length > 0) pool = kept;
    else {
      const fewest = Math.min(...repeats);
      pool = pool.filter((_, i) => repeats[i] === fewest).slice(0, 1);
    }
  }

  const penalty = params.repetition_penalty ?? 1;
  const saidUnits = new Set(botSaid.flatMap((s) => textUnits(s)));
  const logits = pool.map((c) => {
    const logit = c.score * SCORE_SCALE;
    if (penalty === 1 || saidUnits.size === 0 || unpenalised.has(c.id)) return logit;
    const f = penalty ** overlap(textUnits(c.text), saidUnits);
    return logit > 0 ? logit / f : logit * f;
  });

  const greedy =
    isGreedy(params) || (params.num_beams !== undefined && params.num_beams > 1 && params.do_sample !== true);
  if (greedy) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return { choice: pool[best], trace: { pool: [{ id: pool[best].id, p: 1 }], bannedByNgram, greedy: true } };
  }

  const t = params.temperature ?? 1;
  const max = Math.max(...logits);
  const weights = logits.map((l) => Math.exp((l - max) / t));
  const total = weights.reduce((a, b) => a + b, 0);
  let probs = pool.map((c, i) => ({ c, p: weights[i] / total })).sort((a, b) => b.p - a.p);
  const topP = params.top_p ?? 1;
  if (topP < 1) {
    const nucleus: typeof probs = [];
    let mass = 0;
    for (const x of probs) {
      nucleus.push(x);
      mass += x.p;
      if (mass >= topP) break;
    }
    probs = nucleus.map((x) => ({ c: x.c, p: x.p / mass }));
  }
  const r = seededRandom(seed)();
  let acc = 0;
  let choice = probs[probs.length - 1].c;
  for (const x of probs) {
    acc += x.p;
    if (r < acc) {
      choice = x.c;
      break;
    }
  }
  return { choice, trace: { pool: probs.map((x) => ({ id: x.c.id, p: x.p })), bannedByNgram, greedy: false } };
}
