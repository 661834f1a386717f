// `npm run bench:intent`: per-utterance latency (p50/p99 at batch 1, in-process, after warm-up),
// throughput at batch 1 and 32, model size, RSS, event-loop delay under concurrent load, and
// test-split accuracy in onnxruntime, for the shipped fp32 / fp16 / int8 intent models.
// Targets (issue 3): p50 ≤ 50 µs and p99 ≤ 250 µs at batch 1; int8 within 0.5 points of fp32.
import { readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createProgress, OnnxRuntimeAdapter, PRECISIONS, type Precision } from '@huashu/ml';
import {
  BagMlpIntentModel,
  INTENT_MODEL_FILES,
  languageOf,
  loadCorpusDir,
  OnnxIntentClassifier,
  stratifiedSplit,
  toPrediction,
  type IntentModelMetadata,
} from '@huashu/intent';
import { percentile, writeResult } from './lib/results.js';

const DIR = 'models/intent';
const runtime = new OnnxRuntimeAdapter();

const micros = (ns: bigint): number => Number(ns) / 1000;

async function benchPrecision(precision: Precision, texts: string[], gold: string[]) {
  const rssBefore = process.memoryUsage().rss;
  const model = await BagMlpIntentModel.load(DIR, precision, runtime);
  const rssAfter = process.memoryUsage().rss;
  const one = async (t: string) => toPrediction((await model.probabilities([t]))[0], model.labels, model.threshold);
  for (let i = 0; i < 2000; i++) await one(texts[i % texts.length]); // warm-up

  const n = 20000;
  const lat: number[] = new Array<number>(n);
  const feat: number[] = [];
  const bar = createProgress(`latency ${precision}`, n / 1000);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await one(texts[i % texts.length]);
    lat[i] = micros(process.hrtime.bigint() - t0);
    if (i % 1000 === 999) bar.tick();
  }
  bar.stop();
  lat.sort((a, b) => a - b);

  // The featuriser's share (pure TypeScript) of the batch-1 latency.
  const { HashedFeaturiser } = await import('@huashu/ml');
  const f = new HashedFeaturiser(model.metadata.featuriser);
  for (let i = 0; i < 5000; i++) {
    const t0 = process.hrtime.bigint();
    f.featurise(texts[i % texts.length]);
    feat.push(micros(process.hrtime.bigint() - t0));
  }
  feat.sort((a, b) => a - b);

  const throughput = async (batch: number, seconds: number): Promise<number> => {
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += batch) batches.push(texts.slice(i, i + batch));
    const full = batches.filter((b) => b.length === batch);
    let done = 0;
    const end = performance.now() + seconds * 1000;
    let k = 0;
    while (performance.now() < end) {
      const b = full[k++ % full.length];
      const probs = await model.probabilities(b);
      for (const p of probs) toPrediction(p, model.labels, model.threshold);
      done += b.length;
    }
    return done / seconds;
  };
  const tput1 = await throughput(1, 2);
  const tput32 = await throughput(32, 2);

  const probs = await model.probabilities(texts);
  const predicted = probs.map((p) => toPrediction(p, model.labels, model.threshold).name);
  const accuracy = predicted.filter((p, i) => p === gold[i]).length / gold.length;
  await model.release();
  const meta = model.metadata;
  return {
    precision,
    fileBytes: statSync(join(DIR, INTENT_MODEL_FILES[precision])).size,
    rssDeltaMiB: +((rssAfter - rssBefore) / 2 ** 20).toFixed(1),
    latencyMicros: {
      p50: +percentile(lat, 50).toFixed(1),
      p90: +percentile(lat, 90).toFixed(1),
      p99: +percentile(lat, 99).toFixed(1),
      featurisePart: { p50: +percentile(feat, 50).toFixed(1), p99: +percentile(feat, 99).toFixed(1) },
    },
    throughputPerSecond: { batch1: Math.round(tput1), batch32: Math.round(tput32) },
    testAccuracy: +accuracy.toFixed(4),
    testAccuracyInMetadata: meta.evaluation.precisions[precision].testAccuracy,
  };
}

