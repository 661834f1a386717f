import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HuashuException, MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { EMBEDDER, type Embedder } from '@huashu/embedding';
import { createRedis, waitReady, type OnRedisDataLost, type RedisClient } from '@huashu/redis';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Script } from '../script-matcher.port.js';
import { ScriptLibraryRepository } from '../library/script-library.repository.js';
import { ScriptLibraryService } from '../library/script-library.service.js';
import { HNSW_DEFAULTS } from './hnsw-vector-index.adapter.js';
import { bundleKey, decodeBundle, encodeBundle, type LibraryBundle } from './library-bundle.js';
import {
  VECTOR_INDEX_FACTORY,
  type VectorIndex,
  type VectorIndexFactory,
  type VectorIndexOptions,
} from './vector-index.port.js';

/**
 * Up to this many scripts exact search is as fast as HNSW (measured with `npm run bench:match`,
 * dim 256, k 10: exact 0.07 ms vs HNSW 0.04 ms at 256 scripts, about even at 128; HNSW pays a
 * fixed cost for the Float32Array → number[] copy and the native call). Exact search also has
 * perfect recall and no graph to build.
 */
export const EXACT_SEARCH_MAX = 128;

/** Texts embedded per embedder call while building. */
const EMBED_BATCH = 64;
/** Explicit (non-current) versions kept loaded per process, for `version` in match requests. */
const VERSION_CACHE_SIZE = 4;
/** Delay before the draft index is built after an import (a burst of imports builds once). */
const DRAFT_WARM_DELAY_MS = 200;
/** How often a gateway re-checks the published pointers (covers a pub/sub message lost in a reconnect). */
const RECONCILE_INTERVAL_MS = 5000;
/** Imported texts a publish lets the draft index take in before copying it (≈ 50 ms of inserts at 10k). */
const DRAFT_SYNC_BACKLOG_MAX = 256;
/** HNSW inserts between yields to the event loop while a graph is built in the background (≈ 15 ms at 10k). */
const INSERTS_PER_SLICE = 64;
/**
 * A gateway serving a version by brute force builds the graph itself when the publisher's graph has
 * not arrived after this long (the publisher died mid-build); proportional to the size, since a
 * 100k graph takes minutes (`npm run bench:match`).
 */
const upgradeGraceMs = (scripts: number): number => 60_000 + 5 * scripts;
/**
 * Pause between announcing a brute-force version and building its graph: the other gateways load
 * the stand-in first, without the build competing for the CPU where gateways share a host
 * (`npm run bench:match`, cold rounds).
 */
const GRAPH_BUILD_DELAY_MS = 1000;
/** A brute-force bundle is needed in Redis only until the graph bundle replaces it. */
const PROVISIONAL_TTL_SECONDS = 3600;

/** A library version loaded for matching: scripts by label, their vectors, the index. */
export interface LoadedLibrary {
  campaignId: string;
  version: number | 'draft';
  /** Draft revision the library reflects (draft only). */
  rev?: number;
  modelId: string;
  /** Content key of the persisted bundle (embedder model + scripts, see `bundleKey`). */
  contentKey?: string;
  /** Label → script; holes (undefined) where a draft script was removed. */
  scripts: (Script | undefined)[];
  byId: Map<string, number>;
  /** Label → unit vector (kept for filtered exact search). */
  vectors: (Float32Array | undefined)[];
  index: VectorIndex;
  /** When this process loaded it (`performance.now()`). */
  loadedAt: number;
}

interface PublishedMessage {
  campaignId: string;
  version: number;
  /** Sent when a version's bundle was replaced (its HNSW graph is ready): load this one. */
  key?: string;
}

/** Key of one campaign version in the per-version maps of the service. */
const versionId = (campaignId: string, version: number): string => `${campaignId}\0${version}`;

/** Content key of a version's brute-force stand-in (the graph bundle of the same scripts keeps the plain key). */
const provisionalKey = (key: string): string => `${key}-bf`;

/**
 * Holds the published index of every campaign (and, on demand, the draft and explicit versions),
 * builds them from the store, persists them under INDEX_DIR keyed by the embedder model, and swaps
 * to a new version when a publish is announced on Redis pub/sub. A swap replaces one Map entry, so
 * a match that already took the old library finishes on it.
 */
