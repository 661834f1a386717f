import type { Embedder } from '@huashu/embedding';
import { nowMs } from '@huashu/common';
import type { DialoguePair } from '../corpus/dialogue-corpus.js';
import {
  GeneratorBadResponseError,
  GeneratorCancelledError,
  GeneratorTimeoutError,
} from '../errors/generator.errors.js';
import type { GeneratorMetrics } from '../generator.metrics.js';
import type { ChatMessage, GenerateChunk, GenerateRequest, GenerateResult, Generator } from '../generator.port.js';
import { hashSeed, sampleCandidate, type SamplingTrace, type ScoredCandidate } from '../sampling/candidate-sampler.js';
import { promptExemplars } from '../prompt/prompt-builder.js';
import { parseSamplingParams } from '../sampling/sampling-params.schema.js';
import { splitSentences } from '../text/sentence-splitter.js';
import { estimateTokens, isMostlyCjk, truncateToTokens } from '../text/token-estimate.js';

/** Weight of the previous user turn in the query ("the conversation so far", newest turn dominant). */
const PREVIOUS_TURN_WEIGHT = 0.25;
/** Bonus weight when the agent's last line matches a pair's context (affirm/deny after a question). */
const CONTEXT_WEIGHT = 0.3;
const CONTEXT_FLOOR = 0.5;
/**
 * Score step between consecutive approved replies quoted in the prompt (the first scores 1, as a
 * perfect match would in the corpus). Decoding scales scores by SCORE_SCALE (20) and divides by the
 * temperature, so one step makes a reply e^(1/T) times less likely than the one before it: at the
 * sample campaign's T 0.7 the first is ~4× as likely as the second, and its top_p 0.9 then leaves only
 * those two (about 80 / 20) before the repetition penalty moves weight off what the bot already said (the
 * first quoted reply excepted).
 */
const EXEMPLAR_RANK_STEP = 0.05;
/** Query embeddings kept (short confirmations like "yes"/"好的" recur across calls). */
const CACHE_SIZE = 2048;

interface IndexedPair {
  pair: DialoguePair;
  customer: Float32Array;
  context?: Float32Array;
}

const languageOf = (text: string): 'zh' | 'en' => (isMostlyCjk(text) ? 'zh' : 'en');

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * The offline generator: keeps to the approved replies its prompt quotes in the customer's language,
 * as a prompted model is told to, in the prompt's order; when it quotes none, answers from the
 * project's own dialogue corpus (customer turn → good agent reply) by embedding similarity to the
 * conversation so far. Either way it chooses among the candidates with
 * the same sampling controls a decoder applies to tokens (see `sampleCandidate`). Deterministic under
 * `params.seed`; without one, the seed is a hash of the conversation, so a replayed call answers the same.
 */
export class RetrievalProvider implements Generator {
  readonly model: string;
  private index: IndexedPair[] = [];
  private readonly cache = new Map<string, Float32Array>();
  lastTrace?: SamplingTrace;

  constructor(
    private readonly embedder: Embedder,
    private readonly pairs: DialoguePair[],
    private readonly metrics?: GeneratorMetrics,
  ) {
    this.model = `retrieval:${embedder.modelId}:${pairs.length}`;
  }

  get size(): number {
    return this.index.length;
  }

  /** Embed the corpus once (customer turns and contexts). */
  async init(): Promise<void> {
    const texts = this.pairs.map((p) => p.customer);
    const contexts = this.pairs
      .map((p, i) => [i, p.context] as const)
      .filter((x): x is readonly [number, string] => x[1] !== undefined);
    const [customerVecs, contextVecs] = await Promise.all([
      this.embedder.embed(texts),
      this.embedder.embed(contexts.map((c) => c[1])),
    ]);
    const ctxByIndex = new Map(contexts.map(([i], k) => [i, contextVecs[k]]));
    this.index = this.pairs.map((pair, i) => ({ pair, customer: customerVecs[i], context: ctxByIndex.get(i) }));
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const start = nowMs();
    try {
      const result = await this.answer(req, start);
      this.metrics?.requests.inc({ provider: 'retrieval', outcome: 'ok' });
      this.metrics?.latency.observe({ provider: 'retrieval' }, (nowMs() - start) / 1000);
      return result;
    } catch (err) {
      this.metrics?.requests.inc({ provider: 'retrieval', outcome: (err as { kind?: string }).kind ?? 'error' });
      throw err;
    }
  }

  /** The whole reply is known at once; it is handed out as text then sentence pieces. */
  async *stream(req: GenerateRequest): AsyncGenerator<GenerateChunk> {
    const result = await this.generate(req);
    for (const sentence of splitSentences(result.text)) {
      yield { type: 'text', text: sentence };
      yield { type: 'sentence', text: sentence };
    }
  }

