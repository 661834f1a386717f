import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Campaign } from '@huashu/campaigns';
import type { Embedder } from '@huashu/embedding';
import type { IntentName, IntentPrediction } from '@huashu/intent';
import { ExactVectorIndex } from '@huashu/scripts';
import { utteranceKey } from './utterance-key.js';

/** A campaign example that gave an utterance its intent (said word for word, or near an out_of_scope one). */
export interface IntentExampleMatch {
  intent: IntentName;
  /** The intent model's probability for that intent (0 when the model could not run). */
  confidence: number;
  /** Encoder similarity between the utterance and the example. */
  similarity: number;
  example: string;
  /** The script the example was given for (`byScript`); absent for a `byIntent` example. */
  scriptId?: string;
  /** The utterance is the example, word for word (case, spaces and punctuation aside). */
  exact?: true;
}

/** How the audit record and the admin classify route show the example that decided an intent. */
export function exampleView(m: IntentExampleMatch): {
  text: string;
  similarity: number;
  scriptId?: string;
  exact?: true;
} {
  return {
    text: m.example,
    similarity: m.similarity,
    ...(m.scriptId ? { scriptId: m.scriptId } : {}),
    ...(m.exact ? { exact: true as const } : {}),
  };
}

/** A script example near an utterance of the script's intent: the answer to show the generator first. */
export interface AnswerExample {
  scriptId: string;
  example: string;
  similarity: number;
}

/**
 * The published script a `byScript` example names, if it can be said (enabled): the matcher reads a
 * script's intent at turn time, so a library publish that moves a script needs no re-embedding.
 */
export type ScriptLookup = (
  campaignId: string,
  scriptId: string,
) => Promise<{ intent?: IntentName; fallback?: boolean } | undefined>;

/**
 * Intents the model's own detection of wins even over an example said word for word: a caller who
 * asks to be left alone, complains or asks for a person is not talked past by an editor's wording.
 */
const MODEL_DECIDES: ReadonlySet<IntentName> = new Set<IntentName>(['do_not_call', 'complaint', 'ask_human']);

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

/** A campaign's examples, and their embedding once built: label i of the index is `examples[i]`. */
interface Cached {
  key: string;
  examples: CampaignExample[];
  /** Each wording's (`utteranceKey`) positions among `examples`. */
  wordings: Map<string, number[]>;
  /**
   * Started by the first lookup that needs the vectors (`nearest`, `prepare`), not by `exact` or
   * `answer`. null: the campaign has no examples (kept too, so turns do not walk its empty lists again).
   */
  index?: Promise<ExactVectorIndex | null>;
  /** The index once built (answers do not wait for a build). */
  built?: ExactVectorIndex;
  /** When the build failed: it is retried retryMs later, not on every turn. */
  failedAt?: number;
}

/** One of the nearest examples. */
interface Hit {
  owner: ExampleOwner;
  example: string;
  similarity: number;
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
 * Nearest examples looked at for one answer: past the first example whose script is missing,
 * disabled or of another intent, the next ones are tried, up to this many.
 */
const CANDIDATES = 16;
/** A failed build (encoder down) is retried after this long. */
const RETRY_MS = 5000;

/**
 * Campaign intent examples (Campaign.intentExamples): the campaign's own phrasings of what its
 * customers ask, which the shared intent model has never seen, given per intent (`byIntent`) or per
 * approved script that answers them (`byScript`, for the script's intent). Three uses:
 * - an utterance that is an example word for word takes its intent (`exact`), unless the model hears
 *   do_not_call, complaint or ask_human;
 * - where the model answered out_of_scope, the utterance takes the intent of its nearest example when
 *   the encoder's similarity reaches the campaign's `threshold` and the model gives that intent at
 *   least `minConfidence`. The floor matters: the encoder also scores question templates (头疼怎么办
 *   is 0.77 from 测速达不到怎么办), and the model rules those intents out;
 * - on the generator route, the nearest `byScript` example of a script of the turn's intent, at
 *   `threshold` or nearer, names the approved reply the prompt shows first (`answer`).
 *
 * A campaign's examples are embedded once, in batches, and kept until they or the encoder change. The search is exact (ExactVectorIndex: a dot product per
 * example, at most 1,000 of them): an HNSW index would save nothing at this size.
 */
export class IntentExampleMatcher {
  private readonly cache: LRUCache<string, Cached>;

  private readonly scripts: ScriptLookup;
  private readonly retryMs: number;

  constructor(
    private readonly embedder: Embedder,
    opts: { scripts: ScriptLookup; maxCachedExamples?: number; retryMs?: number },
  ) {
    this.scripts = opts.scripts;
    this.retryMs = opts.retryMs ?? RETRY_MS;
    this.cache = new LRUCache<string, Cached>({
      maxSize: opts.maxCachedExamples ?? MAX_CACHED_EXAMPLES,
      sizeCalculation: (e) => Math.max(1, e.examples.length),
    });
  }

