import { Inject, Injectable } from '@nestjs/common';
import { CampaignService, type Campaign } from '@huashu/campaigns';
import { HuashuException, isReservedScript } from '@huashu/common';
import { EMBEDDER, type Embedder } from '@huashu/embedding';
import type { IntentName } from '@huashu/intent';
import type {
  MatchOutcome,
  MatchQuery,
  Script,
  ScriptMatch,
  ScriptMatcherPort,
  ScriptStage,
} from '../script-matcher.port.js';
import { ScriptLibraryService } from '../library/script-library.service.js';
import { SCRIPT_LIMITS } from '../library/script.schema.js';
import { LibraryIndexService, type LoadedLibrary } from '../index/library-index.service.js';
import { fillSlots } from './slots.js';

const DEFAULT_K = 5;

/** Derived from one loaded library, computed once: see `ScriptMatcherService.view`. */
interface LibraryView {
  /** Intent → labels of its scripts (any state: `accept` still filters per query). */
  byIntent: Map<string, number[]>;
  fallbackCount: number;
  /** Scripts an open search never returns (confirmation questions, abuse lines, disclosures: `isReservedScript`). */
  reservedCount: number;
  /** Fallback scripts in preference order, per customer language + campaign language. */
  fallbacks: Map<string, Script[]>;
}

/**
 * Matches a candidate answer to the approved scripts of a campaign: top-k by cosine similarity,
 * the threshold of the script else of the campaign, and the fallback chain
 * (intent → stage → campaign default) when nothing is close enough.
 */
@Injectable()
export class ScriptMatcherService implements ScriptMatcherPort {
  private readonly views = new WeakMap<LoadedLibrary, LibraryView>();
  /** The published version each script object handed out belongs to (`libraryVersionOf`). */
  private readonly versionOfScript = new WeakMap<Script, number>();
  private readonly registered = new WeakSet<LoadedLibrary>();
  /** `libraryTags` per loaded library: a version's scripts never change, so once per version load. */
  private readonly tagsOf = new WeakMap<LoadedLibrary, ReadonlySet<string>>();