  private async answer(req: GenerateRequest, start: number): Promise<GenerateResult> {
    if (req.signal?.aborted) throw new GeneratorCancelledError();
    const params = parseSamplingParams(req.params);
    if (this.index.length === 0) throw new GeneratorBadResponseError('retrieval corpus not loaded', false);
    const users = req.messages.filter((m) => m.role === 'user');
    const current = users.at(-1);
    if (!current || current.content.trim() === '')
      throw new GeneratorBadResponseError('no customer utterance to answer', false);
    const botSaid = req.messages.filter((m) => m.role === 'assistant').map((m) => m.content);

    const lang = languageOf(current.content);
    // Approved replies the prompt quotes in the customer's language: the model keeps to them, as it is
    // told to, and writes from its corpus only when the prompt quotes none.
    const approved = promptExemplars(req.messages).filter((t) => languageOf(t) === lang);
    const candidates: ScoredCandidate[] = [];
    if (approved.length > 0) {
      // The prompt lists them best first (the dialogue ranks the intent's scripts, the unheard ones
      // before repeats among those that answer equally well, nearest to the utterance first): the model
      // follows that order, and decoding (temperature, top_p) may pick a later one.
      approved.forEach((text, i) => candidates.push({ id: `exemplar:${i}`, text, score: 1 - EXEMPLAR_RANK_STEP * i }));
    } else {
      const lastBot = this.lastAssistantBefore(req.messages);
      const [u, prev, bot] = await this.embedMany([current.content, users.at(-2)?.content, lastBot]);
      if (nowMs() - start > req.deadlineMs) throw new GeneratorTimeoutError(req.deadlineMs);
      if (req.signal?.aborted) throw new GeneratorCancelledError();
      for (const item of this.index) {
        if (item.pair.lang !== lang) continue;
        let score = dot(u!, item.customer);
        if (prev) score += PREVIOUS_TURN_WEIGHT * dot(prev, item.customer) - PREVIOUS_TURN_WEIGHT * score;
        if (bot && item.context) score += CONTEXT_WEIGHT * Math.max(0, dot(bot, item.context) - CONTEXT_FLOOR);
        candidates.push({ id: item.pair.id, text: item.pair.reply, score });
      }
    }
    const seed = params.seed ?? hashSeed(req.messages.map((m) => m.content).join('\u0001'));
    // The repetition penalty spreads weight over the quoted replies the bot has not said, but leaves the
    // prompt's first one as it is: the dialogue puts unheard replies first wherever they answer equally
    // well, so a heard reply quoted first is there because it answers better (the question was asked
    // again), and the penalty must not undo that. Before, it pushed that answer off once heard (合约期多久
    // three times: the contract, the installation, the data line; at T 0.3 20/1.1 = 18.2 lost to 19).
    const first = approved.length > 0 ? new Set(['exemplar:0']) : undefined;
    const picked = sampleCandidate(candidates, params, botSaid, seed, first);
    if (!picked) throw new GeneratorBadResponseError(`no ${lang} candidates in the corpus`, false);
    this.lastTrace = picked.trace;

    let text = picked.choice.text;
    let finishReason: GenerateResult['finishReason'] = 'stop';
    for (const stop of params.stop ?? []) {
      const at = text.indexOf(stop);
      if (at >= 0) text = text.slice(0, at);
    }
    if (params.max_tokens !== undefined) {
      const t = truncateToTokens(text, params.max_tokens);
      text = t.text;
      if (t.truncated) finishReason = 'length';
    }
    const prompt = req.messages.reduce((s, m) => s + estimateTokens(m.content), 0);
    return {
      text,
      finishReason,
      model: this.model,
      usage: { promptTokens: prompt, completionTokens: estimateTokens(text) },
      latencyMs: nowMs() - start,
    };
  }

  private lastAssistantBefore(messages: ChatMessage[]): string | undefined {
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'assistant') return messages[i].content;
    return undefined;
  }

  /** Embed the present texts in one call, reusing cached vectors. */
  private async embedMany(texts: (string | undefined)[]): Promise<(Float32Array | undefined)[]> {
    const missing = [...new Set(texts.filter((t): t is string => t !== undefined && !this.cache.has(t)))];
    if (missing.length > 0) {
      const vecs = await this.embedder.embed(missing);
      missing.forEach((t, i) => {
        if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(t, vecs[i]);
      });
    }
    return texts.map((t) => (t === undefined ? undefined : this.cache.get(t)));
  }
}
