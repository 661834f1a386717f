import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashedFeaturiser, OnnxRuntimeAdapter, PRECISIONS, SeededRng } from '@huashu/ml';
import { dot } from '../managed-embedder.js';
import { EmbeddingException } from '../embedding.exception.js';
import { isHeldOut, loadParaphrases } from '../training/embedding-corpus.js';
import { DEFAULT_ENCODER_PARAMS, evaluateParaphrases } from '../training/train-encoder.js';
import { BuiltinEmbedderAdapter } from './builtin-embedder.adapter.js';
import { SentenceEncoderModel } from './sentence-encoder.model.js';
import { exportSentenceEncoderOnnx, SENTENCE_ENCODER_IO, tableForPrecision } from './sentence-encoder.onnx-export.js';

const MODEL_DIR = join(process.cwd(), 'models', 'embedding');

describe('BuiltinEmbedderAdapter on the shipped model (real onnxruntime session)', () => {
  const embedder = new BuiltinEmbedderAdapter({ modelDir: MODEL_DIR });
  beforeAll(() => embedder.load());
  afterAll(() => embedder.close());

  const cos = async (a: string, b: string): Promise<number> => {
    const [x, y] = await embedder.embed([a, b]);
    return dot(x, y);
  };

  it.each([
    ['zh', '这个套餐每个月多少钱', '这个套餐月租是多少钱', '我现在在开车，不方便说话'],
    ['zh', '我现在没空，晚点再打给我', '我在忙，晚点再给我打电话', '这款保险都保障什么'],
    [
      'en',
      'How much is this plan per month?',
      'What is the monthly price of this plan?',
      'Please take my number off your list',
    ],
    ['en', 'I want to talk to a real person', 'Can I talk to a real person please?', 'Is there a waiting period?'],
  ])('%s: a paraphrase scores far above an unrelated sentence', async (_lang, text, para, unrelated) => {
    const p = await cos(text, para);
    const u = await cos(text, unrelated);
    expect(p).toBeGreaterThan(u + 0.25);
  });

  it('on held-out paraphrase groups (never trained on) paraphrases beat unrelated texts in both languages', () => {
    const { groups } = loadParaphrases(join(process.cwd(), 'data'));
    const heldOut = groups.filter(isHeldOut);
    const featuriser = new HashedFeaturiser(embedder.metadata!.featuriser);
    expect(featuriser.params.buckets).toBe(DEFAULT_ENCODER_PARAMS.featuriser.buckets);
    return Promise.all(
      (['zh', 'en'] as const).map(async (lang) => {
        const texts = [...new Set(heldOut.filter((g) => g.lang === lang).flatMap((g) => [...g.texts, ...g.negatives]))];
        const vectors = await embedder.embed(texts);
        const byText = new Map(texts.map((t, i) => [t, vectors[i]]));
        const e = evaluateParaphrases(heldOut, (ts) => ts.map((t) => byText.get(t)!), lang);
        expect(e.groups).toBeGreaterThan(10);
        expect(e.meanCosine.paraphrase).toBeGreaterThan(e.meanCosine.unrelated + 0.15);
      }),
    );
  });

  it('returns unit vectors of the model dimension, in input order, identical alone or in a batch', async () => {
    const texts = ['您好，请问是张先生吗', 'Is now a good time to talk?', '价格太高了 too expensive'];
    const batch = await embedder.embed(texts);
    expect(batch).toHaveLength(3);
    for (const [i, v] of batch.entries()) {
      expect(v).toHaveLength(embedder.dim);
      expect(dot(v, v)).toBeCloseTo(1, 4);
      const [alone] = await embedder.embed([texts[i]]);
      for (let k = 0; k < v.length; k++) expect(alone[k]).toBeCloseTo(v[k], 5);
    }
    // Concurrent calls (one session run, BagRunCoalescer) give each caller its own text's vector.
    const concurrent = await Promise.all(texts.map((t) => embedder.embed([t, '', t])));
    concurrent.forEach(([v, empty, again], i) => {
      for (let k = 0; k < v.length; k++) expect(v[k]).toBeCloseTo(batch[i][k], 5);
      expect(dot(empty, empty)).toBe(0);
      expect(again).toEqual(v);
    });
    expect(embedder.modelId).toMatch(/^builtin:huashu-encoder-[0-9a-f]{12}$/);
    expect(embedder.status()).toMatchObject({ up: true, provider: 'builtin', dim: embedder.dim });
  });

  it('maps text without features to the zero vector and survives hostile input', async () => {
    // Emoji and punctuation carry no letters, so no n-grams either.
    const hostile = [
      '',
      '   ',
      '？！。…',
      '\u0000\u202e',
      '😀'.repeat(500),
      'x'.repeat(100_000),
      '<script>alert(1)</script>',
    ];
    const out = await embedder.embed(hostile);
    expect(out).toHaveLength(hostile.length);
    for (const v of out.slice(0, 5)) expect(dot(v, v)).toBe(0);
    for (const v of out.slice(5)) expect(dot(v, v)).toBeCloseTo(1, 4);
    expect(await embedder.embed([])).toEqual([]);
    await expect(embedder.embed([42] as unknown as string[])).rejects.toBeInstanceOf(EmbeddingException);
    await expect(embedder.embed('text' as unknown as string[])).rejects.toMatchObject({ failure: 'invalid_input' });
  });

  it('records how it was made: data hash, parameters and held-out figures', () => {
    const meta = JSON.parse(readFileSync(join(MODEL_DIR, 'metadata.json'), 'utf8'));
    expect(meta.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.params).toEqual(JSON.parse(JSON.stringify(DEFAULT_ENCODER_PARAMS)));
    expect(meta.evaluation.heldOutParaphrases.map((e: { lang: string }) => e.lang)).toEqual(['zh', 'en', 'all']);
  });
});

