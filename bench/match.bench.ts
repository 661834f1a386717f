// Script matching benchmark. `npm run bench:match [-- --sizes 1000,100000,1000000 --skip-publish --skip-sample]`
// Sections (each merged into bench/results/match.json, so the slow 1M run can be done separately):
// - crossover: exact scan vs HNSW query time by library size (sets EXACT_SEARCH_MAX)
// - synthetic: clustered unit vectors at the encoder's dimension: build time, memory, query p50/p99,
//   recall@1/@10 against exact search, ef sweep at 100k
// - sample: real embeddings of the sample library; end-to-end match (embed + search + threshold) p50
//   through the real ScriptMatcherService
// - publishBreakdown: where a 10k publish without a prepared index spends its time (in process)
// - publish: a 10k-script publish on gateway process A, time until gateway process B matches on it,
//   right after a bulk import (cold rounds) and with A's draft index ready (warm rounds)
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Presets, SingleBar } from 'cli-progress';
import { loadConfig } from '@huashu/config';
import { createEmbedder } from '@huashu/embedding';
import { OpsModule } from '@huashu/ops';
import { createRedis, waitReady } from '@huashu/redis';
import {
  DefaultVectorIndexFactory,
  encodeBundle,
  decodeBundle,
  ExactVectorIndex,
  HNSW_DEFAULTS,
  HnswVectorIndex,
  parseRows,
  SCRIPT_MATCHER,
  ScriptsModule,
  type ScriptMatcherPort,
  type VectorIndex,
} from '@huashu/scripts';
import { deletePrefix } from '../test/support/redis-prefix.js';
import { percentile, writeResult } from './lib/results.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,100000' },
    queries: { type: 'string', default: '2000' },
    'truth-queries': { type: 'string', default: '200' },
    'publish-rounds': { type: 'string', default: '4' },
    'cold-rounds': { type: 'string', default: '4' },
    m: { type: 'string' },
    efs: { type: 'string' },
    'skip-crossover': { type: 'boolean', default: false },
    'skip-sample': { type: 'boolean', default: false },
    'skip-publish': { type: 'boolean', default: false },
    'ef-construction': { type: 'string' },
    'max-build-seconds': { type: 'string' },
  },
});

const RESULT_FILE = join(process.cwd(), 'bench', 'results', 'match.json');
const readPrevious = (): Record<string, unknown> =>
  existsSync(RESULT_FILE) ? (JSON.parse(readFileSync(RESULT_FILE, 'utf8')) as Record<string, unknown>) : {};
/** Sections measured by this run; everything else in the file is kept. */
const out: Record<string, unknown> = { synthetic: {} };
// Re-read before every write: the slow 1M tier may run beside another invocation (per-section merge).
const save = () => {
  const prev = readPrevious();
  writeResult('match', {
    crossover: prev.crossover,
    sample: prev.sample,
    publish: prev.publish,
    publishBreakdown: prev.publishBreakdown,
    ...out,
    synthetic: { ...(prev.synthetic ?? {}), ...(out.synthetic as object) },
    hnsw: { ...HNSW_DEFAULTS },
  });
};
const mb = (bytes: number) => +(bytes / 2 ** 20).toFixed(1);
const round = (x: number, d = 4) => +x.toFixed(d);

/** Seeded xorshift + Box-Muller, so every run measures the same vectors. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const u = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 1) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function normalise(v: Float32Array): Float32Array {
  let ss = 0;
  for (const x of v) ss += x * x;
  const inv = 1 / Math.sqrt(ss);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

/** Vectors packed in one Float32Array (1M × 256 floats is 1 GB: no per-vector objects). */
interface Packed {
  data: Float32Array;
  dim: number;
  n: number;
}
const row = (p: Packed, i: number): Float32Array => p.data.subarray(i * p.dim, (i + 1) * p.dim);

/**
 * Clustered unit vectors (script libraries are clusters of near-paraphrases, not uniform noise):
 * n/50 centres, points at cosine ≈ 0.86 to their centre; queries are points plus noise (≈ 0.93).
 */
