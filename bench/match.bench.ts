// Script matching benchmark. `npm run bench:match [-- --sizes 1000,100000,1000000 --skip-publish --skip-sample]`
// Sections (each merged into bench/results/match.json, so the slow 1M run can be done separately):
// - crossover: exact scan vs HNSW query time by library size (sets EXACT_SEARCH_MAX)
// - synthetic: clustered unit vectors at the encoder's dimension: build time, memory, query p50/p99,
//   recall@1/@10 against exact search, ef sweep at 100k
// - sample: real embeddings of the sample library; end-to-end match (embed + search + threshold) p50
//   through the real ScriptMatcherService
// - publish: a 10k-script publish on gateway process A, time until gateway process B matches on it
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Presets, SingleBar } from 'cli-progress';
import { Redis } from 'ioredis';
import { loadConfig } from '@huashu/config';
import { createEmbedder } from '@huashu/embedding';
import { OpsModule } from '@huashu/ops';
import {
  ExactVectorIndex,
  HNSW_DEFAULTS,
  HnswVectorIndex,
  parseRows,
  SCRIPT_MATCHER,
  ScriptsModule,
  type ScriptMatcherPort,
  type VectorIndex,
} from '@huashu/scripts';
import { percentile, writeResult } from './lib/results.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,100000' },
    queries: { type: 'string', default: '200' },
    'skip-crossover': { type: 'boolean', default: false },
    'skip-sample': { type: 'boolean', default: false },
    'skip-publish': { type: 'boolean', default: false },
    'ef-construction': { type: 'string' },
    'max-build-seconds': { type: 'string' },
  },
});

const RESULT_FILE = join(process.cwd(), 'bench', 'results', 'match.json');
const previous: Record<string, unknown> = existsSync(RESULT_FILE)
  ? (JSON.parse(readFileSync(RESULT_FILE, 'utf8')) as Record<string, unknown>)
  : {};
const out: Record<string, unknown> = {
  crossover: previous.crossover,
  synthetic: { ...(previous.synthetic ?? {}) },
  sample: previous.sample,
  publish: previous.publish,
};
const save = () => writeResult('match', { ...out, hnsw: { ...HNSW_DEFAULTS } });
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

/**
 * Clustered unit vectors (script libraries are clusters of near-paraphrases, not uniform noise):
 * n/50 centres, points at cosine ≈ 0.86 to their centre; queries are points plus noise (≈ 0.93).
 */
function synthetic(n: number, dim: number, q: number, seed: number): { data: Float32Array[]; queries: Float32Array[] } {
  const g = gaussian(seed);
  const noisy = (base: Float32Array, scale: number) => {
    const v = new Float32Array(dim);
    const s = scale / Math.sqrt(dim);
    for (let j = 0; j < dim; j++) v[j] = base[j] + g() * s;
    return normalise(v);
  };
  const zero = new Float32Array(dim);
  const centres = Array.from({ length: Math.max(10, Math.floor(n / 50)) }, () => noisy(zero, 1));
  const data = Array.from({ length: n }, (_, i) => noisy(centres[i % centres.length], 0.6));
  const queries = Array.from({ length: q }, (_, i) => noisy(data[(i * 7919) % n], 0.4));
  return { data, queries };
}

