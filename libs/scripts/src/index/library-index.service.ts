import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HuashuException, MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { EMBEDDER, type Embedder } from '@huashu/embedding';
import { createRedis, waitReady, type RedisClient } from '@huashu/redis';
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
}

interface PublishedMessage {
  campaignId: string;
  version: number;
}

/**
 * Holds the published index of every campaign (and, on demand, the draft and explicit versions),
 * builds them from the store, persists them under INDEX_DIR keyed by the embedder model, and swaps
 * to a new version when a publish is announced on Redis pub/sub. A swap replaces one Map entry, so
 * a match that already took the old library finishes on it.
 */
@Injectable()
export class LibraryIndexService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ScriptIndex');
  private readonly current = new Map<string, LoadedLibrary>();
  /** Latest version announced per campaign; a slower load of an older one never overwrites it. */
  private readonly wanted = new Map<string, number>();
  private readonly versionCache = new Map<string, Promise<LoadedLibrary>>();
  private readonly drafts = new Map<string, Promise<LoadedLibrary>>();
  /** The last draft that finished loading per campaign (its vectors are reused by builds). */
  private readonly settledDrafts = new Map<string, LoadedLibrary>();
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
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.readiness.register({
      name: 'scriptIndex',
      check: () => Promise.resolve(this.status()),
    });
    this.library.onImported((c) => this.warmDraftSoon(c));
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
    const key = `${campaignId}\0${version}`;
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
      (lib) => this.settledDrafts.set(campaignId, lib),
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
   * gateway holds the draft at the revision the version was staged from (an editor previewed it),
   * the version is a copy of the draft index: nothing is embedded or inserted at publish time.
   * The bundle is written to Redis and INDEX_DIR and the version's content key recorded, so a
   * gateway that hears the announcement needs two GETs.
   */
  async prepare(campaignId: string, version: number, draftRev: number): Promise<LoadedLibrary> {
    const start = performance.now();
    const fromDraft = await this.snapshotDraft(campaignId, draftRev);
    if (!fromDraft) {
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
    this.cacheVersion(`${campaignId}\0${version}`, Promise.resolve(lib));
    this.logger.log(`campaign ${campaignId}: version ${version} copied from the draft (${scripts} scripts)`);
    return lib;
  }

  /** Load `version` and make it current unless a newer one was announced meanwhile. */
  async activate(campaignId: string, version: number): Promise<LoadedLibrary> {
    this.wanted.set(campaignId, version);
    const lib = await this.version(campaignId, version);
    if (this.wanted.get(campaignId) === version && this.current.get(campaignId) !== lib) {
      this.current.set(campaignId, lib);
      this.swaps.inc({ campaign: campaignId });
      this.sizeGauge.set({ campaign: campaignId }, lib.index.size());
      this.logger.log(`campaign ${campaignId}: now matching against version ${version} (${lib.index.size()} scripts)`);
    }
    return this.current.get(campaignId) ?? lib;
  }

  private onAnnounce(message: string): void {
    let msg: PublishedMessage;
    try {
      msg = JSON.parse(message) as PublishedMessage;
    } catch {
      return;
    }
    if (typeof msg.campaignId !== 'string' || !Number.isInteger(msg.version)) return;
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
        }),
      );
      this.startupError = undefined;
    } catch (err) {
      this.startupError = (err as Error).message;
      this.logger.warn(`reconcile failed: ${this.startupError}`);
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
   * Build the index of a set of scripts (label = position). Vectors of texts the campaign's loaded
   * libraries already hold are reused; only new texts are embedded. `persist`: write the bundle to
   * INDEX_DIR and Redis for the other gateways and the next restart.
   */
  async fromScripts(
    campaignId: string,
    version: number | 'draft',
    scripts: Script[],
    rev: number | undefined,
    persist: boolean,
  ): Promise<LoadedLibrary> {
    const start = performance.now();
    await this.warm();
    const dim = this.embedder.dim;
    const known = this.knownVectors(campaignId);
    const missing = [...new Set(scripts.map((s) => s.text).filter((t) => !known.has(t)))];
    const fresh = await this.embed(missing);
    missing.forEach((t, i) => known.set(t, fresh[i]));
    const vectors = scripts.map((s) => known.get(s.text) as Float32Array);
    const kind = scripts.length > EXACT_SEARCH_MAX ? 'hnsw' : 'exact';
    const index = this.factory.create(kind, this.indexOptions(scripts.length));
    for (const [label, v] of vectors.entries()) index.upsert(label, v);
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
  ): Promise<{ key: string; bundle: Buffer; scripts: number } | undefined> {
    // An import just before the publish: build the draft now instead of after the warm-up delay.
    const pending = this.warmTimers.get(campaignId);
    clearTimeout(pending);
    this.warmTimers.delete(campaignId);
    if (!pending && !this.drafts.has(campaignId)) return undefined;
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
    return { campaignId, version, rev, modelId: this.embedder.modelId, contentKey, scripts, byId, vectors, index };
  }

  private bundleFile(campaignId: string, key: string): string {
    return join(this.config.paths.indexes, safeName(campaignId), `${key}.bundle`);
  }

  /** Write a bundle to INDEX_DIR and Redis (in parallel). */
  private async persist(campaignId: string, key: string, bundle: Buffer): Promise<void> {
    await Promise.all([writeAtomic(this.bundleFile(campaignId, key), bundle), this.repo.writeArtifact(key, bundle)]);
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
    const vectors = await this.embed(toEmbed.map((s) => s.text));
    toEmbed.forEach((s, i) => {
      let label = lib.byId.get(s.id);
      if (label === undefined) {
        label = lib.scripts.length;
        lib.byId.set(s.id, label);
      }
      lib.scripts[label] = s;
      lib.vectors[label] = vectors[i];
      lib.index.upsert(label, vectors[i]);
    });
    // NOTE: the draft index object is shared with the previous snapshot; drafts are for editors'
    // previews, where a match racing an edit may see either state.
    return lib;
  }
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_');

function tryDecode(buf: Buffer): LibraryBundle | undefined {
  try {
    return decodeBundle(buf);
  } catch {
    return undefined;
  }
}

async function writeAtomic(file: string, data: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