function synthetic(n: number, dim: number, q: number, seed: number): { data: Packed; queries: Float32Array[] } {
  const g = gaussian(seed);
  const noisy = (out: Float32Array, base: Float32Array | undefined, scale: number) => {
    const s = scale / Math.sqrt(dim);
    for (let j = 0; j < dim; j++) out[j] = (base ? base[j] : 0) + g() * s;
    return normalise(out);
  };
  const centres = Array.from({ length: Math.max(10, Math.floor(n / 50)) }, () =>
    noisy(new Float32Array(dim), undefined, 1),
  );
  const data: Packed = { data: new Float32Array(n * dim), dim, n };
  for (let i = 0; i < n; i++) noisy(row(data, i), centres[i % centres.length], 0.6);
  const queries = Array.from({ length: q }, (_, i) => noisy(new Float32Array(dim), row(data, (i * 7919) % n), 0.4));
  return { data, queries };
}

/**
 * Wall-clock time of every query, and its CPU time (getrusage of this process): on a shared machine
 * the gap between the two is time the query spent preempted, not working.
 */
function timeQueries(
  index: VectorIndex,
  queries: Float32Array[],
  k: number,
): { p50: number; p99: number; p999: number; max: number; cpuP50: number; cpuP99: number; hits: number[][] } {
  const times: number[] = [];
  const cpu: number[] = [];
  const hits: number[][] = [];
  for (const qv of queries) {
    const c = process.cpuUsage();
    const t = performance.now();
    const r = index.search(qv, k);
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    hits.push(r.map((h) => h.label));
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    p50: round(percentile(times, 50), 4),
    p99: round(percentile(times, 99), 4),
    p999: round(percentile(times, 99.9), 4),
    max: round(times[times.length - 1], 4),
    cpuP50: round(percentile(cpu, 50), 3),
    cpuP99: round(percentile(cpu, 99), 3),
    hits,
  };
}

function recall(truth: number[][], got: number[][], k: number): number {
  let found = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = new Set(truth[i].slice(0, k));
    found += got[i].slice(0, k).filter((l) => t.has(l)).length;
  }
  return round(found / (truth.length * k));
}

function buildHnsw(
  data: Packed,
  label: string,
  opts: { efConstruction?: number; m?: number; maxMs?: number } = {},
): { index: HnswVectorIndex; ms: number; inserted: number } {
  const bar = new SingleBar(
    { format: `${label} {bar} {value}/{total} {percentage}% elapsed {duration_formatted} eta {eta_formatted}` },
    Presets.shades_classic,
  );
  bar.start(data.n, 0);
  const t = performance.now();
  const index = HnswVectorIndex.create({
    dim: data.dim,
    capacity: data.n,
    ...(opts.efConstruction ? { efConstruction: opts.efConstruction } : {}),
    ...(opts.m ? { m: opts.m } : {}),
  });
  const maxMs = opts.maxMs ?? Infinity;
  // The loop never yields, so the bar's own timer cannot print into a log file (a long tier runs
  // under nohup): a plain progress line every 30 s instead.
  let logAt = process.stderr.isTTY ? Infinity : t + 30_000;
  let inserted = 0;
  for (; inserted < data.n; inserted++) {
    index.upsert(inserted, row(data, inserted));
    if (inserted % 1000 === 0) {
      bar.update(inserted);
      const now = performance.now();
      if (now > logAt) {
        logAt = now + 30_000;
        const rate = inserted / ((now - t) / 1000);
        process.stderr.write(
          `${label}: ${inserted}/${data.n} in ${((now - t) / 1000).toFixed(0)} s (${rate.toFixed(0)}/s)\n`,
        );
      }
      // A time cap for the shared machine: stop and report how far the build got.
      if (performance.now() - t > maxMs) break;
    }
  }
  bar.update(inserted);
  bar.stop();
  return { index, ms: round(performance.now() - t, 1), inserted };
}