@Injectable()
export class LibraryIndexService implements OnModuleInit, OnApplicationShutdown, OnRedisDataLost {
  private readonly logger = new Logger('ScriptIndex');
  private readonly current = new Map<string, LoadedLibrary>();
  /** Latest version announced per campaign; a slower load of an older one never overwrites it. */
  private readonly wanted = new Map<string, number>();
  private readonly versionCache = new Map<string, Promise<LoadedLibrary>>();
  private readonly drafts = new Map<string, Promise<LoadedLibrary>>();
  /** The last draft that finished loading per campaign (its vectors are reused by builds). */
  private readonly settledDrafts = new Map<string, LoadedLibrary>();
  /**
   * Texts imported here that the draft index has not taken in yet (waiting for or inside a refresh):
   * a publish waits for the draft only when this is small.
   */
  private readonly draftBacklog = new Map<string, number>();
  /** Graph builds of versions served by brute force meanwhile, by campaign and version. */
  private readonly upgrades = new Map<string, Promise<void>>();
  /** Graph bundle keys announced per campaign and version (a stand-in still loading then reloads). */
  private readonly graphKeys = new Map<string, string>();
  /** Graph loads in flight per campaign and version (the announcement and the reconcile ask for one). */
  private readonly graphLoads = new Map<string, Promise<void>>();
  /** Graph builds of staged versions, started once the version is current (not inside the publish). */
  private readonly pendingUpgrades = new Map<string, () => void>();
  /** Vectors of the last import's texts per campaign, held until the draft index has them. */
  private readonly importedVectors = new Map<string, Map<string, Float32Array>>();
  /**
   * Raised when Redis lost its data: a load or graph build that started before finishes without
   * being swapped in or recorded (version numbers start again, so its version may now be other scripts).
   */
  private generation = 0;
  private subscriber?: RedisClient;
  private reconcileTimer?: NodeJS.Timeout;
  private startupError?: string;
  private readonly swaps: Counter;
  private readonly buildSeconds: Histogram;
  private readonly sizeGauge: Gauge;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(VECTOR_INDEX_FACTORY) private readonly factory: VectorIndexFactory,
    private readonly library: ScriptLibraryService,
    private readonly repo: ScriptLibraryRepository,
    private readonly readiness: ReadinessRegistry,
    metrics: MetricsRegistry,
  ) {
    this.swaps = new Counter({
      name: 'huashu_script_index_swaps_total',
      help: 'Published script indexes swapped in',
      labelNames: ['campaign'],
      registers: [metrics.registry],
    });
    this.buildSeconds = new Histogram({
      name: 'huashu_script_index_load_seconds',
      help: 'Time to load or build a script index (source: draft, redis, file, built; draft-built for the draft itself)',
      labelNames: ['source'],
      buckets: [0.005, 0.02, 0.1, 0.5, 2, 10, 60],
      registers: [metrics.registry],
    });
    this.sizeGauge = new Gauge({
      name: 'huashu_script_index_size',
      help: 'Scripts in the current published index',
      labelNames: ['campaign'],
      // Turn threads hold copies of the same index: merged into one /metrics, it is counted once.
      aggregator: 'max',
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.readiness.register({
      name: 'scriptIndex',
      check: () => Promise.resolve(this.status()),
    });
    this.library.onImported((c, texts) => this.imported(c, texts));
  }

  /**
   * After an import: embed its new texts now (into the shared embedding cache), so a publish right
   * after it, on any gateway, embeds nothing; then prepare the draft index in the background. The
   * import is already committed: a failure here only means a later build embeds.
   */
  private async imported(campaignId: string, texts: string[]): Promise<void> {
    this.draftBacklog.set(campaignId, (this.draftBacklog.get(campaignId) ?? 0) + texts.length);
    try {
      const vectors = await this.vectorsFor(campaignId, texts);
      // A new map (not the same one grown): a draft refresh that started earlier drops only what it saw.
      this.importedVectors.set(campaignId, new Map([...(this.importedVectors.get(campaignId) ?? []), ...vectors]));
    } catch (err) {
      this.logger.warn(`campaign ${campaignId}: embedding imported scripts failed: ${(err as Error).message}`);
    }
    this.warmDraftSoon(campaignId);
  }

  private readonly warmTimers = new Map<string, NodeJS.Timeout>();
  private closing = false;

  /**
   * After an import, build the draft index in the background on the gateway that took the import:
   * a publish then copies it instead of embedding and inserting inside the publish request.
   */
  private warmDraftSoon(campaignId: string): void {
    clearTimeout(this.warmTimers.get(campaignId));
    const timer = setTimeout(() => {
      this.warmTimers.delete(campaignId);
      if (this.closing) return;
      this.draft(campaignId).catch((err: Error) =>
        this.logger.debug(`campaign ${campaignId}: draft index warm-up failed: ${err.message}`),
      );
    }, DRAFT_WARM_DELAY_MS);
    timer.unref();
    this.warmTimers.set(campaignId, timer);
  }

  /** Subscribe to publishes, then load every campaign's published version. Called once seeding is done. */
  async start(): Promise<void> {
    if (this.subscriber) return;
    const sub = createRedis(this.config.redis, { name: 'scripts-sub', prefixed: false });
    sub.on('error', () => undefined);
    sub.on('message', (_channel: string, message: string) => this.onAnnounce(message));
    // After a reconnect the subscription is restored by ioredis, but messages sent meanwhile are lost.
    sub.on('ready', () => void this.reconcile());
    this.subscriber = sub;
    await waitReady(sub, this.config.redis.connectTimeoutMs);
    await sub.subscribe(`${this.config.redis.keyPrefix}scripts:published`);
    await this.reconcile();
    this.reconcileTimer = setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const t of this.warmTimers.values()) clearTimeout(t);
    clearInterval(this.reconcileTimer);
    if (this.subscriber) {
      try {
        await this.subscriber.quit();
      } catch {
        this.subscriber.disconnect();
      }
    }
  }

  /**
   * Redis lost its data: drop every library loaded from it (published, explicit versions, drafts) and
   * what was waiting to be built. Kept, they would answer for campaigns that no longer exist, and a
   * version republished under the same number would be served from the old one. `resync` (after the
   * sample campaign's re-seed) loads what is published again.
   */
  forgetRedisData(): string | undefined {
    const held = [...this.current.values()].map((l) => `${l.campaignId} version ${l.version}`);
    this.generation += 1;
    for (const t of this.warmTimers.values()) clearTimeout(t);
    for (const map of [
      this.warmTimers,
      this.current,
      this.wanted,
      this.versionCache,
      this.drafts,
      this.settledDrafts,
      this.draftBacklog,
      this.graphKeys,
      this.pendingUpgrades,
      this.importedVectors,
    ]) {
      map.clear();
    }
    this.sizeGauge.reset();
    return held.length > 0 ? `published script indexes of ${held.join(', ')}` : undefined;
  }

  /** Align every campaign with its published pointer in Redis now (after a data loss). */
  resync(): Promise<void> {
    return this.reconcile();
  }

  status(): { up: boolean; [k: string]: unknown } {
    const campaigns = Object.fromEntries(
      [...this.current.values()].map((l) => [
        l.campaignId,
        { version: l.version, size: l.index.size(), kind: l.index.kind },
      ]),
    );
    const missing = [...this.wanted.entries()].filter(([c, v]) => this.current.get(c)?.version !== v).map(([c]) => c);
    return {
      up: this.startupError === undefined && missing.length === 0,
      campaigns,
      ...(missing.length ? { loading: missing } : {}),
      ...(this.startupError ? { error: this.startupError } : {}),
    };
  }

  /** The campaign's current published library (loaded on first use). NOT_FOUND when never published. */
  async published(campaignId: string): Promise<LoadedLibrary> {
    const lib = this.current.get(campaignId);
    if (lib) return lib;
    const v = await this.library.current(campaignId);
    if (v === undefined) {
      throw new HuashuException('NOT_FOUND', `campaign ${campaignId} has no published script library`);
    }
    return this.activate(campaignId, v);
  }

  /** A specific published version (kept in a small per-process cache). */
  async version(campaignId: string, version: number): Promise<LoadedLibrary> {
    const cur = this.current.get(campaignId);
    if (cur?.version === version) return cur;
    const key = versionId(campaignId, version);
    const cached = this.versionCache.get(key);
    if (cached) return cached;
    const p = this.build(campaignId, version);
    this.cacheVersion(key, p);
    return p;
  }

  private cacheVersion(key: string, p: Promise<LoadedLibrary>): void {
    this.versionCache.set(key, p);
    p.catch(() => this.versionCache.delete(key));
    if (this.versionCache.size > VERSION_CACHE_SIZE) {
      this.versionCache.delete(this.versionCache.keys().next().value as string);
    }
  }

  /**
   * The draft, brought up to date incrementally: only scripts whose text changed are embedded;
   * removed ones are deleted from the index.
   */
  draft(campaignId: string): Promise<LoadedLibrary> {
    const prev = this.drafts.get(campaignId);
    const imported = this.importedVectors.get(campaignId);
    const backlog = this.draftBacklog.get(campaignId) ?? 0;
    // Serialise refreshes per campaign: each one starts from the previous result.
    const next = (async () => {
      const base = prev ? await prev.catch(() => undefined) : undefined;
      const rev = await this.library.draftRev(campaignId);
      if (base && base.rev === rev) return base;
      const { rev: readRev, scripts } = await this.library.scriptsOf(campaignId, 'draft');
      const enabled = scripts.filter((s) => s.enabled);
      if (!base) return this.fromScripts(campaignId, 'draft', enabled, readRev, false);
      return this.refreshDraft(base, scripts, readRev ?? rev);
    })();
    this.drafts.set(campaignId, next);
    next.then(
      (lib) => {
        // Failed builds keep their backlog: the next refresh still has it to take in.
        this.draftBacklog.set(campaignId, Math.max(0, (this.draftBacklog.get(campaignId) ?? 0) - backlog));
        this.settledDrafts.set(campaignId, lib);
        if (this.importedVectors.get(campaignId) === imported) this.importedVectors.delete(campaignId);
      },
      () => {
        if (this.drafts.get(campaignId) === next) this.drafts.delete(campaignId);
      },
    );
    return next;
  }

  /** Embed texts in batches (the embedder also batches; this bounds memory per call). */
  async embed(texts: string[], onProgress?: (done: number) => void): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += EMBED_BATCH) {
      out.push(...(await this.embedder.embed(texts.slice(i, i + EMBED_BATCH))));
      onProgress?.(out.length);
    }
    return out;
  }

  private warming?: Promise<unknown>;

  /** Make sure the model is loaded before reading its id and dimension. */
  warm(): Promise<unknown> {
    this.warming ??= this.embedder.embed(['warm-up']).catch((err: unknown) => {
      this.warming = undefined;
      throw err;
    });
    return this.warming;
  }

  get modelId(): string {
    return this.embedder.modelId;
  }

  /**
   * Build a staged version before it is announced, so every other gateway only loads it. When this
   * gateway holds a settled draft index (an editor previewed it, or it was built after an import),
   * the version is a copy of it: nothing is embedded or inserted at publish time. Otherwise a small
   * library is built (exact index), and a large one is published as its scripts and vectors
   * (embedded at import, so nothing is embedded now) with a brute-force index that every gateway
   * serves at once; its HNSW graph follows in the background (`upgrade`). The bundle is written to
   * Redis and INDEX_DIR and the version's content key recorded, so a gateway that hears the
   * announcement needs two GETs.
   */
  async prepare(campaignId: string, version: number, draftRev: number): Promise<LoadedLibrary> {
    const start = performance.now();
    // A draft that is not built yet, or has a large import to take in, is not waited for: its graph
    // inserts would sit inside the publish request.
    const draftReady =
      this.settledDrafts.has(campaignId) && (this.draftBacklog.get(campaignId) ?? 0) <= DRAFT_SYNC_BACKLOG_MAX;
    const fromDraft = draftReady ? await this.snapshotDraft(campaignId, draftRev) : undefined;
    if (!fromDraft) {
      const { scripts } = await this.library.scriptsOf(campaignId, version);
      const enabled = scripts.filter((s) => s.enabled);
      if (enabled.length > EXACT_SEARCH_MAX) {
        // The draft build an import scheduled waits for the graph step below: started now, it
        // would compete with this request for the event loop.
        const warmUp = this.warmTimers.get(campaignId);
        clearTimeout(warmUp);
        this.warmTimers.delete(campaignId);
        const viaDraft = warmUp !== undefined || this.drafts.has(campaignId);
        const lib = await this.provisional(campaignId, version, enabled);
        this.cacheVersion(versionId(campaignId, version), Promise.resolve(lib));
        this.buildSeconds.observe({ source: 'provisional' }, (performance.now() - start) / 1000);
        this.pendingUpgrades.set(
          versionId(campaignId, version),
          () => void this.upgrade(campaignId, version, viaDraft ? draftRev : undefined, lib),
        );
        return lib;
      }
      const lib = await this.version(campaignId, version);
      if (lib.contentKey) await this.repo.setVersionKey(campaignId, version, lib.contentKey);
      return lib;
    }
    const { key, bundle, scripts } = fromDraft;
    const [lib] = await Promise.all([
      this.fromBundle(campaignId, version, key, decodeBundle(bundle), 'draft'),
      this.persist(campaignId, key, bundle),
    ]);
    await this.repo.setVersionKey(campaignId, version, key);
    this.buildSeconds.observe({ source: 'draft' }, (performance.now() - start) / 1000);
    this.cacheVersion(versionId(campaignId, version), Promise.resolve(lib));
    this.logger.log(`campaign ${campaignId}: version ${version} copied from the draft (${scripts} scripts)`);
    return lib;
  }

  /** Load `version` and make it current unless a newer one was announced meanwhile. */
  async activate(campaignId: string, version: number): Promise<LoadedLibrary> {
    const generation = this.generation;
    this.wanted.set(campaignId, version);
    const lib = await this.version(campaignId, version);
    if (generation !== this.generation) return lib;
    this.swapIn(campaignId, version, lib);
    const id = versionId(campaignId, version);
    // The graph was announced while the stand-in was still loading.
    const graphKey = this.graphKeys.get(id);
    if (graphKey !== undefined) void this.reloadUpgraded(campaignId, version, graphKey).catch(() => undefined);
    // A version just published by brute force: its graph build starts after the announcement.
    const upgrade = this.pendingUpgrades.get(id);
    this.pendingUpgrades.delete(id);
    if (upgrade) {
      setTimeout(() => {
        if (!this.closing) upgrade();
      }, GRAPH_BUILD_DELAY_MS).unref();
    }
    return this.current.get(campaignId) ?? lib;
  }

  /**
   * Make `lib` current when `version` is still the one wanted, unless the same version is already
   * served by its graph and `lib` is the brute-force stand-in (a slow first load finishing after the
   * upgrade). One Map entry is replaced: matches in flight finish on the library they took.
   */
  private swapIn(campaignId: string, version: number, lib: LoadedLibrary): void {
    const cur = this.current.get(campaignId);
    if (this.wanted.get(campaignId) !== version || cur === lib) return;
    if (cur?.version === version && cur.index.kind !== 'bruteforce' && lib.index.kind === 'bruteforce') return;
    this.current.set(campaignId, lib);
    this.swaps.inc({ campaign: campaignId });
    this.sizeGauge.set({ campaign: campaignId }, lib.index.size());
    this.logger.log(
      `campaign ${campaignId}: now matching against version ${version} (${lib.index.size()} scripts, ${lib.index.kind})`,
    );
  }

  /**
   * A large version published before any graph of it existed: its scripts and vectors with a
   * brute-force index, shared like any bundle (under its own key: the graph bundle of the same
   * scripts takes the plain one).
   */
  private async provisional(campaignId: string, version: number, scripts: Script[]): Promise<LoadedLibrary> {
    const byText = await this.vectorsFor(
      campaignId,
      scripts.map((s) => s.text),
    );
    const vectors = scripts.map((s) => byText.get(s.text) as Float32Array);
    const { dim, modelId } = this.embedder;
    const bytes = this.factory.bruteforceBytes(vectors, dim);
    const key = provisionalKey(bundleKey(modelId, dim, scripts));
    const bundle = encodeBundle({ kind: 'bruteforce', dim, modelId }, scripts, bytes);
    // The loaded index comes with its vectors packed in one array (what every other gateway holds).
    const [loaded] = await Promise.all([
      this.factory.fromBuffer('bruteforce', bytes, this.indexOptions(scripts.length)),
      this.persist(campaignId, key, bundle, PROVISIONAL_TTL_SECONDS),
    ]);
    await this.repo.setVersionKey(campaignId, version, key);
    this.logger.log(`campaign ${campaignId}: version ${version} served by brute force until its graph is built`);
    return this.assemble(campaignId, version, scripts, loaded.vectors, loaded.index, undefined, key);
  }

  /**
   * The HNSW graph of a version served by brute force, built off the request: with `draftRev` (the
   * import was taken here or the draft is held here), a copy of the draft index built or brought up
   * to date now, when it is at the staged revision; else
   * inserted from the version's vectors in slices that yield to the event loop. The graph bundle
   * becomes the version's bundle, this gateway swaps to it, and the new key is announced, so every
   * other gateway loads it and swaps again. One build per version and process.
   */
  private upgrade(
    campaignId: string,
    version: number,
    draftRev: number | undefined,
    stand: LoadedLibrary,
  ): Promise<void> {
    const id = versionId(campaignId, version);
    const running = this.upgrades.get(id);
    if (running) return running;
    const generation = this.generation;
    const task = (async () => {
      const start = performance.now();
      const fromDraft = draftRev === undefined ? undefined : await this.snapshotDraft(campaignId, draftRev, true);
      let lib: LoadedLibrary;
      if (fromDraft) {
        [lib] = await Promise.all([
          this.fromBundle(campaignId, version, fromDraft.key, decodeBundle(fromDraft.bundle), 'draft'),
          this.persist(campaignId, fromDraft.key, fromDraft.bundle),
        ]);
        this.buildSeconds.observe({ source: 'draft' }, (performance.now() - start) / 1000);
      } else {
        const scripts = stand.scripts.filter((s) => s !== undefined);
        const vectors = stand.scripts.flatMap((s, label) => (s ? [stand.vectors[label] as Float32Array] : []));
        lib = await this.fromVectors(campaignId, version, scripts, vectors, undefined, true);
      }
      const key = lib.contentKey as string;
      if (generation !== this.generation) return;
      await this.repo.setVersionKey(campaignId, version, key);
      this.adopt(campaignId, version, lib);
      await this.repo.announce(campaignId, version, key);
      this.logger.log(`campaign ${campaignId}: version ${version} graph ready (${fromDraft ? 'draft copy' : 'built'})`);
    })();
    this.upgrades.set(id, task);
    task
      .catch((err: Error) =>
        this.logger.error(`campaign ${campaignId}: graph of version ${version} failed: ${err.message}`),
      )
      .finally(() => this.upgrades.delete(id));
    return task;
  }

  /** A version's library replaced (its graph arrived): cached for `version`, swapped in when current. */
  private adopt(campaignId: string, version: number, lib: LoadedLibrary): void {
    this.cacheVersion(versionId(campaignId, version), Promise.resolve(lib));
    if (this.current.get(campaignId)?.version === version) this.swapIn(campaignId, version, lib);
  }

  /** The current version is served by brute force and its bundle changed (graph ready): load and swap. */
  private async reloadUpgraded(campaignId: string, version: number, key: string): Promise<void> {
    const id = versionId(campaignId, version);
    const cur = this.current.get(campaignId);
    if (cur?.version !== version) {
      // Still loading the stand-in (or not current here): `activate` comes back for this key.
      if (this.wanted.get(campaignId) === version) this.graphKeys.set(id, key);
      return;
    }
    this.graphKeys.delete(id);
    if (cur.index.kind !== 'bruteforce' || cur.contentKey === key) return;
    const running = this.graphLoads.get(id);
    if (running) return running;
    const generation = this.generation;
    const load = this.build(campaignId, version).then((lib) => {
      if (generation === this.generation) this.adopt(campaignId, version, lib);
    });
    this.graphLoads.set(id, load);
    try {
      await load;
    } finally {
      this.graphLoads.delete(id);
    }
  }

  private onAnnounce(message: string): void {
    let msg: PublishedMessage;
    try {
      msg = JSON.parse(message) as PublishedMessage;
    } catch {
      return;
    }
    if (typeof msg.campaignId !== 'string' || !Number.isInteger(msg.version)) return;
    if (typeof msg.key === 'string') {
      this.reloadUpgraded(msg.campaignId, msg.version, msg.key).catch((err: Error) =>
        this.logger.error(
          `campaign ${msg.campaignId}: loading the graph of version ${msg.version} failed: ${err.message}`,
        ),
      );
      return;
    }
    this.wanted.set(msg.campaignId, msg.version);
    this.activate(msg.campaignId, msg.version).catch((err: Error) =>
      this.logger.error(`campaign ${msg.campaignId}: loading version ${msg.version} failed: ${err.message}`),
    );
  }

  /** Align every campaign with its published pointer in Redis. */
  private async reconcile(): Promise<void> {
    try {
      const campaigns = await this.library.campaignsWithScripts();
      await Promise.all(
        campaigns.map(async (c) => {
          const v = await this.library.current(c);
          if (v !== undefined && this.current.get(c)?.version !== v) await this.activate(c, v);
          else if (v !== undefined) await this.reconcileStandIn(c, v);
        }),
      );
      this.startupError = undefined;
    } catch (err) {
      this.startupError = (err as Error).message;
      this.logger.warn(`reconcile failed: ${this.startupError}`);
    }
  }

  /**
   * A current version still served by brute force: load its graph when the key moved on (a lost
   * announcement), or build the graph here when none arrived within the grace period.
   */
  private async reconcileStandIn(campaignId: string, version: number): Promise<void> {
    const cur = this.current.get(campaignId);
    if (cur?.index.kind !== 'bruteforce') return;
    const key = await this.repo.versionKey(campaignId, version);
    if (key !== undefined && key !== cur.contentKey) await this.reloadUpgraded(campaignId, version, key);
    else if (performance.now() - cur.loadedAt > upgradeGraceMs(cur.index.size())) {
      void this.upgrade(campaignId, version, undefined, cur);
    }
  }

  /**
   * A published version: its bundle from INDEX_DIR or Redis when the publisher recorded one for this
   * embedder model (a load, no embedding), else built from the stored scripts and shared.
   */
  private async build(campaignId: string, version: number): Promise<LoadedLibrary> {
    const start = performance.now();
    const key = await this.repo.versionKey(campaignId, version);
    if (key !== undefined) {
      const file = this.bundleFile(campaignId, key);
      const local = await readFile(file).catch(() => undefined);
      const buf = local ?? (await this.repo.readArtifact(key));
      const bundle = buf ? tryDecode(buf) : undefined;
      if (bundle && bundle.header.modelId === this.embedder.modelId && bundle.header.dim === this.embedder.dim) {
        const lib = await this.fromBundle(campaignId, version, key, bundle, local ? 'file' : 'redis');
        // Cache for a restart, off the path to the swap.
        if (!local && buf) void writeAtomic(file, buf).catch(() => undefined);
        this.buildSeconds.observe({ source: local ? 'file' : 'redis' }, (performance.now() - start) / 1000);
        return lib;
      }
    }
    const { scripts } = await this.library.scriptsOf(campaignId, version);
    return this.fromScripts(
      campaignId,
      version,
      scripts.filter((s) => s.enabled),
      undefined,
      true,
    );
  }

  /**
   * Build the index of a set of scripts (label = position). Vectors come from `vectorsFor` (loaded
   * libraries, then the shared embedding cache); only texts never embedded are embedded. `persist`:
   * write the bundle to INDEX_DIR and Redis for the other gateways and the next restart.
   */
  async fromScripts(
    campaignId: string,
    version: number | 'draft',
    scripts: Script[],
    rev: number | undefined,
    persist: boolean,
  ): Promise<LoadedLibrary> {
    const start = performance.now();
    const known = await this.vectorsFor(
      campaignId,
      scripts.map((s) => s.text),
    );
    const vectors = scripts.map((s) => known.get(s.text) as Float32Array);
    return this.fromVectors(campaignId, version, scripts, vectors, rev, persist, start);
  }

  /**
   * Vectors of `texts`: from the campaign's libraries loaded here, else the shared embedding cache
   * in Redis (filled at import), else embedded now and cached. Nothing is embedded twice.
   */
  async vectorsFor(campaignId: string, texts: readonly string[]): Promise<Map<string, Float32Array>> {
    await this.warm();
    const { dim, modelId } = this.embedder;
    const known = this.knownVectors(campaignId);
    const out = new Map<string, Float32Array>();
    const missing: string[] = [];
    for (const t of new Set(texts)) {
      const v = known.get(t);
      if (v) out.set(t, v);
      else missing.push(t);
    }
    // Redis trouble only costs embedding time.
    const cached = await this.repo.readEmbeddings(modelId, missing).catch(() => []);
    const toEmbed: string[] = [];
    missing.forEach((t, i) => {
      const b = cached[i];
      if (b?.byteLength !== dim * 4) return void toEmbed.push(t);
      const v = new Float32Array(dim);
      new Uint8Array(v.buffer).set(b);
      out.set(t, v);
    });
    const fresh = await this.embed(toEmbed);
    toEmbed.forEach((t, i) => out.set(t, fresh[i]));
    await this.repo
      .writeEmbeddings(
        modelId,
        toEmbed.map((text, i) => ({ text, vector: fresh[i] })),
      )
      .catch((err: Error) => this.logger.warn(`embedding cache write failed: ${err.message}`));
    return out;
  }

  /** Index a set of scripts whose vectors are known (HNSW inserted in slices that yield). */
  private async fromVectors(
    campaignId: string,
    version: number | 'draft',
    scripts: Script[],
    vectors: Float32Array[],
    rev: number | undefined,
    persist: boolean,
    start = performance.now(),
  ): Promise<LoadedLibrary> {
    const dim = this.embedder.dim;
    const kind = scripts.length > EXACT_SEARCH_MAX ? 'hnsw' : 'exact';
    const index = this.factory.create(kind, this.indexOptions(scripts.length));
    for (const [label, v] of vectors.entries()) {
      index.upsert(label, v);
      await endOfSlice(index, label);
    }
    let contentKey: string | undefined;
    if (persist) {
      contentKey = bundleKey(this.embedder.modelId, dim, scripts);
      const bundle = encodeBundle(
        { kind, dim, modelId: this.embedder.modelId },
        scripts,
        await index.serialize(this.config.paths.indexes),
      );
      await this.persist(campaignId, contentKey, bundle);
    }
    // Draft builds apart from version builds: a publish that copied the draft shows no `built`.
    this.buildSeconds.observe({ source: persist ? 'built' : 'draft-built' }, (performance.now() - start) / 1000);
    return this.assemble(campaignId, version, scripts, vectors, index, rev, contentKey);
  }

  /** Load a decoded bundle: one JSON.parse for the scripts, the graph and vectors from the index bytes. */
  private async fromBundle(
    campaignId: string,
    version: number,
    key: string,
    bundle: LibraryBundle,
    source: string,
  ): Promise<LoadedLibrary> {
    const { index, vectors } = await this.factory.fromBuffer(bundle.header.kind, bundle.index, {
      ...this.indexOptions(bundle.scripts.length),
      dim: bundle.header.dim,
    });
    this.logger.debug(`campaign ${campaignId}: version ${version} loaded from ${source}`);
    return this.assemble(campaignId, version, bundle.scripts, vectors, index, undefined, key);
  }

  /**
   * The draft as a bundle when it is loaded here at exactly `rev` (what a staged version copied)
   * and its index kind suits its size; undefined otherwise (the caller builds from the version).
   * Runs inside the draft's refresh chain: the graph is not changed while it is being written.
   */
  private async snapshotDraft(
    campaignId: string,
    rev: number,
    build = false,
  ): Promise<{ key: string; bundle: Buffer; scripts: number } | undefined> {
    // An import just before: build the draft now instead of after the warm-up delay.
    const pending = this.warmTimers.get(campaignId);
    clearTimeout(pending);
    this.warmTimers.delete(campaignId);
    if (!pending && !build && !this.drafts.has(campaignId)) return undefined;
    // Bring the draft up to date first (incremental: edits since the editor's last preview).
    await this.draft(campaignId).catch(() => undefined);
    const prev = this.drafts.get(campaignId) as Promise<LoadedLibrary>;
    let out: { key: string; bundle: Buffer; scripts: number } | undefined;
    const next = (async () => {
      const d = await prev;
      const live = d.scripts.filter((s) => s !== undefined).length;
      const kind = live > EXACT_SEARCH_MAX ? 'hnsw' : 'exact';
      // Many holes (deleted drafts scripts) or the wrong kind: a fresh build is the better index.
      if (d.rev !== rev || d.index.kind !== kind || live < d.scripts.length * 0.75) return d;
      const scripts = d.scripts.map((s) => (s?.enabled ? s : undefined));
      const bundle = encodeBundle(
        { kind, dim: d.index.dim, modelId: d.modelId },
        scripts,
        await d.index.serialize(this.config.paths.indexes),
      );
      out = { key: bundleKey(d.modelId, d.index.dim, scripts), bundle, scripts: live };
      return d;
    })();
    this.drafts.set(campaignId, next);
    await next.catch(() => undefined);
    return out;
  }

  /** Vectors by text of the campaign's libraries loaded here (current, draft): nothing is embedded twice. */
  private knownVectors(campaignId: string): Map<string, Float32Array> {
    const known = new Map<string, Float32Array>();
    // Settled libraries only: a draft build runs inside the draft chain and must not wait on itself.
    for (const lib of [this.current.get(campaignId), this.settledDrafts.get(campaignId)]) {
      if (lib?.modelId !== this.embedder.modelId) continue;
      lib.scripts.forEach((s, label) => {
        const v = lib.vectors[label];
        if (s && v) known.set(s.text, v);
      });
    }
    // Embedded by this process's last import (same model: the embedder does not change at runtime).
    for (const [t, v] of this.importedVectors.get(campaignId) ?? []) known.set(t, v);
    return known;
  }

  private indexOptions(capacity: number): VectorIndexOptions {
    return {
      dim: this.embedder.dim,
      capacity: Math.max(16, capacity),
      ef: HNSW_DEFAULTS.ef,
      scratchDir: this.config.paths.indexes,
    };
  }

  private assemble(
    campaignId: string,
    version: number | 'draft',
    scripts: (Script | undefined)[],
    vectors: (Float32Array | undefined)[],
    index: VectorIndex,
    rev: number | undefined,
    contentKey: string | undefined,
  ): LoadedLibrary {
    const byId = new Map<string, number>();
    scripts.forEach((s, label) => s && byId.set(s.id, label));
    const modelId = this.embedder.modelId;
    return {
      campaignId,
      version,
      rev,
      modelId,
      contentKey,
      scripts,
      byId,
      vectors,
      index,
      loadedAt: performance.now(),
    };
  }

  private bundleFile(campaignId: string, key: string): string {
    return join(this.config.paths.indexes, safeName(campaignId), `${key}.bundle`);
  }

  /**
   * Write a bundle to Redis, which the other gateways load it from, and to INDEX_DIR (in parallel).
   * The file is only this gateway's cache for its next start, so failing to write it (a full or
   * read-only disk) is logged and does not fail the publish.
   */
  private async persist(campaignId: string, key: string, bundle: Buffer, ttlSeconds?: number): Promise<void> {
    await Promise.all([
      writeAtomic(this.bundleFile(campaignId, key), bundle).catch((err: unknown) =>
        this.logger.warn(`campaign ${campaignId}: index file cache not written: ${(err as Error).message}`),
      ),
      this.repo.writeArtifact(key, bundle, ttlSeconds),
    ]);
  }

  private async refreshDraft(base: LoadedLibrary, scripts: Script[], rev: number): Promise<LoadedLibrary> {
    const lib: LoadedLibrary = {
      ...base,
      rev,
      scripts: [...base.scripts],
      byId: new Map(base.byId),
      vectors: [...base.vectors],
    };
    const incoming = new Map(scripts.filter((s) => s.enabled).map((s) => [s.id, s]));
    for (const [id, label] of base.byId) {
      if (!incoming.has(id)) {
        lib.index.remove(label);
        lib.scripts[label] = undefined;
        lib.vectors[label] = undefined;
        lib.byId.delete(id);
      }
    }
    const toEmbed: Script[] = [];
    for (const s of incoming.values()) {
      const label = lib.byId.get(s.id);
      const old = label === undefined ? undefined : lib.scripts[label];
      if (old && old.text === s.text) lib.scripts[label as number] = s;
      else toEmbed.push(s);
    }
    const known = await this.vectorsFor(
      base.campaignId,
      toEmbed.map((s) => s.text),
    );
    for (const [i, s] of toEmbed.entries()) {
      let label = lib.byId.get(s.id);
      if (label === undefined) {
        label = lib.scripts.length;
        lib.byId.set(s.id, label);
      }
      const v = known.get(s.text) as Float32Array;
      lib.scripts[label] = s;
      lib.vectors[label] = v;
      lib.index.upsert(label, v);
      await endOfSlice(lib.index, i);
    }
    // NOTE: the draft index object is shared with the previous snapshot; drafts are for editors'
    // previews, where a match racing an edit may see either state.
    return lib;
  }
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * After every INSERTS_PER_SLICE-th insert (`i` counts from 0) into an HNSW graph, yield to the event
 * loop: hnswlib's addPoint is synchronous, and a 10k graph is seconds of CPU that must not stall matches.
 */
const endOfSlice = (index: VectorIndex, i: number): Promise<void> | undefined =>
  index.kind === 'hnsw' && i % INSERTS_PER_SLICE === INSERTS_PER_SLICE - 1
    ? new Promise((resolve) => setImmediate(resolve))
    : undefined;

function tryDecode(buf: Buffer): LibraryBundle | undefined {
  try {
    return decodeBundle(buf);
  } catch {
    return undefined;
  }
}

/**
 * Write through a temporary file and rename, so a reader never sees half a bundle. The temporary
 * name is unique per write: two publishes of the same library in one process write the same
 * bundle file at once, and with a per-process name one rename found the other's file gone.
 */
async function writeAtomic(file: string, data: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