function timeQueries(
  index: VectorIndex,
  queries: Float32Array[],
  k: number,
): { p50: number; p99: number; hits: number[][] } {
  const times: number[] = [];
  const hits: number[][] = [];
  for (const qv of queries) {
    const t = performance.now();
    const r = index.search(qv, k);
    times.push(performance.now() - t);
    hits.push(r.map((h) => h.label));
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50), 4), p99: round(percentile(times, 99), 4), hits };
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
  data: Float32Array[],
  dim: number,
  label: string,
  efConstruction?: number,
  maxMs = Infinity,
): { index: HnswVectorIndex; ms: number; inserted: number } {
  const bar = new SingleBar({ format: `${label} {bar} {value}/{total} {eta_formatted}` }, Presets.shades_classic);
  bar.start(data.length, 0);
  const t = performance.now();
  const index = HnswVectorIndex.create({ dim, capacity: data.length, ...(efConstruction ? { efConstruction } : {}) });
  let inserted = 0;
  for (; inserted < data.length; inserted++) {
    index.upsert(inserted, data[inserted]);
    if (inserted % 1000 === 0) {
      bar.update(inserted);
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
    data.forEach((v, i) => exact.upsert(i, v));
    const { index: hnsw } = buildHnsw(data, dim, `crossover ${n}`);
    const e = timeQueries(exact, queries, 10);
    const h = timeQueries(hnsw, queries, 10);
    rows.push({ size: n, exactP50Ms: e.p50, hnswP50Ms: h.p50, hnswRecallAt10: recall(e.hits, h.hits, 10) });
  }
  const first = rows.find((r) => r.hnswP50Ms < r.exactP50Ms);
  out.crossover = { dim, k: 10, rows, hnswFasterFrom: first?.size ?? null };
  save();
}

function syntheticSize(n: number, dim: number, q: number): void {
  const efC = args['ef-construction'] ? Number(args['ef-construction']) : undefined;
  const rssBefore = process.memoryUsage().rss;
  const { data, queries } = synthetic(n, dim, q, 42);
  const rssData = process.memoryUsage().rss;
  const maxMs = args['max-build-seconds'] ? Number(args['max-build-seconds']) * 1000 : Infinity;
  const { index, ms, inserted } = buildHnsw(data, dim, `hnsw ${n}`, efC, maxMs);
  const complete = inserted === n;
  // A capped build searches the points it holds; the exact truth is computed over the same points.
  if (!complete) data.length = inserted;
  const rssIndex = process.memoryUsage().rss;
  const exact = new ExactVectorIndex(dim, n);
  data.forEach((v, i) => exact.upsert(i, v));
  const truth = timeQueries(exact, queries, 10);
  const efs: Record<string, unknown> = {};
  for (const ef of n >= 100_000 ? [16, 32, 64, 128] : [HNSW_DEFAULTS.ef]) {
    index.setEf(ef);
    const r = timeQueries(index, queries, 10);
    efs[ef] = {
      p50Ms: r.p50,
      p99Ms: r.p99,
      recallAt1: recall(truth.hits, r.hits, 1),
      recallAt10: recall(truth.hits, r.hits, 10),
    };
  }
  index.setEf(HNSW_DEFAULTS.ef);
  const dflt = efs[HNSW_DEFAULTS.ef] as Record<string, number>;
  (out.synthetic as Record<string, unknown>)[n] = {
    size: n,
    dim,
    queries: q,
    m: HNSW_DEFAULTS.m,
    efConstruction: efC ?? HNSW_DEFAULTS.efConstruction,
    ef: HNSW_DEFAULTS.ef,
    buildMs: ms,
    buildComplete: complete,
    ...(complete ? {} : { inserted, projectedBuildMs: round((ms * n) / inserted, 0) }),
    memoryMb: {
      vectors: mb(rssData - rssBefore),
      hnswGraph: mb(rssIndex - rssData),
      rssAfter: mb(process.memoryUsage().rss),
    },
    queryP50Ms: dflt.p50Ms,
    queryP99Ms: dflt.p99Ms,
    recallAt1: dflt.recallAt1,
    recallAt10: dflt.recallAt10,
    exactP50Ms: truth.p50,
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
  const { index: hnsw, ms: hnswBuildMs } = buildHnsw(vectors, embedder.dim, 'sample');
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
  await deletePrefix(config.redis.url, prefix);
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

async function deletePrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
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

async function publish(n: number): Promise<void> {
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
  try {
    await Promise.all([waitLive(a, 60_000), waitLive(b, 60_000)]);
    const words = ['fibre', 'price', 'install', 'router', 'contract', 'data', 'minutes', 'upgrade', 'store', 'bill'];
    const jsonl = Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        id: `s-${i}`,
        text: `Script ${i}: our ${words[i % 10]} offer ${i % 97} with ${words[(i * 7) % 10]} option ${i % 13}.`,
      }),
    ).join('\n');
    let t = performance.now();
    const imp = await fetch(`${a}/v1/admin/scripts/import?campaign=bench&mode=replace`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      body: jsonl,
    });
    if (!imp.ok) throw new Error(`import failed: ${imp.status} ${await imp.text()}`);
    const importMs = performance.now() - t;
    // Listen to the announcement ourselves to time from the moment the version became current.
    const sub = new Redis(redisUrl);
    let announcedAt = 0;
    await sub.subscribe(`${prefix}scripts:published`);
    sub.on('message', () => (announcedAt = performance.now()));
    t = performance.now();
    const pub = await fetch(`${a}/v1/admin/scripts/publish?campaign=bench`, {
      method: 'POST',
      headers: { authorization: headers.authorization },
    });
    const publishRequestMs = performance.now() - t;
    if (!pub.ok) throw new Error(`publish failed: ${pub.status} ${await pub.text()}`);
    const { version } = (await pub.json()) as { version: number };
    let visibleAt = 0;
    let polls = 0;
    while (performance.now() - t < 60_000) {
      polls++;
      const r = await fetch(`${b}/v1/admin/scripts/match?campaign=bench`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ text: 'our fibre offer 5 with price option 5', k: 1 }),
      });
      if (r.ok && ((await r.json()) as { version: number }).version === version) {
        visibleAt = performance.now();
        break;
      }
      await new Promise((r2) => setTimeout(r2, 5));
    }
    await sub.quit();
    out.publish = {
      scripts: n,
      importMs: round(importMs, 1),
      publishRequestMs: round(publishRequestMs, 1),
      note: 'publish = stage version, embed + build HNSW on gateway A, share through Redis, announce; B loads',
      announcedToVisibleOnSecondGatewayMs: visibleAt && announcedAt ? round(visibleAt - announcedAt, 1) : null,
      publishStartToVisibleOnSecondGatewayMs: visibleAt ? round(visibleAt - t, 1) : null,
      polls,
    };
    save();
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await deletePrefix(redisUrl, prefix);
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
  for (const n of args.sizes.split(',').filter(Boolean).map(Number)) {
    syntheticSize(n, dim, n >= 1_000_000 ? Math.min(q, 100) : q);
  }
  if (!args['skip-sample']) await sample();
  if (!args['skip-publish']) await publish(10_000);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\nwritten to ${RESULT_FILE}\n`);
  process.exit(0);
}

void main();