function crossover(dim: number): void {
  const rows = [];
  for (const n of [32, 64, 128, 256, 512, 1024, 2048, 4096]) {
    const { data, queries } = synthetic(n, dim, 300, n);
    const exact = new ExactVectorIndex(dim, n);
    for (let i = 0; i < n; i++) exact.upsert(i, row(data, i));
    const { index: hnsw } = buildHnsw(data, `crossover ${n}`);
    const e = timeQueries(exact, queries, 10);
    const h = timeQueries(hnsw, queries, 10);
    rows.push({ size: n, exactP50Ms: e.p50, hnswP50Ms: h.p50, hnswRecallAt10: recall(e.hits, h.hits, 10) });
  }
  const first = rows.find((r) => r.hnswP50Ms < r.exactP50Ms);
  out.crossover = { dim, k: 10, rows, hnswFasterFrom: first?.size ?? null };
  save();
}

/** Process memory (MB), after a full GC when node runs with --expose-gc. */
function memory(): { rss: number; heapUsed: number; external: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  // `external` includes `arrayBuffers` (the typed arrays holding the vectors).
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), external: mb(m.external) };
}

async function syntheticSize(n: number, dim: number, q: number, truthQueries: number): Promise<void> {
  const efConstruction = args['ef-construction'] ? Number(args['ef-construction']) : HNSW_DEFAULTS.efConstruction;
  const m = args.m ? Number(args.m) : HNSW_DEFAULTS.m;
  const memBefore = memory();
  const t = performance.now();
  const { data, queries } = synthetic(n, dim, q, 42);
  const generateMs = round(performance.now() - t, 1);
  const memData = memory();
  const defaultCap = n >= 1_000_000 ? 1500 : Infinity;
  const maxMs = (args['max-build-seconds'] ? Number(args['max-build-seconds']) : defaultCap) * 1000;
  const { index, ms, inserted } = buildHnsw(data, `hnsw ${n}`, { efConstruction, m, maxMs });
  const complete = inserted === n;
  const memIndex = memory();
  // hnswlib's own bytes: level-0 block (links, vector, label) per element + upper levels; the
  // serialised file is exactly that.
  const fileBytes = n <= 100_000 ? (await index.serialize()).byteLength : 0;
  // A capped build searches the points it holds; the exact truth is computed over the same points.
  const held: Packed = { ...data, n: inserted, data: data.data.subarray(0, inserted * dim) };
  const exact = ExactVectorIndex.fromPacked(held.data, dim);
  const truthBar = new SingleBar({ format: `exact truth ${n} {bar} {value}/{total}` }, Presets.shades_classic);
  truthBar.start(truthQueries, 0);
  const truthHits: number[][] = [];
  const exactTimes: number[] = [];
  for (const qv of queries.slice(0, truthQueries)) {
    const t0 = performance.now();
    truthHits.push(exact.search(qv, 10).map((h) => h.label));
    exactTimes.push(performance.now() - t0);
    truthBar.increment();
  }
  truthBar.stop();
  exactTimes.sort((a, b) => a - b);
  const efs: Record<string, unknown> = {};
  const efList = args.efs ? args.efs.split(',').map(Number) : n >= 100_000 ? [16, 32, 48, 64, 128] : [HNSW_DEFAULTS.ef];
  for (const ef of efList) {
    index.setEf(ef);
    // Warm-up (caches, JIT, first-touch of the graph pages), then every query timed.
    timeQueries(index, queries.slice(0, Math.min(500, q)), 10);
    const r = timeQueries(index, queries, 10);
    efs[ef] = {
      p50Ms: r.p50,
      p99Ms: r.p99,
      p999Ms: r.p999,
      maxMs: r.max,
      cpuP50Ms: r.cpuP50,
      cpuP99Ms: r.cpuP99,
      recallAt1: recall(truthHits, r.hits, 1),
      recallAt10: recall(truthHits, r.hits, 10),
    };
  }
  index.setEf(HNSW_DEFAULTS.ef);
  const dflt = (efs[HNSW_DEFAULTS.ef] ?? Object.values(efs)[0]) as Record<string, number>;
  (out.synthetic as Record<string, unknown>)[n] = {
    size: n,
    dim,
    queries: q,
    truthQueries,
    m,
    efConstruction,
    ef: HNSW_DEFAULTS.ef,
    generateMs,
    buildMs: ms,
    insertsPerSecond: round(inserted / (ms / 1000), 0),
    buildComplete: complete,
    ...(complete ? {} : { inserted, projectedBuildMs: round((ms * n) / inserted, 0) }),
    memoryMb: {
      vectors: round(memData.external - memBefore.external, 1),
      hnswIndex: round(memIndex.rss - memData.rss, 1),
      ...(fileBytes ? { hnswFile: mb(fileBytes) } : {}),
      rssAfterBuild: memIndex.rss,
    },
    loadAverage: loadavg().map((x) => round(x, 2)),
    queryP50Ms: dflt.p50Ms,
    queryP99Ms: dflt.p99Ms,
    recallAt1: dflt.recallAt1,
    recallAt10: dflt.recallAt10,
    exactP50Ms: round(percentile(exactTimes, 50), 3),
    efSweep: efs,
  };
  save();
}