  /** Content keys per campaign version: see keyOf. */
  private readonly versionKeys = new LRUCache<string, string>({ max: 4096 });

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

  /**
   * The campaign example the utterance says word for word (case, spaces and punctuation aside), if it
   * stands for another intent than the model's: an editor's explicit decision, which wins over any
   * prediction, in scope or not, and needs no embedding. A wording given for two different intents
   * decides nothing. The confidence stays the model's probability for the example's intent.
   */
  async exact(
    campaign: Campaign,
    text: string,
    prediction: IntentPrediction | undefined,
  ): Promise<IntentExampleMatch | undefined> {
    const { byIntent, byScript } = campaign.intentExamples;
    if (!hasEntries(byIntent) && !hasEntries(byScript)) return undefined;
    const entry = this.entry(campaign);
    const at = entry.wordings.get(utteranceKey(text));
    if (!at) return undefined;
    // The wording may be given more than once: it decides only if every owner that can be said agrees.
    const owners: { intent: IntentName; scriptId?: string; example: string }[] = [];
    for (const i of at) {
      const { owner, text: example } = entry.examples[i];
      const intent = await this.intentOf(campaign, owner);
      if (intent) owners.push({ intent, example, ...('scriptId' in owner ? { scriptId: owner.scriptId } : {}) });
    }
    const intent = owners[0]?.intent;
    if (!intent || owners.some((o) => o.intent !== intent)) return undefined;
    if (intent === prediction?.name || (prediction && MODEL_DECIDES.has(prediction.name))) return undefined;
    const scripts = new Set(owners.flatMap((o) => (o.scriptId ? [o.scriptId] : [])));
    const example = owners.find((o) => o.scriptId)?.example ?? owners[0].example;
    const confidence = prediction?.ranking.find((r) => r.name === intent)?.confidence ?? 0;
    return {
      intent,
      confidence,
      similarity: 1,
      example,
      ...(scripts.size === 1 ? { scriptId: [...scripts][0] } : {}),
      exact: true,
    };
  }

  /**
   * The campaign example nearest to an utterance vector, with the intent it stands for (undefined: no
   * examples, or none of the nearest whose script can be said).
   */
  async nearest(campaign: Campaign, vector: Float32Array): Promise<NearestExample | undefined> {
    const entry = this.entry(campaign);
    for (const { owner, example, similarity } of nearestIn(entry, await this.embedded(entry), vector)) {
      const intent = await this.intentOf(campaign, owner);
      if (intent) return { intent, similarity, example, ...('scriptId' in owner ? { scriptId: owner.scriptId } : {}) };
    }
    return undefined;
  }

  /**
   * The approved reply of `intent` whose `byScript` example is nearest to the utterance, if one is at
   * the campaign's `threshold` or nearer: what the customer asked, in the campaign's own words.
   */
  async answer(campaign: Campaign, intent: IntentName, vector: Float32Array): Promise<AnswerExample | undefined> {
    if (!hasEntries(campaign.intentExamples.byScript)) return undefined;
    // Never waits for the examples to be embedded: a turn before the build is done (after an edit, on a
    // cold process, a conversation started on another gateway) ranks its exemplars without them, within
    // the match budget, however slow the encoder; later turns find the build done.
    const entry = this.entry(campaign);
    for (const { owner, example, similarity } of nearestIn(entry, entry.built, vector)) {
      if (similarity < campaign.intentExamples.threshold) return undefined;
      if (!('scriptId' in owner)) continue;
      const script = await this.scripts(campaign.id, owner.scriptId);
      // A fallback script is never quoted as an exemplar: its examples count for the intent only.
      if (script?.intent === intent && !script.fallback) return { scriptId: owner.scriptId, example, similarity };
    }
    return undefined;
  }

  /**
   * Start embedding the campaign's examples if nothing has (a cache lookup otherwise), so that the
   * generator-route answer lookups, which do not wait, find them; resolves once they are embedded (or
   * the embedding failed: it never rejects). The built-in encoder runs on the event loop
   * (onnxruntime-node runs a session synchronously): a batch still running when a turn starts holds up
   * that turn's stages, past their budgets on a busy host (the input check or the classifier waited
   * behind it, and the turn was degraded). So a conversation's start waits for it, and a turn starts
   * it only once it has answered.
   */
  prepare(campaign: Campaign): Promise<void> {
    if (!hasEntries(campaign.intentExamples.byScript)) return Promise.resolve();
    return this.embedded(this.entry(campaign)).then(
      () => undefined,
      () => undefined,
    );
  }

  /** The intent an example stands for: its own, or its script's while the script can be said. */
  private async intentOf(campaign: Campaign, owner: ExampleOwner): Promise<IntentName | undefined> {
    if ('intent' in owner) return owner.intent;
    const intent = (await this.scripts(campaign.id, owner.scriptId))?.intent;
    return intent === 'out_of_scope' ? undefined : intent;
  }

