import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
import { VECTOR_INDEX_FACTORY, type VectorIndex, type VectorIndexFactory } from './vector-index.port.js';

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
/** How often a gateway re-checks the published pointers (covers a pub/sub message lost in a reconnect). */
const RECONCILE_INTERVAL_MS = 5000;

/** A library version loaded for matching: scripts by label, their vectors, the index. */
export interface LoadedLibrary {
  campaignId: string;
  version: number | 'draft';
  /** Draft revision the library reflects (draft only). */
  rev?: number;
  modelId: string;
  /** Hash of the embedder model and the texts: names the persisted vectors and graph. */
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

const sha = (s: string): string => createHash('sha1').update(s, 'utf8').digest('hex');

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
      help: 'Time to load (from file) or build a script index',
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
    let p = this.versionCache.get(key);
    if (!p) {
      p = this.build(campaignId, version);
      this.versionCache.set(key, p);
      p.catch(() => this.versionCache.delete(key));
      if (this.versionCache.size > VERSION_CACHE_SIZE) {
        this.versionCache.delete(this.versionCache.keys().next().value as string);
      }
    }
    return p;
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
      if (!base) return this.fromScripts(campaignId, 'draft', scripts, readRev, false);
      return this.refreshDraft(base, scripts, readRev ?? rev);
    })();
    this.drafts.set(campaignId, next);
    next.catch(() => {
      if (this.drafts.get(campaignId) === next) this.drafts.delete(campaignId);
    });
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
   * Build a staged version before it is announced (the publishing gateway does the embedding and
   * the graph build once and shares them through Redis, so every other gateway only loads).
   */
  async prepare(campaignId: string, version: number): Promise<LoadedLibrary> {
    const lib = await this.version(campaignId, version);
    if (lib.contentKey) await this.repo.setVersionKey(campaignId, version, lib.contentKey);
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

  private async build(campaignId: string, version: number): Promise<LoadedLibrary> {
    // The publisher records the content key of a version, so the scripts and the shared artifacts
    // (megabytes for a large library) are fetched at once instead of one after the other.
    const hint = await this.repo.versionKey(campaignId, version);
    const local =
      hint !== undefined && existsSync(join(this.config.paths.indexes, safeName(campaignId), `${hint}.vec`));
    const fetchArtifact = (suffix: string) =>
      hint !== undefined && !local ? this.repo.readArtifact(`${hint}:${suffix}`) : Promise.resolve(undefined);
    const [{ scripts }, vec, hnsw] = await Promise.all([
      this.library.scriptsOf(campaignId, version),
      fetchArtifact('vec'),
      fetchArtifact('hnsw'),
    ]);
    const prefetched = hint === undefined ? undefined : { key: hint, vec, hnsw };
    return this.fromScripts(
      campaignId,
      version,
      scripts.filter((s) => s.enabled),
      undefined,
      true,
      prefetched,
    );
  }

  /** Build (or load from INDEX_DIR) the index of a set of scripts; label = position. */
  async fromScripts(
    campaignId: string,
    version: number | 'draft',
    scripts: Script[],
    rev: number | undefined,
    persist: boolean,
    prefetched?: { key: string; vec?: Buffer; hnsw?: Buffer },
  ): Promise<LoadedLibrary> {
    const start = performance.now();
    await this.warm();
    const texts = scripts.map((s) => s.text);
    const dim = this.embedder.dim;
    const key = sha(`${this.embedder.modelId}\0${dim}\0${texts.join('\0')}`).slice(0, 32);
    const pre = prefetched?.key === key ? prefetched : undefined;
    const artifact = async (suffix: 'vec' | 'hnsw') =>
      (pre ? pre[suffix] : undefined) ?? (await this.repo.readArtifact(`${key}:${suffix}`));
    const dir = join(this.config.paths.indexes, safeName(campaignId));
    const vecFile = join(dir, `${key}.vec`);
    const hnswFile = join(dir, `${key}.hnsw`);
    let source = 'built';
    let vectors = persist ? await readVectors(vecFile, scripts.length, dim) : undefined;
    if (vectors) source = 'file';
    else if (persist) {
      const shared = await artifact('vec');
      vectors = shared ? unpackVectors(shared, scripts.length, dim) : undefined;
      if (vectors) {
        source = 'redis';
        await writeAtomic(vecFile, shared as Buffer, dir);
      }
    }
    if (!vectors) {
      vectors = await this.embed(texts);
      if (persist) {
        const packed = packVectors(vectors, dim);
        await writeAtomic(vecFile, packed, dir);
        await this.repo.writeArtifact(`${key}:vec`, packed);
      }
    }
    const kind = scripts.length > EXACT_SEARCH_MAX ? 'hnsw' : 'exact';
    const opts = { dim, capacity: Math.max(16, scripts.length), ef: HNSW_DEFAULTS.ef };
    let index: VectorIndex | undefined;
    if (kind === 'hnsw' && persist) {
      if (!existsSync(hnswFile)) {
        const shared = await artifact('hnsw');
        if (shared) await writeAtomic(hnswFile, shared, dir);
      }
      if (existsSync(hnswFile)) index = await this.factory.load(hnswFile, opts);
    }
    if (!index) {
      index = this.factory.create(kind, opts);
      for (const [label, v] of vectors.entries()) index.upsert(label, v);
      if (kind === 'hnsw' && persist) {
        await mkdir(dir, { recursive: true });
        const tmp = `${hnswFile}.${process.pid}.tmp`;
        await index.save(tmp);
        await this.repo.writeArtifact(`${key}:hnsw`, await readFile(tmp));
        await rename(tmp, hnswFile);
      }
    }
    this.buildSeconds.observe({ source }, (performance.now() - start) / 1000);
    return {
      campaignId,
      version,
      rev,
      modelId: this.embedder.modelId,
      contentKey: key,
      scripts: [...scripts],
      byId: new Map(scripts.map((s, i) => [s.id, i])),
      vectors,
      index,
    };
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

function packVectors(vectors: Float32Array[], dim: number): Buffer {
  const out = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => out.set(v, i * dim));
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function unpackVectors(buf: Buffer, n: number, dim: number): Float32Array[] | undefined {
  if (buf.byteLength !== n * dim * 4) return undefined;
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return Array.from({ length: n }, (_, i) => all.subarray(i * dim, (i + 1) * dim));
}

async function readVectors(file: string, n: number, dim: number): Promise<Float32Array[] | undefined> {
  try {
    return unpackVectors(await readFile(file), n, dim);
  } catch {
    return undefined;
  }
}

async function writeAtomic(file: string, data: Buffer, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
