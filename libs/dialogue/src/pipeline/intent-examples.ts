import { LRUCache } from 'lru-cache';
import type { Campaign } from '@huashu/campaigns';
import type { Embedder } from '@huashu/embedding';
import type { IntentName, IntentPrediction } from '@huashu/intent';
import { ExactVectorIndex } from '@huashu/scripts';

/** A campaign example that gave an out_of_scope utterance its intent. */
export interface IntentExampleMatch {
  intent: IntentName;
  /** The intent model's probability for that intent (below the campaign's intent threshold). */
  confidence: number;
  /** Encoder similarity between the utterance and the example. */
  similarity: number;
  example: string;
}

/** The example nearest to an utterance. */
export type NearestExample = Omit<IntentExampleMatch, 'confidence'>;

/**
 * The rule: the nearest example is similar enough and the model does not rule its intent out.
 * (Exported for the sweep that chose the defaults, `npm run intent-examples:sweep`.)
 */
export function acceptExample(
  nearest: NearestExample,
  prediction: IntentPrediction,
  rule: { threshold: number; minConfidence: number },
): IntentExampleMatch | undefined {
  if (nearest.similarity < rule.threshold) return undefined;
  const confidence = prediction.ranking.find((r) => r.name === nearest.intent)?.confidence ?? 0;
  return confidence < rule.minConfidence ? undefined : { ...nearest, confidence };
}

/** A campaign version's examples, embedded: label i of `vectors` is `texts[i]`. */
interface ExampleIndex {
  vectors: ExactVectorIndex;
  intents: IntentName[];
  texts: string[];
}

interface Cached {
  key: string;
  index: Promise<ExampleIndex>;
  /** Examples in the entry (what it holds in memory: one vector each). */
  examples: number;
}

/** Examples embedded per call: a batch the built-in encoder and OpenAI-compatible servers both take. */
const EMBED_BATCH = 64;
/**
 * Embedded examples kept over all campaigns, least recently used campaign dropped first: 50,000
 * vectors of the built-in encoder's 256 floats are ~51 MB per process or turn thread, for 50
 * campaigns at the 1,000-example limit (a campaign over the budget would not be kept at all, so the
 * budget must stay above MAX_INTENT_EXAMPLES).
 */
const MAX_CACHED_EXAMPLES = 50_000;

/**
 * Campaign intent examples (Campaign.intentExamples): the campaign's own phrasings of what its
 * customers ask, which the shared intent model has never seen. Applied only where the model
 * answered out_of_scope: the utterance takes the intent of its nearest example when the encoder's
 * similarity reaches the campaign's `threshold` and the model gives that intent at least
 * `minConfidence`. The floor matters: the encoder also scores question templates (头疼怎么办 is
 * 0.77 from 测速达不到怎么办), and the model rules those intents out.
 *
 * The examples of a campaign version are embedded once, in batches, and kept per campaign until
 * its version or the encoder changes. The search is exact (ExactVectorIndex: a dot product per
 * example, at most 1,000 of them): an HNSW index would save nothing at this size.
 */
export class IntentExampleMatcher {
  private readonly cache: LRUCache<string, Cached>;

  constructor(
    private readonly embedder: Embedder,
    maxCachedExamples = MAX_CACHED_EXAMPLES,
  ) {
    this.cache = new LRUCache<string, Cached>({ maxSize: maxCachedExamples, sizeCalculation: (e) => e.examples });
  }

  /**
   * The example match for an out_of_scope prediction, or undefined (prediction in scope, no
   * examples, or none near enough). `utterance` is the utterance's vector, already being computed.
   */
  async match(
    campaign: Campaign,
    prediction: IntentPrediction,
    utterance: Promise<Float32Array>,
  ): Promise<IntentExampleMatch | undefined> {
    if (prediction.name !== 'out_of_scope') return undefined;
    const nearest = await this.nearest(campaign, await utterance);
    return nearest && acceptExample(nearest, prediction, campaign.intentExamples);
  }

  /** The campaign example nearest to an utterance vector (undefined: no examples). */
  async nearest(campaign: Campaign, vector: Float32Array): Promise<NearestExample | undefined> {
    const index = await this.index(campaign);
    if (!index || vector.length !== index.vectors.dim) return undefined;
    const [hit] = index.vectors.search(vector, 1);
    return hit && { intent: index.intents[hit.label], similarity: hit.similarity, example: index.texts[hit.label] };
  }

  /** The campaign version's embedded examples (null when it has none). */
  private index(campaign: Campaign): Promise<ExampleIndex | null> {
    const entries = Object.entries(campaign.intentExamples.byIntent) as [IntentName, string[] | undefined][];
    const examples = entries.reduce((n, [, list]) => n + (list?.length ?? 0), 0);
    if (examples === 0) return Promise.resolve(null);
    const key = `${campaign.version}:${campaign.updatedAt}:${this.embedder.modelId}`;
    const cached = this.cache.get(campaign.id);
    if (cached?.key === key) return cached.index;
    const entry = { key, index: this.build(entries), examples };
    this.cache.set(campaign.id, entry);
    // A failed build (encoder down) is not kept: the next turn tries again.
    entry.index.catch(() => {
      if (this.cache.peek(campaign.id) === entry) this.cache.delete(campaign.id);
    });
    return entry.index;
  }

  private async build(entries: [IntentName, string[] | undefined][]): Promise<ExampleIndex> {
    const intents: IntentName[] = [];
    const texts: string[] = [];
    for (const [intent, list] of entries) {
      for (const text of list ?? []) {
        intents.push(intent);
        texts.push(text);
      }
    }
    const embedded: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += EMBED_BATCH) {
      embedded.push(...(await this.embedder.embed(texts.slice(start, start + EMBED_BATCH))));
    }
    if (embedded.length !== texts.length) {
      throw new Error(`the encoder returned ${embedded.length} vectors for ${texts.length} examples`);
    }
    // The width of what the encoder returned (a lazily loaded encoder knows its own only then);
    // upsert refuses a vector of another width.
    const vectors = new ExactVectorIndex(embedded[0].length, texts.length);
    embedded.forEach((v, i) => vectors.upsert(i, v));
    return { vectors, intents, texts };
  }
}
