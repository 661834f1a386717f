import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BagMlpModel,
  exportBagMlpOnnx,
  fnv1a32,
  HashedFeaturiser,
  normaliseText,
  OnnxRuntimeAdapter,
  PRECISIONS,
  readOnnxMetadata,
  referenceForPrecision,
  SeededRng,
  type FeaturiserParams,
  type SparseFeatures,
} from '@huashu/ml';

const small = new HashedFeaturiser({
  buckets: 1 << 12,
  cjkNgrams: [1, 3],
  wordNgrams: [1, 2],
  charNgrams: [3, 5],
  hashSeed: 0x811c9dc5,
  maxFeatures: 64,
});

describe('fnv1a32', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes of CJK and astral characters', () => {
    // Same value as hashing the UTF-8 bytes one by one.
    const bytes = Buffer.from('价格😀', 'utf8');
    let h = 0x811c9dc5;
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    expect(fnv1a32('价格😀')).toBe(h);
  });
});

describe('HashedFeaturiser', () => {
  it('normalises full-width forms, case and digit runs', () => {
    expect(normaliseText('  ＨＥＬＬＯ　价格１２３元  ')).toBe('hello 价格0元');
  });

  it('makes CJK character 1-3 grams, Latin word n-grams and char n-grams from mixed script', () => {
    const f = small.featureStrings('这个price多少 ok');
    expect(f).toEqual(expect.arrayContaining(['c:这', 'c:这个', 'c:多少', 'c:^这', 'c:少$']));
    expect(f).toEqual(expect.arrayContaining(['w1:price', 'w1:ok', 'n:<pr', 'n:ice>', 'n:<pri']));
    // Cross-script bigrams keep the code-switched join; CJK runs are not Latin unigrams.
    expect(f).toEqual(expect.arrayContaining(['w2:这个 price', 'w2:price 多少', 'w2:多少 ok']));
    expect(f).not.toContain('w1:这个');
    // No three-character gram spans the script switch.
    expect(f.some((x) => x.includes('个p'))).toBe(false);
  });

  it('returns unique ascending ids with weights summing to 1, the same for equal text', () => {
    const a = small.featurise('喂 你好 我想问一下 price 是多少 多少');
    const b = small.featurise('喂 你好 我想问一下 PRICE 是多少 多少');
    expect([...a.ids]).toEqual([...b.ids]);
    for (let i = 1; i < a.ids.length; i++) expect(a.ids[i]).toBeGreaterThan(a.ids[i - 1]);
    expect(a.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 5);
    expect(Math.max(...a.ids)).toBeLessThan(1 << 12);
  });

  it('caps features and handles empty, punctuation-only and hostile input', () => {
    expect(small.featurise('').ids.length).toBe(0);
    expect(small.featurise('？？!!...').ids.length).toBe(0);
    expect(small.featurise('长'.repeat(5000)).ids.length).toBeLessThanOrEqual(64);
    expect(small.featurise('a\u0000b\uD800c').ids.length).toBeGreaterThan(0);
  });
});