async function sample(): Promise<void> {
  const prefix = `huashu-bench:${process.pid}:`;
  const indexDir = mkdtempSync(join(tmpdir(), 'huashu-bench-idx-'));
  const config = loadConfig({
    ...process.env,
    REDIS_KEY_PREFIX: prefix,
    SEED_SAMPLE_CAMPAIGN: 'true',
    INDEX_DIR: indexDir,
    LOG_LEVEL: 'warn',
  });
  // Raw embeddings: build + recall of HNSW vs exact on the real library.
  const embedder = createEmbedder(config);
  await embedder.load();
  const dir = join(config.paths.data, 'campaigns', 'default');
  const scripts = parseRows(readFileSync(join(dir, 'scripts.jsonl'), 'utf8')) as { text: string }[];
  const pairs = parseRows(readFileSync(join(dir, 'threshold-pairs.jsonl'), 'utf8')) as { text: string }[];
  let t = performance.now();
  const vectors = await embedder.embed(scripts.map((s) => s.text));
  const embedMs = performance.now() - t;
  const queries = await embedder.embed(pairs.map((p) => p.text));
  t = performance.now();
  const exact = new ExactVectorIndex(embedder.dim, vectors.length);
  vectors.forEach((v, i) => exact.upsert(i, v));
  const exactBuildMs = performance.now() - t;
  const packed: Packed = {
    data: new Float32Array(vectors.length * embedder.dim),
    dim: embedder.dim,
    n: vectors.length,
  };
  vectors.forEach((v, i) => packed.data.set(v, i * embedder.dim));
  const { index: hnsw, ms: hnswBuildMs } = buildHnsw(packed, 'sample');
  const e = timeQueries(exact, queries, 10);
  const h = timeQueries(hnsw, queries, 10);
  await embedder.close();

  // End to end through the real matcher (seeded sample campaign in Redis, published index).
  @Module({ imports: [OpsModule.forRoot(config, 'gateway'), ScriptsModule] })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  await app.init();
  const matcher = app.get<ScriptMatcherPort>(SCRIPT_MATCHER);
  const texts = pairs.map((p) => p.text);
  for (const text of texts) await matcher.match({ campaignId: 'default', text });
  const total: number[] = [];
  const searchOnly: number[] = [];
  const bar = new SingleBar({ format: 'end-to-end match {bar} {value}/{total}' }, Presets.shades_classic);
  const rounds = 20;
  bar.start(rounds * texts.length, 0);
  for (let r = 0; r < rounds; r++) {
    for (const [i, text] of texts.entries()) {
      let t0 = performance.now();
      await matcher.match({ campaignId: 'default', text });
      total.push(performance.now() - t0);
      t0 = performance.now();
      await matcher.match({ campaignId: 'default', vector: queries[i] });
      searchOnly.push(performance.now() - t0);
      bar.increment();
    }
  }
  bar.stop();
  await app.close();
  await deletePrefix(prefix, config.redis.url);
  rmSync(indexDir, { recursive: true, force: true });
  total.sort((a, b) => a - b);
  searchOnly.sort((a, b) => a - b);
  out.sample = {
    scripts: scripts.length,
    queries: texts.length,
    dim: vectors[0].length,
    embedAllMs: round(embedMs, 1),
    exactBuildMs: round(exactBuildMs, 3),
    hnswBuildMs,
    exactQueryP50Ms: e.p50,
    hnswQueryP50Ms: h.p50,
    hnswRecallAt1: recall(e.hits, h.hits, 1),
    hnswRecallAt10: recall(e.hits, h.hits, 10),
    endToEnd: {
      note: 'ScriptMatcherService.match with text (embed + search + threshold + fallback), published index, warm',
      samples: total.length,
      p50Ms: round(percentile(total, 50)),
      p99Ms: round(percentile(total, 99)),
      withoutEmbedP50Ms: round(percentile(searchOnly, 50)),
    },
  };
  save();
}