/**
 * Event-loop delay (timer lateness, 1 ms resolution) while the adapter classifies at a paced
 * 2,000 utterances/s for 3 s — how long onnxruntime's synchronous run holds the loop at a realistic
 * rate, which decides whether a worker thread is needed.
 */
async function eventLoopUnderLoad(texts: string[]) {
  const c = new OnnxIntentClassifier(runtime, { dir: DIR, precision: 'int8', watch: false });
  await c.start();
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 1000));
  idle.disable();
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let served = 0;
  let i = 0;
  const pending: Promise<unknown>[] = [];
  const timer = setInterval(() => {
    for (let k = 0; k < 2; k++) pending.push(c.classify(texts[i++ % texts.length]).then(() => served++));
  }, 1);
  await new Promise((r) => setTimeout(r, 3000));
  clearInterval(timer);
  await Promise.all(pending);
  h.disable();
  await c.stop();
  const ms = (x: number) => +(x / 1e6).toFixed(2);
  return {
    targetPerSecond: 2000,
    classifiedPerSecond: Math.round(served / 3),
    eventLoopDelayMs: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) },
    idleEventLoopDelayMs: { p50: ms(idle.percentile(50)), p99: ms(idle.percentile(99)), max: ms(idle.max) },
  };
}

async function main(): Promise<void> {
  const meta = JSON.parse(readFileSync(join(DIR, INTENT_MODEL_FILES.meta), 'utf8')) as IntentModelMetadata;
  const corpus = loadCorpusDir('data/intents');
  const examples = corpus.examples.map((e) => ({ text: e.text, label: e.label, lang: languageOf(e.text) }));
  const [, , test] = stratifiedSplit(examples, (e) => `${e.label}|${e.lang}`, [0.7, 0.15, 0.15], meta.training.seed);
  const texts = test.map((e) => e.text);
  const gold = test.map((e) => e.label);
  const results = [];
  for (const p of PRECISIONS) results.push(await benchPrecision(p, texts, gold));
  const loop = await eventLoopUnderLoad(texts);
  const fp32 = results.find((r) => r.precision === 'fp32')!;
  const int8 = results.find((r) => r.precision === 'int8')!;
  const file = writeResult('intent', {
    command: 'npm run bench:intent',
    loadAverage: loadavg().map((x) => +x.toFixed(2)),
    model: { dir: DIR, dataSha256: meta.data.sha256, shape: meta.model },
    testUtterances: texts.length,
    precisions: results,
    eventLoop: loop,
    targets: {
      p50Micros: 50,
      p99Micros: 250,
      int8WithinPointsOfFp32: 0.5,
      met: {
        p50: results.map((r) => `${r.precision}:${r.latencyMicros.p50 <= 50}`).join(' '),
        p99: results.map((r) => `${r.precision}:${r.latencyMicros.p99 <= 250}`).join(' '),
        int8Accuracy: Math.abs(int8.testAccuracy - fp32.testAccuracy) * 100 <= 0.5,
      },
    },
  });
  for (const r of results) {
    process.stdout.write(
      `${r.precision}: p50 ${r.latencyMicros.p50} µs, p99 ${r.latencyMicros.p99} µs (featurise p50 ${r.latencyMicros.featurisePart.p50} µs), ${r.throughputPerSecond.batch1}/s @1, ${r.throughputPerSecond.batch32}/s @32, ${(r.fileBytes / 2 ** 20).toFixed(2)} MiB, RSS +${r.rssDeltaMiB} MiB, accuracy ${r.testAccuracy}\n`,
    );
  }
  process.stdout.write(
    `event loop at ${loop.classifiedPerSecond}/s: delay p50 ${loop.eventLoopDelayMs.p50} ms, p99 ${loop.eventLoopDelayMs.p99} ms (idle p99 ${loop.idleEventLoopDelayMs.p99} ms); load average ${loadavg()[0].toFixed(1)} → ${file}\n`,
  );
}

void main();
