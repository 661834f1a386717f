// `npm run bench:generator` → bench/results/generator.json
// Orchestration overhead on top of a backend that answers in a fixed time. Three processes: the
// OpenAI-compatible test server (fixed latency) in a child process, the real apps/worker in another, and
// this one as the gateway side. Every round sends, in a new random order, a raw request of each kind (plain
// fetch, JSON and SSE) and the same request through the in-process provider and through the queue
// (facade → BullMQ → worker → provider → reply); overhead = orchestrated − raw of the same kind and round.
// Each round also sends a second raw request of each kind: its paired difference from the first is what
// the method reports when there is no overhead at all (the noise floor of a paired p99 on this machine).
// Besides the paired figures, the difference of the distributions (percentile of orchestrated − the same
// percentile of raw) is reported, and, per in-process call, the time around its own HTTP exchange (undici's
// diagnostics channels: request created → last byte), which has no pairing noise. Plus the offline retrieval provider's own latency with the built-in embedder.
// BENCH_N rounds (default 1000); BENCH_PROFILE=<dir> writes --cpu-prof profiles of this process and the worker;
// BENCH_BASELINE=<root of another built checkout> adds that checkout's provider and queue (its own worker
// process and key prefix) to the same rounds, for a paired old-vs-new comparison.
import 'reflect-metadata';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from 'node:inspector/promises';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { loadConfig, type AppConfig } from '@huashu/config';
import { bullConnection, bullPrefix, createRedis } from '@huashu/redis';
import { createEmbedder } from '@huashu/embedding';
import {
  GENERATION_QUEUE,
  GenerationQueueFacade,
  GeneratorMetrics,
  OpenAiCompatibleProvider,
  RetrievalProvider,
  loadDialogueCorpus,
  seededRandom,
  type ChatMessage,
  type GenerateRequest,
  type GenerationJobData,
  type GenerationJobResult,
  type Generator,
} from '@huashu/generator';
import { deletePrefix } from '../test/support/redis-prefix.js';
import { summarise, writeResult } from './lib/results.js';

const FIXED_MS = 20;
const N = Number(process.env.BENCH_N ?? 1000);
const WARMUP = 50;
const PROFILE_DIR = process.env.BENCH_PROFILE;
const BASELINE = process.env.BENCH_BASELINE;
const REPLY = '您好，标准套餐每月九十九元，包含千兆宽带和两张副卡。需要我把资费详情发给您吗？';
const CHUNK_CHARS = 4;
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are a polite sales agent.' },
  { role: 'user', content: '这个套餐一个月多少钱？' },
];

/**
 * Progress on stderr, written between calls only: a progress bar redrawn by its own timer writes to the
 * terminal in the middle of whichever call is being timed.
 */
function progress(label: string, total: number) {
  let done = 0;
  const show = () => process.stderr.write(`\r${label.padEnd(26)} ${done}/${total}`);
  show();
  return {
    increment: () => {
      if (++done % 50 === 0) show();
    },
    stop: () => {
      show();
      process.stderr.write('\n');
    },
  };
}

async function measure(label: string, n: number, call: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await call();
  const bar = progress(label, n);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    out.push(performance.now() - t);
    bar.increment();
  }
  bar.stop();
  return out;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The V8 flags the gateway and worker run with in production (scripts/start.mjs, Dockerfile, compose). */
const NODE_FLAGS = ['--max-semi-space-size=64'];

const profileArgs = (name: string) =>
  PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', `${name}.cpuprofile`] : [];