  /**
   * What the index depends on: the examples and the encoder, not the campaign's other settings (an
   * edit of its slots must not re-embed anything). Hashed once per campaign version: turns ask for
   * it every time, on campaign objects that are re-read every second.
   */
  private keyOf(campaign: Campaign): string {
    const version = `${campaign.id}:${campaign.version}:${campaign.updatedAt}:${this.embedder.modelId}`;
    let key = this.versionKeys.get(version);
    if (key === undefined) {
      const { byIntent, byScript } = campaign.intentExamples;
      key = `${this.embedder.modelId}:${createHash('sha256')
        .update(JSON.stringify([byIntent, byScript]))
        .digest('base64url')}`;
      this.versionKeys.set(version, key);
    }
    return key;
  }

  /**
   * The campaign's examples as cached (a failed embedding is dropped retryMs later). Turns call this
   * every time: the cache first, and the lists are walked on a miss only. Embeds nothing: `embedded`.
   */
  private entry(campaign: Campaign): Cached {
    const key = this.keyOf(campaign);
    const cached = this.cache.get(campaign.id);
    if (cached?.key === key && (cached.failedAt === undefined || performance.now() - cached.failedAt < this.retryMs)) {
      return cached;
    }
    const examples = campaignExamples(campaign);
    const entry: Cached = { key, examples, wordings: wordings(examples) };
    this.cache.set(campaign.id, entry);
    return entry;
  }

  /** The entry's index, its embedding started if nothing has started it. */
  private embedded(entry: Cached): Promise<ExactVectorIndex | null> {
    if (entry.index) return entry.index;
    const index =
      entry.examples.length === 0
        ? Promise.resolve(null)
        : embedExamples(this.embedder, entry.examples).then((e) => e.index);
    entry.index = index;
    index.then(
      (built) => {
        if (built) entry.built = built;
      },
      // A failed build (encoder down) is kept as failed for retryMs, then tried again.
      () => (entry.failedAt = performance.now()),
    );
    return index;
  }
}

/** The examples nearest to a vector in a built index, nearest first. */
function nearestIn(entry: Cached, index: ExactVectorIndex | null | undefined, vector: Float32Array): Hit[] {
  if (!index || vector.length !== index.dim) return [];
  return index.search(vector, CANDIDATES).map((hit) => {
    const { owner, text } = entry.examples[hit.label];
    return { owner, example: text, similarity: hit.similarity };
  });
}

/** One example of a campaign and whom it speaks for. */
export interface CampaignExample {
  text: string;
  owner: ExampleOwner;
}

/** A `byIntent` example's intent, or a `byScript` example's script. */
export type ExampleOwner = { intent: IntentName } | { scriptId: string };

/** A campaign's examples in document order: `byIntent`, then `byScript`. */
export function campaignExamples(campaign: Campaign): CampaignExample[] {
  const out: CampaignExample[] = [];
  const { byIntent, byScript } = campaign.intentExamples;
  for (const [intent, list] of Object.entries(byIntent) as [IntentName, string[] | undefined][]) {
    for (const text of list ?? []) out.push({ text, owner: { intent } });
  }
  for (const [scriptId, list] of Object.entries(byScript)) {
    for (const text of list) out.push({ text, owner: { scriptId } });
  }
  return out;
}

/** Each wording's (`utteranceKey`) positions among the examples; a wording of punctuation alone is left out. */
export function wordings(examples: CampaignExample[]): Map<string, number[]> {
  const at = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const key = utteranceKey(e.text);
    if (key !== '') at.set(key, [...(at.get(key) ?? []), i]);
  });
  return at;
}

/** Embed examples in batches; `index` labels are positions in `examples`. */
export async function embedExamples(
  embedder: Embedder,
  examples: CampaignExample[],
): Promise<{ vectors: Float32Array[]; index: ExactVectorIndex }> {
  const texts = examples.map((e) => e.text);
  const embedded: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += EMBED_BATCH) {
    embedded.push(...(await embedder.embed(texts.slice(start, start + EMBED_BATCH))));
  }
  if (embedded.length !== texts.length) {
    throw new Error(`the encoder returned ${embedded.length} vectors for ${texts.length} examples`);
  }
  // The width of what the encoder returned (a lazily loaded encoder knows its own only then);
  // upsert refuses a vector of another width.
  const index = new ExactVectorIndex(embedded[0].length, texts.length);
  embedded.forEach((v, i) => index.upsert(i, v));
  return { vectors: embedded, index };
}

/** Whether an object has an own key, without listing them (turns ask this every time). */
function hasEntries(o: object): boolean {
  for (const key in o) if (Object.hasOwn(o, key)) return true;
  return false;
}