describe('HashedFeaturiser.featurise (incremental hashing)', () => {
  /** The definition: FNV-1a of every feature string, counted, capped to the most frequent, ascending ids. */
  const reference = (f: HashedFeaturiser, text: string): SparseFeatures => {
    const counts = new Map<number, number>();
    for (const s of f.featureStrings(text)) {
      const id = fnv1a32(s, f.params.hashSeed) % f.params.buckets;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const kept = [...counts]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, f.params.maxFeatures)
      .sort((a, b) => a[0] - b[0]);
    const total = kept.reduce((s, [, c]) => s + c, 0);
    return { ids: Int32Array.from(kept, ([id]) => id), weights: Float32Array.from(kept, ([, c]) => c / total) };
  };
  const corpusLines = ['data/intents', 'data/intent-probe'].flatMap((dir) =>
    readdirSync(dir).flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n')),
  );
  const hostile = [
    '',
    'a\u0000b\uD800c\uDC00d',
    '😀😀 emoji 价格😀',
    '长'.repeat(3000),
    'x'.repeat(2000) + ' 这个price多少 ok',
    'ＡＢＣ１２３ 全角 ｐｒｉｃｅ',
    "don't can't 'quoted' o'neil",
    'Ünïcödé naïve café ﬁ 한국어 日本語のテキスト',
  ];
  const shipped = (file: string) =>
    new HashedFeaturiser((JSON.parse(readFileSync(file, 'utf8')) as { featuriser: FeaturiserParams }).featuriser);

  it.each([
    ['a small table with a tight cap', small],
    ['the shipped intent model', shipped('models/intent/intent.meta.json')],
    ['the shipped encoder', shipped('models/embedding/metadata.json')],
  ])('gives exactly the ids and weights of hashing every feature string: %s', (_, f) => {
    const texts = [...corpusLines, ...hostile];
    expect(texts.length).toBeGreaterThan(5000);
    let mismatches = 0;
    for (const text of texts) {
      const got = f.featurise(text);
      const want = reference(f, text);
      if (!(sameArray(got.ids, want.ids) && sameArray(got.weights, want.weights))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

const sameArray = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => x === b[i]);

describe('SeededRng', () => {
  it('is deterministic per seed', () => {
    const a = new SeededRng(7);
    const b = new SeededRng(7);
    const c = new SeededRng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });
});

/** A toy task: learn which of three keywords a text contains. */
function toyData(): { features: SparseFeatures; label: number; text: string }[] {
  const rng = new SeededRng(3);
  const words = ['价格', 'hello', 'refund'];
  const filler = ['嗯', 'um', '那个', 'ok', '请问', 'please', '我想'];
  const out: { features: SparseFeatures; label: number; text: string }[] = [];
  for (let i = 0; i < 90; i++) {
    const label = i % 3;
    const text = `${filler[rng.int(filler.length)]} ${words[label]} ${filler[rng.int(filler.length)]}`;
    out.push({ features: small.featurise(text), label, text });
  }
  return out;
}

function trainToy(seed: number): BagMlpModel {
  const rng = new SeededRng(seed);
  const model = BagMlpModel.init({ buckets: 1 << 12, dim: 16, hidden: 8, classes: 3 }, rng);
  const data = toyData();
  for (let epoch = 0; epoch < 15; epoch++) {
    rng.shuffle(data);
    for (let i = 0; i < data.length; i += 10) {
      model.trainStep(data.slice(i, i + 10), rng, {
        adam: { lr: 0.02, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
        lr: 0.02,
        dropout: 0.1,
        smoothing: 0.1,
      });
    }
  }
  return model;
}

describe('BagMlpModel + ONNX export', () => {
  const model = trainToy(11);
  const data = toyData();

  it('learns the toy task', () => {
    const correct = data.filter((d) => {
      const p = model.probabilities(d.features);
      return p.indexOf(Math.max(...p)) === d.label;
    }).length;
    expect(correct / data.length).toBeGreaterThan(0.95);
  });

  it('is deterministic: same seed, same weights and the same ONNX bytes', () => {
    const again = trainToy(11);
    expect(Buffer.from(again.weights.embedding.buffer).equals(Buffer.from(model.weights.embedding.buffer))).toBe(true);
    for (const precision of PRECISIONS) {
      const a = exportBagMlpOnnx(model, { precision, temperature: 1.5, producer: 'test' });
      const b = exportBagMlpOnnx(again, { precision, temperature: 1.5, producer: 'test' });
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    }
    const other = trainToy(12);
    expect(
      Buffer.from(exportBagMlpOnnx(other, { precision: 'fp32', temperature: 1.5, producer: 'test' })).equals(
        Buffer.from(exportBagMlpOnnx(model, { precision: 'fp32', temperature: 1.5, producer: 'test' })),
      ),
    ).toBe(false);
  });

  it.each(PRECISIONS)(
    '%s ONNX in onnxruntime agrees with the TypeScript reference on every example',
    async (precision) => {
      const bytes = exportBagMlpOnnx(model, { precision, temperature: 1.5, producer: 'test', metadata: { k: 'v' } });
      expect(readOnnxMetadata(bytes)).toEqual({ irVersion: 8, opset: 13, metadata: { k: 'v' } });
      const session = await new OnnxRuntimeAdapter().load(bytes, { graphOptimization: 'basic' });
      try {
        const ref = referenceForPrecision(model, precision);
        const padded = HashedFeaturiser.pad(data.map((d) => d.features));
        const out = await session.run({
          ids: { type: 'int32', data: padded.ids, dims: [data.length, padded.length] },
          weights: { type: 'float32', data: padded.weights, dims: [data.length, padded.length, 1] },
        });
        const probs = out.probs.data as Float32Array;
        const logits = out.logits.data as Float32Array;
        data.forEach((d, i) => {
          const refLogits = ref.logits(d.features);
          const refProbs = ref.probabilities(d.features, 1.5);
          for (let c = 0; c < 3; c++) {
            expect(Math.abs(logits[i * 3 + c] - refLogits[c])).toBeLessThan(1e-4);
            expect(Math.abs(probs[i * 3 + c] - refProbs[c])).toBeLessThan(1e-5);
          }
        });
      } finally {
        await session.release();
      }
    },
  );
});