describe('BuiltinEmbedderAdapter failures', () => {
  it('reports a missing model as unavailable, on load and in status', async () => {
    const e = new BuiltinEmbedderAdapter({ modelDir: join(tmpdir(), 'no-such-model-dir') });
    await expect(e.embed(['x'])).rejects.toMatchObject({ failure: 'unavailable', code: 'SERVICE_UNAVAILABLE' });
    expect(e.status()).toMatchObject({ up: false, provider: 'builtin' });
    expect(() => e.dim).toThrow(EmbeddingException);
  });
});

describe('sentence encoder ONNX export', () => {
  const featuriser = new HashedFeaturiser({ ...DEFAULT_ENCODER_PARAMS.featuriser, buckets: 1 << 10, maxFeatures: 64 });
  const model = SentenceEncoderModel.init({ buckets: 1 << 10, dim: 16 }, new SeededRng(7));
  const texts = ['你好，请问是哪位', 'How much is it per month?', '太贵了 too expensive'];

  it.each(PRECISIONS)(
    '%s: onnxruntime computes what the reference computes with the stored table',
    async (precision) => {
      const bytes = exportSentenceEncoderOnnx(model, { precision, producer: 'test' });
      const session = await new OnnxRuntimeAdapter().load(bytes);
      try {
        const feats = texts.map((t) => featuriser.featurise(t));
        const padded = HashedFeaturiser.pad(feats);
        const out = await session.run({
          [SENTENCE_ENCODER_IO.ids]: { type: 'int32', data: padded.ids, dims: [texts.length, padded.length] },
          [SENTENCE_ENCODER_IO.weights]: {
            type: 'float32',
            data: padded.weights,
            dims: [texts.length, padded.length, 1],
          },
        });
        const ref = model.withTable(tableForPrecision(model, precision));
        const data = out[SENTENCE_ENCODER_IO.embedding].data as Float32Array;
        feats.forEach((f, b) => {
          const want = ref.encode(f).unit;
          for (let k = 0; k < 16; k++) expect(data[b * 16 + k]).toBeCloseTo(want[k], 5);
        });
      } finally {
        await session.release();
      }
    },
  );

  it('writes the same bytes for the same model, and an adapter can load them', async () => {
    const a = exportSentenceEncoderOnnx(model, { precision: 'int8', producer: 'test' });
    const b = exportSentenceEncoderOnnx(SentenceEncoderModel.init({ buckets: 1 << 10, dim: 16 }, new SeededRng(7)), {
      precision: 'int8',
      producer: 'test',
    });
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'enc-'));
    try {
      writeFileSync(join(dir, 'model.onnx'), a);
      writeFileSync(
        join(dir, 'metadata.json'),
        JSON.stringify({
          format: 'huashu-sentence-encoder',
          formatVersion: 1,
          modelId: 'builtin:test',
          dim: 16,
          featuriser: featuriser.params,
        }),
      );
      const e = new BuiltinEmbedderAdapter({ modelDir: dir });
      const [v] = await e.embed(['你好']);
      expect(v).toHaveLength(16);
      await e.close();
      expect(e.status().up).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