// Made-up words make every script's text distinct for the n-gram encoder (numbers alone are not).
const syllables = ['ka', 'lo', 'mi', 'nu', 'pe', 'ra', 'si', 'to', 'vu', 'ze', 'ba', 'do', 'fi', 'gu', 'he', 'jo'];
const word = (i: number) => [0, 4, 8, 12].map((shift) => syllables[(i >> shift) & 15]).join('');
const topics = ['fibre', 'price', 'install', 'router', 'contract', 'data', 'minutes', 'upgrade', 'store', 'bill'];
/** Text of synthetic script `i`; `series` gives every cold round texts no cache has seen. */
const scriptText = (i: number, series = 0) =>
  `Our ${word(i)} ${topics[i % 10]} offer with the ${word(i * 7919 + 1)} option${series ? ` ${word(series * 40503)}` : ''}.`;

/**
 * Where a publish of 10k scripts that nobody indexed yet spends its time, step by step in this
 * process with the real encoder, hnswlib and Redis: what the publish request did before (embed,
 * graph build, serialise) and what a receiving gateway does (GET, decode, load), against the
 * brute-force stand-in that replaces the graph build on the path to the first match.
 */
async function publishBreakdown(n: number): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const embedder = createEmbedder(config);
  await embedder.load();
  const dim = embedder.dim;
  const texts = Array.from({ length: n }, (_, i) => scriptText(i, 999));
  const scripts = texts.map((text, i) => ({
    id: `s-${i}`,
    campaignId: 'bench',
    text,
    tags: [],
    fallback: false,
    enabled: true,
    version: 1,
    updatedAt: new Date(0).toISOString(),
    updatedBy: 'bench',
  }));
  await embedder.embed(['warm-up']);
  const timed = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
    const t0 = performance.now();
    const r = await f();
    return [r, round(performance.now() - t0, 1)];
  };
  const [vectors, embedMs] = await timed(async () => {
    const all: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += 64) all.push(...(await embedder.embed(texts.slice(i, i + 64))));
    return all;
  });
  await embedder.close();
  const factory = new DefaultVectorIndexFactory();
  const opts = { dim, capacity: n };
  const [hnsw, hnswBuildMs] = await timed(() => {
    const index = HnswVectorIndex.create(opts);
    vectors.forEach((v, i) => index.upsert(i, v));
    return index;
  });
  const [hnswBytes, hnswSerializeMs] = await timed(() => hnsw.serialize());
  const [bfBytes, bfEncodeMs] = await timed(() => factory.bruteforceBytes(vectors, dim));
  const redis = createRedis(
    { ...config.redis, keyPrefix: `huashu-bench-bd:${process.pid}:` },
    { name: 'bench', prefixed: true },
  );
  await waitReady(redis, config.redis.connectTimeoutMs);
  const transfer = async (kind: 'hnsw' | 'bruteforce', bytes: Buffer) => {
    const [bundle, encodeMs] = await timed(() =>
      encodeBundle({ kind, dim, modelId: embedder.modelId }, scripts, bytes),
    );
    const [, setMs] = await timed(() => redis.set('bundle', bundle));
    const [got, getMs] = await timed(() => redis.getBuffer('bundle'));
    const [decoded, decodeMs] = await timed(() => decodeBundle(got as Buffer));
    const [loaded, loadMs] = await timed(() => factory.fromBuffer(kind, decoded.index, opts));
    return { bundleMb: mb(bundle.byteLength), encodeMs, setMs, getMs, decodeMs, loadMs, index: loaded.index };
  };
  const { index: hnswLoaded, ...hnswTransfer } = await transfer('hnsw', hnswBytes);
  const { index: bfLoaded, ...bfTransfer } = await transfer('bruteforce', bfBytes);
  await redis.del('bundle');
  await redis.quit();
  // Query cost of each index over the same 10k vectors (perturbed script vectors as queries).
  const queries: Float32Array[] = [];
  const g = gaussian(7);
  for (let i = 0; i < 500; i++) {
    const q = Float32Array.from(vectors[(i * 7919) % n], (x) => x + g() * (0.4 / Math.sqrt(dim)));
    queries.push(normalise(q));
  }
  const exact = ExactVectorIndex.fromPacked(packRows(vectors, dim), dim);
  const qExact = timeQueries(exact, queries, 10);
  const qBf = timeQueries(bfLoaded, queries, 10);
  const qHnsw = timeQueries(hnswLoaded, queries, 10);
  out.publishBreakdown = {
    scripts: n,
    dim,
    note: 'in process; the old publish request after an import = embed + hnswBuild + serialize + encode + SET; B = GET + decode + load',
    embedMs,
    hnswBuildMs,
    hnswSerializeMs,
    bruteforceEncodeMs: bfEncodeMs,
    hnswBundle: hnswTransfer,
    bruteforceBundle: bfTransfer,
    queryP50Ms: { exactJs: qExact.p50, bruteforceNative: qBf.p50, hnsw: qHnsw.p50 },
    queryP99Ms: { exactJs: qExact.p99, bruteforceNative: qBf.p99, hnsw: qHnsw.p99 },
    bruteforceRecallAt10VsExact: recall(qExact.hits, qBf.hits, 10),
    loadAverage: loadavg().map((x) => round(x, 2)),
  };
  save();
}