/** The fixed-latency OpenAI-compatible backend in its own process. */
async function startBackend(): Promise<{ child: ChildProcess; baseUrl: string }> {
  const child = fork(
    fileURLToPath(new URL('./support/fixed-latency-backend.js', import.meta.url)),
    [JSON.stringify({ delayMs: FIXED_MS, text: REPLY, chunkChars: CHUNK_CHARS })],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { baseUrl: string }).baseUrl));
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}`)));
  });
  return { child, baseUrl };
}

/** The real apps/worker (built) as its own process, configured from the environment like in production. */
function startWorker(
  env: Record<string, string>,
  main = fileURLToPath(new URL('../apps/worker/src/main.js', import.meta.url)),
  name = 'worker',
): ChildProcess {
  const child = spawn(process.execPath, [...NODE_FLAGS, ...profileArgs(name), main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // Not left running when the benchmark fails.
  process.once('exit', () => child.kill('SIGTERM'));
  return child;
}

const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** Provider, queue facade and worker process of another built checkout (BENCH_BASELINE), on their own prefix. */
async function startBaseline(root: string, baseUrl: string, env: Record<string, string>) {
  const lib = (await import(join(root, 'dist/libs/generator/src/index.js'))) as typeof import('@huashu/generator');
  const prefix = `huashu-bench:generator-baseline:${process.pid}:`;
  const baseEnv = { ...env, REDIS_KEY_PREFIX: prefix };
  const config = loadConfig(baseEnv);
  const worker = startWorker(baseEnv, join(root, 'dist/apps/worker/src/main.js'), 'worker-baseline');
  const metrics = new lib.GeneratorMetrics(new Registry());
  const provider = new lib.OpenAiCompatibleProvider({ baseUrl, model: 'bench-model', backend: 'vllm' }, metrics);
  const queue = new Queue<GenerationJobData, GenerationJobResult>(GENERATION_QUEUE.name, {
    connection: bullConnection(config.redis),
    prefix: bullPrefix(config.redis.keyPrefix),
  });
  const redis = createRedis(config.redis, { name: 'bench-baseline', prefixed: true });
  const facade = new lib.GenerationQueueFacade(queue, config, redis, metrics);
  await facade.onModuleInit();
  return {
    provider: provider as Generator,
    facade: facade as Generator,
    workerPid: worker.pid!,
    stop: async () => {
      facade.onModuleDestroy();
      await queue.close();
      redis.disconnect();
      await stopChild(worker);
      await deletePrefix(prefix);
    },
  };
}

async function main(): Promise<void> {
  const backend = await startBackend();
  const prefix = `huashu-bench:generator:${process.pid}:`;
  const env = {
    REDIS_KEY_PREFIX: prefix,
    GENERATOR_PROVIDER: 'openai',
    GENERATOR_MODE: 'queue',
    LLM_BASE_URL: backend.baseUrl,
    LLM_MODEL: 'bench-model',
    LLM_BACKEND: 'vllm',
    GENERATION_CONCURRENCY: '8',
    GENERATION_RATE_MAX: '100000',
    LOG_LEVEL: 'silent',
    WORKER_PORT: '0',
    SEED_SAMPLE_CAMPAIGN: 'false',
  };
  const config: AppConfig = loadConfig(env);
  const worker = startWorker(env);
  const metrics = new GeneratorMetrics(new Registry());

  // Raw baselines: the same requests with plain fetch (keep-alive, like the SDK), JSON and SSE.
  const rawBody = (stream: boolean) => JSON.stringify({ model: 'bench-model', messages, temperature: 0.7, stream });
  const jsonBody = rawBody(false);
  const sseBody = rawBody(true);
  const rawJson = async () => {
    const r = await fetch(`${backend.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: jsonBody,
    });
    await r.json();
  };
  const rawSse = async () => {
    const r = await fetch(`${backend.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sseBody,
    });
    const text = await r.text();
    if (!text.endsWith('data: [DONE]\n\n')) throw new Error('raw SSE stream incomplete');
  };
  const provider = new OpenAiCompatibleProvider(
    { baseUrl: backend.baseUrl, model: 'bench-model', backend: 'vllm' },
    metrics,
  );
  const queue = new Queue<GenerationJobData, GenerationJobResult>(GENERATION_QUEUE.name, {
    connection: bullConnection(config.redis),
    prefix: bullPrefix(config.redis.keyPrefix),
  });
  const redis = createRedis(config.redis, { name: 'bench', prefixed: true });
  const facade = new GenerationQueueFacade(queue, config, redis, metrics);
  await facade.onModuleInit();
  const baseline = BASELINE ? await startBaseline(BASELINE, backend.baseUrl, env) : undefined;

  const request = (): GenerateRequest => ({ messages, params: { temperature: 0.7 }, deadlineMs: 2000 });
  // The provider's own latency as it reports it (for the queue: measured in the worker), to split the
  // queue's overhead into transport (enqueue, pick-up, reply) and the provider's share.
  const providerMs: Record<string, number[]> = {
    inProcessJson: [],
    queueJson: [],
    baselineInProcessJson: [],
    baselineQueueJson: [],
  };
  let recording = false;
  const generate = (g: Generator, name: keyof typeof providerMs) => async () => {
    const r = await g.generate(request());
    if (r.text !== REPLY) throw new Error(`unexpected reply ${r.text}`);
    if (recording) providerMs[name].push(r.latencyMs);
  };
  const stream = (g: Generator) => async () => {
    let text = '';
    for await (const c of g.stream(request())) if (c.type === 'text') text += c.text;
    if (text !== REPLY) throw new Error(`unexpected streamed reply ${text}`);
  };
  const modes: { name: string; call: () => Promise<unknown> }[] = [
    { name: 'rawJson', call: rawJson },
    { name: 'inProcessJson', call: generate(provider, 'inProcessJson') },
    { name: 'queueJson', call: generate(facade, 'queueJson') },
    { name: 'rawSse', call: rawSse },
    { name: 'inProcessStream', call: stream(provider) },
    { name: 'queueStream', call: stream(facade) },
    { name: 'rawJsonB', call: rawJson },
    { name: 'rawSseB', call: rawSse },
  ];
  if (baseline)
    modes.push(
      { name: 'baselineInProcessJson', call: generate(baseline.provider, 'baselineInProcessJson') },
      { name: 'baselineQueueJson', call: generate(baseline.facade, 'baselineQueueJson') },
      { name: 'baselineInProcessStream', call: stream(baseline.provider) },
      { name: 'baselineQueueStream', call: stream(baseline.facade) },
    );
  const byName = (name: string) => modes.findIndex((m) => m.name === name);

  // The workers are up once they answer; warm-up also warms the JIT, sockets and Redis connections.
  const upBy = Date.now() + 60_000;
  for (const name of ['queueJson', ...(baseline ? ['baselineQueueJson'] : [])])
    for (;;) {
      try {
        await modes[byName(name)].call();
        break;
      } catch (err) {
        if (Date.now() > upBy) throw err;
      }
    }
  for (let i = 0; i < WARMUP; i++) for (const m of modes) await m.call();

  const session = PROFILE_DIR ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const times: number[][] = modes.map(() => []);
  // Each in-process call's own HTTP exchange as undici (Node's fetch, which the openai SDK uses) sees it:
  // from the request's creation in the dispatcher to its last byte. One call is in flight at a time, so
  // call − exchange is what the client side adds around that very request, without the pairing noise.
  const exchanges: number[][] = modes.map(() => []);
  let exchangeStart = NaN;
  let exchangeMs = NaN;
  const onCreate = () => (exchangeStart = performance.now());
  const onTrailers = () => (exchangeMs = performance.now() - exchangeStart);
  diagnostics.subscribe('undici:request:create', onCreate);
  diagnostics.subscribe('undici:request:trailers', onTrailers);
  const cpuUs = modes.map(() => 0);
  const cpu0 = {
    worker: processCpuMs(worker.pid!),
    backend: processCpuMs(backend.child.pid!),
    baselineWorker: baseline ? processCpuMs(baseline.workerPid) : 0,
  };
  const load0 = loadavg()[0];
  const bar = progress('generator overhead', N);
  recording = true;
  // A new order every round (seeded shuffle) so machine load and periodic work hit every mode alike, and
  // no mode always follows the same one: a rotation of a fixed sequence put the queue calls' after-work
  // (BullMQ's completion in the worker and Redis) always on the same successor, e.g. raw SSE after queue JSON.
  const random = seededRandom(20261129);
  const order = modes.map((_, k) => k);
  for (let i = 0; i < N; i++) {
    for (let k = order.length - 1; k > 0; k--) {
      const r = Math.floor(random() * (k + 1));
      [order[k], order[r]] = [order[r], order[k]];
    }
    for (const m of order) {
      const c0 = process.cpuUsage();
      exchangeMs = NaN;
      const t = performance.now();
      await modes[m].call();
      times[m].push(performance.now() - t);
      exchanges[m].push(exchangeMs);
      const c = process.cpuUsage(c0);
      cpuUs[m] += c.user + c.system;
    }
    bar.increment();
  }
  bar.stop();
  diagnostics.unsubscribe('undici:request:create', onCreate);
  diagnostics.unsubscribe('undici:request:trailers', onTrailers);
  const cpu1 = {
    worker: processCpuMs(worker.pid!),
    backend: processCpuMs(backend.child.pid!),
    baselineWorker: baseline ? processCpuMs(baseline.workerPid) : 0,
  };
  const load1 = loadavg()[0];
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(PROFILE_DIR!, { recursive: true });
    writeFileSync(join(PROFILE_DIR!, 'gateway-side.cpuprofile'), JSON.stringify(profile));
    session.disconnect();
  }
  const t = (name: string) => times[byName(name)];
  /** Call − its own HTTP exchange, per call (modes whose HTTP request is made in this process). */
  const aroundExchange = (name: string) => summarise(t(name).map((x, i) => x - exchanges[byName(name)][i]));
  const [rawJsonT, inJsonT, qJsonT, rawSseT, inSseT, qSseT] = times;
  facade.onModuleDestroy();
  await queue.close();
  redis.disconnect();
  await baseline?.stop();
  await stopChild(worker);
  await stopChild(backend.child);
  await deletePrefix(prefix);

  // Offline retrieval provider with the built-in embedder (what `npm start` uses).
  const embedConfig = loadConfig({ LOG_LEVEL: 'silent' });
  const embedder = createEmbedder(embedConfig);
  await embedder.load();
  const pairs = await loadDialogueCorpus(join(embedConfig.paths.data, 'dialogues'));
  const retrieval = new RetrievalProvider(embedder, pairs);
  await retrieval.init();
  const utterances = [
    '这个多少钱？',
    'How much is it per month?',
    '太贵了',
    'Is this a scam?',
    '好的，发给我吧',
    'Sign me up.',
    '有什么优惠吗？',
    'What is included?',
  ];
  let k = 0;
  const offline = await measure('offline retrieval', N, () =>
    retrieval.generate({
      messages: [{ role: 'user', content: `${utterances[k++ % utterances.length]}${k % 50}` }],
      params: { temperature: 0.7, top_p: 0.9, seed: k },
      deadlineMs: 1000,
    }),
  );
  const offlineCached = await measure('offline retrieval (cached)', N, () =>
    retrieval.generate({
      messages: [{ role: 'user', content: utterances[k++ % utterances.length] }],
      params: { temperature: 0.7, top_p: 0.9, seed: k },
      deadlineMs: 1000,
    }),
  );
  // Retrieval quality, leave-one-out: each pair's customer turn against every other pair of its language;
  // the nearest one's intent should be the pair's own (what the offline provider's greedy answer rests on).
  const vecs = await embedder.embed(pairs.map((p) => p.customer));
  let agree = 0;
  const perIntent: Record<string, { n: number; agree: number }> = {};
  pairs.forEach((p, i) => {
    let best = -1;
    let bestScore = -Infinity;
    pairs.forEach((q, j) => {
      if (j === i || q.lang !== p.lang) return;
      let d = 0;
      for (let x = 0; x < vecs[i].length; x++) d += vecs[i][x] * vecs[j][x];
      if (d > bestScore) [best, bestScore] = [j, d];
    });
    const ok = pairs[best].intent === p.intent;
    agree += ok ? 1 : 0;
    perIntent[p.intent] ??= { n: 0, agree: 0 };
    perIntent[p.intent].n++;
    perIntent[p.intent].agree += ok ? 1 : 0;
  });
  await embedder.close();

  const minus = (xs: number[]) => xs.map((x) => x - FIXED_MS);
  const paired = (xs: number[], raw: number[]) => summarise(xs.map((x, i) => x - raw[i]));
  /** Percentile of the orchestrated latencies − the same percentile of the raw ones (no pairing). */
  const ofDistributions = (xs: number[], raw: number[]) => {
    const [a, b] = [summarise(xs), summarise(raw)];
    return { p50: +(a.p50 - b.p50).toFixed(3), p90: +(a.p90 - b.p90).toFixed(3), p99: +(a.p99 - b.p99).toFixed(3) };
  };
  const result = {
    fixedBackendLatencyMs: FIXED_MS,
    loadAverage1m: { before: +load0.toFixed(2), after: +load1.toFixed(2) },
    rounds: N,
    warmupRounds: WARMUP,
    reply: { chars: REPLY.length, sseChunks: Math.ceil(REPLY.length / CHUNK_CHARS) },
    method:
      'Processes: fixed-latency OpenAI-compatible server (child), apps/worker (child), this process (gateway side). ' +
      'Each round runs its sequential calls in a new seeded-random order: raw fetch JSON, provider.generate, queue facade ' +
      'generate, raw fetch SSE (read to [DONE]), provider.stream, queue facade stream (read to the end), a second raw ' +
      "JSON and SSE fetch (and the BENCH_BASELINE checkout's four calls when set). " +
      'Overhead = call − raw call of the same kind in the same round (paired); raw* = raw latency − fixed latency. ' +
      'Each round also sends a second raw request of each kind (rawJsonB, rawSseB); its paired difference from the first ' +
      '(noiseFloorMs) is what the paired method reports for zero overhead. overheadOfDistributionsMs = percentile of the ' +
      'call − the same percentile of its raw kind.',
    overheadMs: {
      inProcessJson: paired(inJsonT, rawJsonT),
      queueJson: paired(qJsonT, rawJsonT),
      inProcessStream: paired(inSseT, rawSseT),
      queueStream: paired(qSseT, rawSseT),
    },
    noiseFloorMs: {
      rawJsonBMinusRawJson: paired(t('rawJsonB'), rawJsonT),
      rawSseBMinusRawSse: paired(t('rawSseB'), rawSseT),
    },
    overheadOfDistributionsMs: {
      inProcessJson: ofDistributions(inJsonT, rawJsonT),
      queueJson: ofDistributions(qJsonT, rawJsonT),
      inProcessStream: ofDistributions(inSseT, rawSseT),
      queueStream: ofDistributions(qSseT, rawSseT),
    },
    ...(baseline
      ? {
          baseline: {
            checkout: BASELINE,
            overheadMs: {
              inProcessJson: paired(t('baselineInProcessJson'), rawJsonT),
              queueJson: paired(t('baselineQueueJson'), rawJsonT),
              inProcessStream: paired(t('baselineInProcessStream'), rawSseT),
              queueStream: paired(t('baselineQueueStream'), rawSseT),
            },
            newMinusBaselineMs: {
              inProcessJson: paired(inJsonT, t('baselineInProcessJson')),
              queueJson: paired(qJsonT, t('baselineQueueJson')),
              inProcessStream: paired(inSseT, t('baselineInProcessStream')),
              queueStream: paired(qSseT, t('baselineQueueStream')),
            },
          },
        }
      : {}),
    aroundOwnExchangeMs: {
      inProcessJson: aroundExchange('inProcessJson'),
      inProcessStream: aroundExchange('inProcessStream'),
      rawJson: aroundExchange('rawJson'),
      rawSse: aroundExchange('rawSse'),
      note:
        'per call: call time − the HTTP exchange inside it (undici request created → last byte), same request, so no ' +
        "pairing noise. The in-process rows are the provider's and the SDK's own time around the request (fetch's included, " +
        'which the raw rows show alone): an upper bound on the in-process orchestration overhead',
    },
    queueJsonSplitMs: {
      transport: summarise(qJsonT.map((x, i) => x - providerMs.queueJson[i])),
      providerInWorkerOverRaw: paired(providerMs.queueJson, rawJsonT),
      providerInProcessOverRaw: paired(providerMs.inProcessJson, rawJsonT),
      note: 'transport = queue call − provider latency reported by the worker (enqueue, pick-up, reply); provider*OverRaw = provider-reported latency − raw fetch of the same round',
    },
    latencyOverFixedMs: {
      rawJson: summarise(minus(rawJsonT)),
      rawJsonB: summarise(minus(t('rawJsonB'))),
      inProcessJson: summarise(minus(inJsonT)),
      queueJson: summarise(minus(qJsonT)),
      rawSse: summarise(minus(rawSseT)),
      rawSseB: summarise(minus(t('rawSseB'))),
      inProcessStream: summarise(minus(inSseT)),
      queueStream: summarise(minus(qSseT)),
    },
    cpuMsPerCall: {
      ...Object.fromEntries(modes.map((m, i) => [m.name, +(cpuUs[i] / N / 1000).toFixed(3)])),
      workerPerQueueCall: +((cpu1.worker - cpu0.worker) / (2 * N)).toFixed(3),
      ...(baseline
        ? { baselineWorkerPerQueueCall: +((cpu1.baselineWorker - cpu0.baselineWorker) / (2 * N)).toFixed(3) }
        : {}),
      backendPerCall: +((cpu1.backend - cpu0.backend) / (modes.length * N)).toFixed(3),
      note: 'per mode: this process (gateway side); worker: apps/worker CPU over the queue calls (JSON and stream); backend: the fake server per request (10 ms tick resolution)',
    },
    targetsMs: { inProcessP99: 2, queueP99: 10, offlineP50: 1 },
    offlineLeaveOneOutIntentAgreement: {
      overall: +(agree / pairs.length).toFixed(3),
      byIntent: Object.fromEntries(Object.entries(perIntent).map(([k, v]) => [k, +(v.agree / v.n).toFixed(3)])),
      note: 'nearest other customer turn (same language) has the same intent; affirm/deny without their context are expected to be lowest',
    },
    offlineRetrievalMs: {
      uncachedQuery: summarise(offline),
      cachedQuery: summarise(offlineCached),
      embedder: embedder.modelId,
      pairs: pairs.length,
    },
  };
  const file = writeResult('generator', result);
  process.stdout.write(
    `${JSON.stringify(result.cpuMsPerCall)}\n${JSON.stringify(result.offlineLeaveOneOutIntentAgreement)}\n${JSON.stringify(result.overheadMs, null, 1)}\n${JSON.stringify({ noiseFloorMs: result.noiseFloorMs, overheadOfDistributionsMs: result.overheadOfDistributionsMs, baseline: 'baseline' in result ? result.baseline : undefined })}\n${JSON.stringify(result.latencyOverFixedMs, null, 1)}\n${JSON.stringify(result.offlineRetrievalMs, null, 1)}\n→ ${file}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:generator failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
