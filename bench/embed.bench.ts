// Built-in encoder latency and throughput (real ONNX session, one intra-op thread).
// `npm run bench:embed` → bench/results/embed.json
import { resolve } from 'node:path';
import { HashedFeaturiser } from '@huashu/ml';
import { BuiltinEmbedderAdapter } from '@huashu/embedding';
import { percentile, writeResult } from './lib/results.js';

const SHORT = [
  '这个套餐每个月多少钱',
  '我现在没空，晚点再打给我',
  '您好，我是华数通信的客服小李',
  'How much is this plan per month?',
  'I want to talk to a real person',
  'Sure, I will call you back tomorrow afternoon',
];

function stats(samples: number[]): { p50: number; p90: number; p99: number; mean: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number): number => +x.toFixed(4);
  return {
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    mean: r(s.reduce((a, b) => a + b, 0) / s.length),
    n: s.length,
  };
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 5000);
  const embedder = new BuiltinEmbedderAdapter({ modelDir: resolve('models/embedding') });
  await embedder.load();
  const featuriser = new HashedFeaturiser(embedder.metadata!.featuriser);
  for (let i = 0; i < 500; i++) await embedder.embed([SHORT[i % SHORT.length]]);

  const single: number[] = [];
  const featurise: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const text = SHORT[i % SHORT.length];
    let t = performance.now();
    featuriser.featurise(text);
    featurise.push(performance.now() - t);
    t = performance.now();
    await embedder.embed([text]);
    single.push(performance.now() - t);
  }

  const throughput: Record<string, { sentencesPerSecond: number; msPerBatch: number }> = {};
  for (const size of [16, 64, 256]) {
    const batch = Array.from({ length: size }, (_, i) => `${SHORT[i % SHORT.length]} ${i}`);
    const rounds = Math.max(5, Math.floor(4000 / size));
    const t = performance.now();
    for (let r = 0; r < rounds; r++) await embedder.embed(batch);
    const ms = performance.now() - t;
    throughput[`batch${size}`] = {
      sentencesPerSecond: Math.round((rounds * size) / (ms / 1000)),
      msPerBatch: +(ms / rounds).toFixed(3),
    };
  }
  const meta = embedder.metadata!;
  await embedder.close();
  const result = {
    model: { modelId: meta.modelId, dim: meta.dim, precision: meta.precision, buckets: meta.featuriser.buckets },
    singleShortSentenceMs: stats(single),
    featuriseOnlyMs: stats(featurise),
    throughput,
    note: 'embed([one short sentence]) end to end: featurise in TypeScript + one onnxruntime run (1 thread). Target: the whole match path p50 ≤ 0.3 ms.',
    command: 'npm run bench:embed',
  };
  const file = writeResult('embed', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwrote ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