function packRows(rows: Float32Array[], dim: number): Float32Array {
  const data = new Float32Array(rows.length * dim);
  rows.forEach((v, i) => data.set(v, i * dim));
  return data;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function waitLive(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(`${url}/health/live`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** Sum and count of a Prometheus histogram by its `source` label, from a gateway's /metrics. */
async function loadSeconds(url: string): Promise<Record<string, { count: number; sumMs: number }>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const outp: Record<string, { count: number; sumMs: number }> = {};
  for (const m of text.matchAll(/^huashu_script_index_load_seconds_(sum|count)\{([^}]*)\} ([\d.e+-]+)$/gm)) {
    const source = /source="([\w-]+)"/.exec(m[2])?.[1];
    if (!source) continue;
    const e = (outp[source] ??= { count: 0, sumMs: 0 });
    if (m[1] === 'sum') e.sumMs = round(Number(m[3]) * 1000, 1);
    else e.count = Number(m[3]);
  }
  return outp;
}

/**
 * A 10k-script library published on gateway process A; timed from the publish request until gateway
 * process B (its own INDEX_DIR, as on another machine) answers a match with a script that exists only
 * in the new version. `cold` rounds: a fresh campaign, 10k texts no cache has seen imported on A and
 * published at once (A's draft index is not built yet: the version goes out with its vectors and a
 * brute-force index, the graph follows); also timed until B serves the graph. Then `warm` rounds of
 * +100 scripts on the first campaign, alternately previewed on the draft or published 3 s after the
 * import (A prepared the draft index in the background): the version is a copy of the draft index.
 */
async function publish(n: number, coldRounds: number, warmRounds: number): Promise<void> {
  const prefix = `huashu-bench-pub:${process.pid}:`;
  const key = 'bench-admin-key-0123456789';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const dirs = [mkdtempSync(join(tmpdir(), 'huashu-a-')), mkdtempSync(join(tmpdir(), 'huashu-b-'))];
  const ports = [await freePort(), await freePort()];
  const children: ChildProcess[] = ports.map((port, i) =>
    spawn(process.execPath, [join('dist', 'apps', 'gateway', 'src', 'main.js')], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_KEY_PREFIX: prefix,
        ADMIN_API_KEYS: `${key}:admin`,
        SEED_SAMPLE_CAMPAIGN: 'false',
        // Separate index directories: B cannot read A's files, as on another machine.
        INDEX_DIR: dirs[i],
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const [a, b] = ports.map((p) => `http://127.0.0.1:${p}`);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const importRows = async (from: number, to: number, mode: 'replace' | 'upsert', campaign = 'bench', series = 0) => {
    const jsonl = Array.from({ length: to - from }, (_, k) =>
      JSON.stringify({ id: `s-${from + k}`, text: scriptText(from + k, series) }),
    ).join('\n');
    const t0 = performance.now();
    const r = await fetch(`${a}/v1/admin/scripts/import?campaign=${campaign}&mode=${mode}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      body: jsonl,
    });
    if (!r.ok) throw new Error(`import failed: ${r.status} ${await r.text()}`);
    return round(performance.now() - t0, 1);
  };
  const match = async (url: string, text: string, version?: 'draft', campaign = 'bench') => {
    const r = await fetch(`${url}/v1/admin/scripts/match?campaign=${campaign}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text, k: 1, ...(version ? { version } : {}) }),
    });
    if (!r.ok) return undefined;
    const body = (await r.json()) as { version: number; matches: { scriptId: string; similarity: number }[] };
    return { version: body.version, top: body.matches[0]?.scriptId, similarity: body.matches[0]?.similarity };
  };
  /** The index kind gateway `url` serves `campaign` with (readiness), when at `version`. */
  const servedKind = async (url: string, campaign: string, version: number) => {
    const body = (await (await fetch(`${url}/health/ready`)).json()) as {
      info?: { scriptIndex?: { campaigns?: Record<string, { version: number; kind: string }> } };
      error?: { scriptIndex?: { campaigns?: Record<string, { version: number; kind: string }> } };
    };
    const c = (body.info ?? body.error)?.scriptIndex?.campaigns?.[campaign];
    return c?.version === version ? c.kind : undefined;
  };
  /** Publish on A, then poll B until it matches `probe` to `expected` in the new version. */
  const publishRound = async (probe: number, campaign = 'bench', series = 0) => {
    const t0 = performance.now();
    const pub = await fetch(`${a}/v1/admin/scripts/publish?campaign=${campaign}`, {
      method: 'POST',
      headers: { authorization: headers.authorization },
    });
    const publishRequestMs = round(performance.now() - t0, 1);
    if (!pub.ok) throw new Error(`publish failed: ${pub.status} ${await pub.text()}`);
    const { version } = (await pub.json()) as { version: number };
    let polls = 0;
    while (performance.now() - t0 < 120_000) {
      polls++;
      const m = await match(b, scriptText(probe, series), undefined, campaign);
      if (m?.version === version && m.top === `s-${probe}`) {
        const firstMatch = {
          kind: await servedKind(b, campaign, version),
          similarity: round(m.similarity ?? NaN, 5),
        };
        return {
          version,
          t0,
          publishRequestMs,
          publishToVisibleOnBMs: round(performance.now() - t0, 1),
          polls,
          firstMatch,
        };
      }
      await new Promise((r2) => setTimeout(r2, 2));
    }
    throw new Error(`version ${version} not visible on B within 120 s`);
  };
  /** After a cold publish: time until B serves the version by its HNSW graph, and the same match then. */
  const untilGraph = async (campaign: string, version: number, t0: number, probe: number, series: number) => {
    while (performance.now() - t0 < 300_000) {
      if ((await servedKind(b, campaign, version)) === 'hnsw') {
        const m = await match(b, scriptText(probe, series), undefined, campaign);
        return {
          publishToGraphOnBMs: round(performance.now() - t0, 1),
          graphMatch: { top: m?.top, similarity: round(m?.similarity ?? NaN, 5) },
        };
      }
      await new Promise((r2) => setTimeout(r2, 20));
    }
    throw new Error(`version ${version} of ${campaign} not served by a graph on B within 300 s`);
  };
  try {
    await Promise.all([waitLive(a, 60_000), waitLive(b, 60_000)]);
    const cold = [];
    let importMs = 0;
    for (let r = 0; r < coldRounds; r++) {
      // Round 0 is the campaign the warm rounds grow; the others are fresh campaigns with new texts.
      const campaign = r === 0 ? 'bench' : `bench-cold-${r}`;
      const series = r;
      const ms = await importRows(0, n, 'replace', campaign, series);
      if (r === 0) importMs = ms;
      const probe = n - 1 - r;
      const { t0, ...round0 } = await publishRound(probe, campaign, series);
      const graph = await untilGraph(campaign, round0.version, t0, probe, series);
      cold.push({ campaign, importMs: ms, ...round0, ...graph });
      // Let A's background draft build finish before the next round (a quiet start for each).
      await new Promise((r2) => setTimeout(r2, 1000));
    }
    const coldTimes = cold.map((c) => c.publishToVisibleOnBMs).sort((x, y) => x - y);
    const coldGraph = cold.map((c) => c.publishToGraphOnBMs).sort((x, y) => x - y);
    const bLoads = [await loadSeconds(b)];
    const warm = [];
    const added = 100;
    for (let r = 0; r < warmRounds; r++) {
      const from = n + r * added;
      const upsertMs = await importRows(from, from + added, 'upsert');
      const probe = from + added - 1;
      const t0 = performance.now();
      let prep: Record<string, unknown>;
      if (r % 2 === 0) {
        // The editor previews a new script on the draft (A's draft index is brought up to date).
        const preview = await match(a, scriptText(probe), 'draft');
        if (preview?.top !== `s-${probe}`) throw new Error(`draft preview missed: ${JSON.stringify(preview)}`);
        prep = { before: 'draft preview on A', draftPreviewMs: round(performance.now() - t0, 1) };
      } else {
        // No preview: A prepared its draft index in the background after the import.
        await new Promise((r2) => setTimeout(r2, 3000));
        prep = { before: 'no preview, publish 3 s after the import' };
      }
      const { t0: _t0, ...result } = await publishRound(probe);
      warm.push({ scripts: from + added, upsertMs, ...prep, ...result });
      bLoads.push(await loadSeconds(b));
    }
    const times = warm.map((w) => w.publishToVisibleOnBMs).sort((x, y) => x - y);
    out.publish = {
      scripts: n,
      importMs,
      note: 'publish request on gateway process A → first match of a script new in that version on gateway process B (own INDEX_DIR, polled every 2 ms)',
      cold,
      coldNote:
        'import of 10k new texts on A (embedded in the import request), publish at once: B matches the new script first by brute force (firstMatch.kind), then by the HNSW graph (publishToGraphOnBMs, graphMatch)',
      coldMedianMs: coldTimes.length ? percentile(coldTimes, 50) : null,
      coldMaxMs: coldTimes.at(-1) ?? null,
      coldGraphMedianMs: coldGraph.length ? percentile(coldGraph, 50) : null,
      gatewayALoadSeconds: await loadSeconds(a),
      warm,
      warmMedianMs: times.length ? percentile(times, 50) : null,
      warmMaxMs: times.at(-1) ?? null,
      gatewayBLoadSeconds: bLoads.at(-1),
      loadAverage: loadavg().map((x) => round(x, 2)),
    };
    save();
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await deletePrefix(prefix, redisUrl);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const embedder = createEmbedder(loadConfig());
  await embedder.load();
  const dim = embedder.dim;
  await embedder.close();
  const q = Number(args.queries);
  if (!args['skip-crossover']) crossover(dim);
  const truth = Number(args['truth-queries']);
  for (const n of args.sizes.split(',').filter(Boolean).map(Number)) {
    await syntheticSize(n, dim, n >= 1_000_000 ? Math.min(q, 1000) : q, n >= 1_000_000 ? Math.min(truth, 100) : truth);
  }
  if (!args['skip-sample']) await sample();
  if (!args['skip-publish']) {
    await publishBreakdown(10_000);
    await publish(10_000, Number(args['cold-rounds']), Number(args['publish-rounds']));
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\nwritten to ${RESULT_FILE}\n`);
  process.exit(0);
}

void main();