  constructor(
    private readonly index: LibraryIndexService,
    private readonly library: ScriptLibraryService,
    private readonly campaigns: CampaignService,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async match(query: MatchQuery): Promise<MatchOutcome> {
    const k = query.k ?? DEFAULT_K;
    if (!Number.isInteger(k) || k < 1 || k > SCRIPT_LIMITS.maxK) {
      throw new HuashuException('VALIDATION_FAILED', `k must be an integer from 1 to ${SCRIPT_LIMITS.maxK}`);
    }
    const [lib, campaign, vector] = await Promise.all([
      this.libraryFor(query.campaignId, query.version),
      this.campaigns.getCached(query.campaignId),
      this.vectorOf(query),
    ]);
    const matches = this.search(lib, vector, k, query);
    // Only the best match is judged, against its own threshold else the campaign's: a worse match
    // never wins because it carries a looser threshold.
    const best = matches.at(0);
    const threshold = best ? this.thresholdOf(lib, best.scriptId, campaign) : campaign.matchThreshold;
    const accepted = best && best.similarity >= threshold ? best : undefined;
    const libraryVersion = lib.version === 'draft' ? 0 : lib.version;
    if (accepted) return { matches, threshold, libraryVersion, accepted, fallback: false };
    const fb = this.pickFallback(lib, campaign, query.intent, query.stage);
    return { matches, threshold, libraryVersion, fallback: true, ...(fb ? { fallbackScriptId: fb.id } : {}) };
  }

  async resolveFallback(
    campaignId: string,
    opts: { intent?: IntentName; stage?: ScriptStage; version?: number; language?: string },
  ): Promise<Script> {
    const [lib, campaign] = await Promise.all([
      this.libraryFor(campaignId, opts.version),
      this.campaigns.getCached(campaignId),
    ]);
    const fb = this.pickFallback(lib, campaign, opts.intent, opts.stage, opts.language);
    if (!fb) throw new HuashuException('NOT_FOUND', `campaign ${campaignId} has no fallback script`);
    return fb;
  }

  async findScripts(campaignId: string, where: (script: Script) => boolean): Promise<Script[]> {
    const lib = this.register(await this.index.published(campaignId));
    return lib.scripts.filter((s): s is Script => s !== undefined && s.enabled && where(s));
  }

  async libraryTags(campaignId: string): Promise<ReadonlySet<string>> {
    const lib = this.register(await this.index.published(campaignId));
    let tags = this.tagsOf.get(lib);
    if (!tags) {
      tags = new Set(lib.scripts.flatMap((s) => (s?.enabled ? s.tags : [])));
      this.tagsOf.set(lib, tags);
    }
    return tags;
  }

  async getScript(campaignId: string, scriptId: string, version?: number | 'draft'): Promise<Script | undefined> {
    if (version === 'draft') {
      try {
        return (await this.library.get(campaignId, scriptId, 'draft')).script;
      } catch (err) {
        if (err instanceof HuashuException && err.code === 'NOT_FOUND') return undefined;
        throw err;
      }
    }
    const lib = await this.libraryFor(campaignId, version);
    const label = lib.byId.get(scriptId);
    return label === undefined ? undefined : lib.scripts[label];
  }

  fillSlots(text: string, slots: Record<string, string | undefined>): { text: string; missing: string[] } {
    return fillSlots(text, slots);
  }

  libraryVersionOf(script: Script): number | undefined {
    return this.versionOfScript.get(script);
  }

  private async libraryFor(campaignId: string, version: number | 'draft' | undefined): Promise<LoadedLibrary> {
    if (version === 'draft') return this.index.draft(campaignId);
    if (version !== undefined) return this.register(await this.index.version(campaignId, version));
    return this.register(await this.index.published(campaignId));
  }

  /**
   * Note the version of each script of a published library, once per loaded library: a script's own
   * `version` is its revision, not the library version a reply reports (`libraryVersionOf`).
   */
  private register(lib: LoadedLibrary): LoadedLibrary {
    if (lib.version === 'draft' || this.registered.has(lib)) return lib;
    for (const script of lib.scripts) if (script) this.versionOfScript.set(script, lib.version);
    this.registered.add(lib);
    return lib;
  }

  private async vectorOf(query: MatchQuery): Promise<Float32Array> {
    if (query.vector) return query.vector;
    if (typeof query.text !== 'string' || query.text.trim() === '') {
      throw new HuashuException('VALIDATION_FAILED', 'match needs a text or a vector');
    }
    const [v] = await this.embedder.embed([query.text]);
    return v;
  }

  private thresholdOf(lib: LoadedLibrary, scriptId: string, campaign: Campaign): number {
    const label = lib.byId.get(scriptId);
    const own = label === undefined ? undefined : lib.scripts[label]?.threshold;
    return own ?? campaign.matchThreshold;
  }

  /**
   * Filtered queries (intent/stage: the scripted route) scan the few candidates exactly; the
   * open query (generator route) asks the index for enough extra hits to drop excluded and
   * fallback scripts, and falls back to an exact scan when the index could not supply k.
   * A reserved script (`isReservedScript`: a confirmation question, an abuse line, the AI disclosure)
   * is found only by a query for its intent: the dialogue step it belongs to asks for it, and nothing a
   * customer or a model says should land on it.
   */
  private search(lib: LoadedLibrary, vector: Float32Array, k: number, q: MatchQuery): ScriptMatch[] {
    if (vector.length !== lib.index.dim) {
      throw new HuashuException(
        'VALIDATION_FAILED',
        `vector has ${vector.length} dimensions, the index ${lib.index.dim}`,
      );
    }
    const exclude = new Set(q.excludeIds ?? []);
    const accept = (s: Script | undefined): s is Script =>
      s !== undefined &&
      s.enabled &&
      !exclude.has(s.id) &&
      (q.includeFallbacks === true || !s.fallback) &&
      (q.allow === undefined || q.allow(s)) &&
      (q.intent === undefined ? !isReservedScript(s) : s.intent === q.intent) &&
      (q.stage === undefined || s.stage === undefined || s.stage === q.stage);
    const toMatch = (s: Script, similarity: number): ScriptMatch => ({ scriptId: s.id, text: s.text, similarity });

    if (q.intent === undefined && q.stage === undefined) {
      const { fallbackCount, reservedCount } = this.view(lib);
      const extra = exclude.size + (q.includeFallbacks ? 0 : fallbackCount) + reservedCount;
      const hits = lib.index.search(vector, k + extra);
      const out: ScriptMatch[] = [];
      for (const h of hits) {
        const s = lib.scripts[h.label];
        if (accept(s)) out.push(toMatch(s, h.similarity));
        if (out.length === k) return out;
      }
      // A caller's `allow` may refuse more than the extra hits cover: scan exactly then.
      if (hits.length < Math.min(k + extra, lib.index.size()) || (q.allow !== undefined && out.length < k))
        return this.exact(lib, vector, k, q.intent, accept, toMatch);
      return out;
    }
    return this.exact(lib, vector, k, q.intent, accept, toMatch);
  }

  private exact(
    lib: LoadedLibrary,
    vector: Float32Array,
    k: number,
    intent: IntentName | undefined,
    accept: (s: Script | undefined) => s is Script,
    toMatch: (s: Script, sim: number) => ScriptMatch,
  ): ScriptMatch[] {
    const scored: ScriptMatch[] = [];
    // An intent-filtered query (the scripted route, every such turn) scans only that intent's
    // scripts, not the whole library.
    const labels = intent === undefined ? undefined : (this.view(lib).byIntent.get(intent) ?? []);
    const score = (label: number) => {
      const s = lib.scripts[label];
      const v = lib.vectors[label];
      if (!accept(s) || !v) return;
      let sim = 0;
      for (let j = 0; j < v.length; j++) sim += v[j] * vector[j];
      scored.push(toMatch(s, sim));
    };
    if (labels) for (const label of labels) score(label);
    else for (let label = 0; label < lib.scripts.length; label++) score(label);
    return scored.sort((a, b) => b.similarity - a.similarity || (a.scriptId < b.scriptId ? -1 : 1)).slice(0, k);
  }

  /**
   * What every turn would otherwise recompute from the whole library, once per loaded library
   * (a publish or draft refresh loads a new LoadedLibrary object, so the view never goes stale).
   */
  private view(lib: LoadedLibrary): LibraryView {
    let view = this.views.get(lib);
    if (!view) {
      const byIntent = new Map<string, number[]>();
      let fallbackCount = 0;
      let reservedCount = 0;
      lib.scripts.forEach((s, label) => {
        if (!s) return;
        if (s.fallback) fallbackCount++;
        if (isReservedScript(s)) reservedCount++;
        if (s.intent === undefined) return;
        const labels = byIntent.get(s.intent);
        if (labels) labels.push(label);
        else byIntent.set(s.intent, [label]);
      });
      view = { byIntent, fallbackCount, reservedCount, fallbacks: new Map() };
      this.views.set(lib, view);
    }
    return view;
  }

  /**
   * Fallback chain, first hit wins: a fallback for this intent and stage; for this intent (any
   * stage); for this stage (no intent); the campaign's default fallback; a fallback tagged with
   * neither. Ties go to the customer's language (scripts tagged "zh"/"en"), then the campaign's, then
   * script id; the campaign default gives way to a generic fallback in the customer's language.
   */
  private pickFallback(
    lib: LoadedLibrary,
    campaign: Campaign,
    intent?: IntentName,
    stage?: ScriptStage,
    language: string = campaign.language,
  ): Script | undefined {
    const rank = (x: Script) => (x.tags.includes(language) ? 0 : x.tags.includes(campaign.language) ? 1 : 2);
    const { fallbacks: sorted } = this.view(lib);
    const order = `${language}\u0000${campaign.language}`;
    let fallbacks = sorted.get(order);
    if (!fallbacks) {
      fallbacks = lib.scripts
        .filter((s): s is Script => s !== undefined && s.enabled && s.fallback)
        .sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      sorted.set(order, fallbacks);
    }
    const find = (pred: (s: Script) => boolean) => fallbacks.find(pred);
    if (intent !== undefined) {
      const hit =
        (stage !== undefined ? find((s) => s.intent === intent && s.stage === stage) : undefined) ??
        find((s) => s.intent === intent && s.stage === undefined) ??
        find((s) => s.intent === intent);
      if (hit) return hit;
    }
    if (stage !== undefined) {
      const hit = find((s) => s.intent === undefined && s.stage === stage);
      if (hit) return hit;
    }
    const generic = find((s) => s.intent === undefined && s.stage === undefined);
    if (campaign.defaultFallbackScriptId !== undefined) {
      const label = lib.byId.get(campaign.defaultFallbackScriptId);
      const s = label === undefined ? undefined : lib.scripts[label];
      if (s?.enabled && (rank(s) === 0 || !generic || rank(generic) !== 0)) return s;
    }
    return generic;
  }
}
