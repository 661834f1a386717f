import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxRuntimeAdapter, readOnnxMetadata } from '@huashu/ml';
import {
  buildIntentModel,
  INTENT_MODEL_FILES,
  loadCorpusDir,
  OnnxIntentClassifier,
  parseYamlCorpus,
  SHIPPED_TRAIN_PARAMS,
  type IntentModelMetadata,
  type IntentTrainParams,
} from '@huashu/intent';

// A small but real build: a third of the shipped corpus, a small table, few epochs, the shipped
// recipe's cross-fitting with two folds (three trainings: about a second).
const SMALL: IntentTrainParams = {
  ...SHIPPED_TRAIN_PARAMS,
  featuriser: { ...SHIPPED_TRAIN_PARAMS.featuriser, buckets: 1 << 12 },
  dim: 16,
  hidden: 16,
  epochs: 6,
  crossFitFolds: 2,
};

const runtime = new OnnxRuntimeAdapter();
const work = mkdtempSync(join(tmpdir(), 'intent-model-'));
const corpusDir = join(work, 'corpus');

beforeAll(async () => {
  const keep = (file: string) =>
    parseYamlCorpus(readFileSync(join('data/intents', file), 'utf8'), file).filter((_, i) => i % 3 === 0);
  const lines = [...keep('zh.yaml'), ...keep('en.yaml')].map((e) => JSON.stringify({ text: e.text, label: e.label }));
  mkdirSync(corpusDir);
  writeFileSync(join(corpusDir, 'small.jsonl'), lines.join('\n') + '\n');
  // Model "a": what the classifier tests load.
  await buildIntentModel({ corpusDir, outDir: join(work, 'a'), params: SMALL, runtime, quiet: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const files = Object.values(INTENT_MODEL_FILES);

describe('intent model build', () => {
  it('is byte-for-byte reproducible and records data hash, parameters and figures', async () => {
    const a = join(work, 'a');
    const b = join(work, 'b');
    await buildIntentModel({ corpusDir, outDir: b, params: SMALL, runtime, quiet: true });
    for (const f of files) expect([f, sha(join(a, f))]).toEqual([f, sha(join(b, f))]);
    const meta = JSON.parse(readFileSync(join(a, INTENT_MODEL_FILES.meta), 'utf8')) as IntentModelMetadata;
    expect(meta.data.sha256).toBe(loadCorpusDir(corpusDir).sha256);
    expect(meta.training).toEqual(SMALL);
    expect(meta.labels).toContain('out_of_scope');
    expect(meta.temperature).toBeGreaterThan(0);
    expect(meta.threshold).toBeGreaterThanOrEqual(0);
    for (const p of ['fp32', 'fp16', 'int8'] as const) {
      expect(meta.files[p].sha256).toBe(sha(join(a, meta.files[p].file)));
      // Checked in onnxruntime against the TypeScript reference on validation + test.
      expect(meta.evaluation.precisions[p]).toEqual(
        expect.objectContaining({ agreesWithReference: true, checked: expect.any(Number) as number }),
      );
    }
    expect(meta.evaluation.calibration.eceAfter).toBeLessThanOrEqual(meta.evaluation.calibration.eceBefore + 0.05);
    expect(readOnnxMetadata(readFileSync(join(a, INTENT_MODEL_FILES.int8))).metadata['huashu.precision']).toBe('int8');

    const other = join(work, 'c');
    await buildIntentModel({ corpusDir, outDir: other, params: { ...SMALL, seed: 7 }, runtime, quiet: true });
    expect(sha(join(other, INTENT_MODEL_FILES.fp32))).not.toBe(sha(join(a, INTENT_MODEL_FILES.fp32)));
  });
});

describe('OnnxIntentClassifier', () => {
  it.each(['fp32', 'fp16', 'int8'] as const)(
    'classifies with the %s model, threshold from metadata or the caller',
    async (precision) => {
      const dir = join(work, 'a');
      const c = new OnnxIntentClassifier(runtime, { dir, precision, watch: false });
      await c.start();
      try {
        expect(c.status()).toEqual(expect.objectContaining({ up: true, kind: 'bag-mlp', precision }));
        const p = await c.classify('这个多少钱');
        expect(p.ranking).toHaveLength(18);
        expect(p.ranking.reduce((s, r) => s + r.confidence, 0)).toBeCloseTo(1, 4);
        const top = p.ranking[0];
        // With a threshold above every confidence the answer is out_of_scope, confidence 1 - top.
        const strict = await c.classify('这个多少钱', { threshold: 1.01 });
        expect(strict.name).toBe('out_of_scope');
        const bestInScope = strict.ranking.find((r) => r.name !== 'out_of_scope')!;
        expect(strict.confidence).toBeCloseTo(1 - bestInScope.confidence, 6);
        const lax = await c.classify('这个多少钱', { threshold: 0 });
        expect(lax.name).toBe(top.name);
        const batch = await c.classifyBatch(['hello', '转人工', '']);
        expect(batch).toHaveLength(3);
        // Concurrent calls share session runs (BagRunCoalescer); each still gets its own answer.
        const one = await Promise.all(['hello', '转人工', ''].map((t) => c.classify(t)));
        one.forEach((q, i) => {
          expect(q.name).toBe(batch[i].name);
          expect(q.confidence).toBeCloseTo(batch[i].confidence, 5);
        });
      } finally {
        await c.stop();
      }
    },
  );

  it('answers 503-style errors without a model and picks one up when it appears', async () => {
    const dir = mkdtempSync(join(work, 'empty-'));
    const c = new OnnxIntentClassifier(runtime, { dir, precision: 'int8', debounceMs: 50 });
    await c.start();
    try {
      expect(c.status().up).toBe(false);
      await expect(c.classify('hello')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      for (const f of files) cpSync(join(work, 'a', f), join(dir, f));
      await waitFor(() => c.status().up);
      expect((await c.classify('hello')).ranking).toHaveLength(18);
    } finally {
      await c.stop();
    }
  });

  it('hot-reloads a rebuilt model without failing a request, ignoring a half-written one', async () => {
    const dir = join(work, 'live');
    for (const f of files) cpSync(join(work, 'a', f), join(dir, f), { recursive: true });
    const c = new OnnxIntentClassifier(runtime, { dir, precision: 'int8', debounceMs: 50 });
    await c.start();
    const first = c.status().version;
    let stop = false;
    let served = 0;
    const failures: unknown[] = [];
    const load = (async () => {
      while (!stop) {
        try {
          await c.classifyBatch(['我想问一下价格', 'stop calling me', 'hello']);
          served++;
        } catch (e) {
          failures.push(e);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    try {
      // A torn write: an ONNX file that does not match the metadata is ignored.
      writeFileSync(join(dir, INTENT_MODEL_FILES.int8), 'garbage');
      await waitFor(() => /does not match its metadata/.test(c.status().lastError ?? ''));
      expect(c.status()).toEqual(expect.objectContaining({ up: true, version: first }));
      // The rebuild lands (atomic renames): the new model is swapped in.
      await buildIntentModel({ corpusDir, outDir: dir, params: { ...SMALL, seed: 7 }, runtime, quiet: true });
      await waitFor(() => c.status().version !== first);
      expect(c.status().version).toBe(sha(join(dir, INTENT_MODEL_FILES.int8)));
      expect(c.status().reloads).toBe(1);
      const before = served;
      await waitFor(() => served > before + 5);
    } finally {
      stop = true;
      await load;
      await c.stop();
    }
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(10);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
