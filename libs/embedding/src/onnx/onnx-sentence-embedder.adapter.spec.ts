import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxGraphBuilder, SeededRng } from '@huashu/ml';
import { dot } from '../managed-embedder.js';
import { wordPieceTokenizerJson } from '../../../../test/support/wordpiece-tokenizer.js';
import { OnnxSentenceEmbedderAdapter } from './onnx-sentence-embedder.adapter.js';

// A tiny BERT-style WordPiece vocabulary for tokenizer.json.
const VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'how',
  'much',
  'is',
  'the',
  'price',
  'plan',
  '##s',
  '你',
  '好',
  '价',
  '格',
  '多',
  '少',
];
const ID = Object.fromEntries(VOCAB.map((t, i) => [t, i])) as Record<string, number>;
const TOKENIZER_JSON = wordPieceTokenizerJson(VOCAB);

const DIM = 8;
const rng = new SeededRng(42);
const E = Float32Array.from({ length: VOCAB.length * DIM }, () => rng.normal());
const T = Float32Array.from({ length: 2 * DIM }, () => rng.normal());

/** last_hidden_state = E[input_ids] + T[token_type_ids]: padding rows are NOT zero, so pooling must use the mask. */
function tokenModel(): Uint8Array {
  const g = new OnnxGraphBuilder('tiny_bert');
  g.input('input_ids', 'int64', ['batch', 'seq']);
  g.input('attention_mask', 'int64', ['batch', 'seq']);
  g.input('token_type_ids', 'int64', ['batch', 'seq']);
  g.initializer('E', { type: 'float32', dims: [VOCAB.length, DIM], data: E });
  g.initializer('T', { type: 'float32', dims: [2, DIM], data: T });
  const words = g.node('Gather', ['E', 'input_ids'], ['words'], { axis: { i: 0 } });
  const types = g.node('Gather', ['T', 'token_type_ids'], ['types'], { axis: { i: 0 } });
  g.node('Add', [words, types], ['last_hidden_state']);
  g.node('Cast', ['attention_mask'], ['mask_float'], { to: { i: 1 } });
  g.output('last_hidden_state', 'float32', ['batch', 'seq', DIM]);
  g.output('mask_float', 'float32', ['batch', 'seq']);
  return g.build({ producer: 'test' });
}

/** sentence_embedding = Σ_t mask·E[input_ids]: an already pooled output, used as is. */
function pooledModel(): Uint8Array {
  const g = new OnnxGraphBuilder('tiny_pooled');
  g.input('input_ids', 'int64', ['batch', 'seq']);
  g.input('attention_mask', 'int64', ['batch', 'seq']);
  g.initializer('E', { type: 'float32', dims: [VOCAB.length, DIM], data: E });
  g.initializer('axes', { type: 'int64', dims: [1], data: BigInt64Array.of(2n) });
  g.initializer('sum_axes', { type: 'int64', dims: [1], data: BigInt64Array.of(1n) });
  const words = g.node('Gather', ['E', 'input_ids'], ['words'], { axis: { i: 0 } });
  const mask = g.node(
    'Unsqueeze',
    [g.node('Cast', ['attention_mask'], ['mask_f'], { to: { i: 1 } }), 'axes'],
    ['mask3'],
  );
  g.node('ReduceSum', [g.node('Mul', [words, mask], ['masked']), 'sum_axes'], ['sentence_embedding'], {
    keepdims: { i: 0 },
  });
  g.output('sentence_embedding', 'float32', ['batch', DIM]);
  return g.build({ producer: 'test' });
}

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** What mean pooling over the real tokens gives ([CLS] … [SEP], type 0). */
function expectedMean(tokens: string[], withTypes: boolean): number[] {
  const ids = [ID['[CLS]'], ...tokens.map((t) => ID[t] ?? ID['[UNK]']), ID['[SEP]']];
  const v = new Array<number>(DIM).fill(0);
  for (const id of ids) for (let k = 0; k < DIM; k++) v[k] += E[id * DIM + k] + (withTypes ? T[k] : 0);
  return unit(v.map((x) => x / ids.length));
}

describe('OnnxSentenceEmbedderAdapter (user-supplied sentence-transformer, real onnxruntime)', () => {
  const dirs: string[] = [];
  const modelDir = (model: Uint8Array, tokenizer: unknown = TOKENIZER_JSON, config?: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), 'st-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'model.onnx'), model);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    if (config) writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('tokenises, feeds ids/mask/type ids, mean-pools over the mask and normalises', async () => {
    const e = new OnnxSentenceEmbedderAdapter({ modelDir: modelDir(tokenModel()) });
    await e.onModuleInit();
    try {
      expect(e.dim).toBe(DIM);
      expect(e.modelId).toMatch(/^onnx:st-\w+:[0-9a-f]{12}$/);
      expect(e.status()).toMatchObject({ up: true, provider: 'onnx', dim: DIM });
      // The short text is padded in this batch: padding must not change its vector.
      const [short, long] = await e.embed(['How much', 'How much is the PRICE plans 你好价格多少']);
      const want = expectedMean(['how', 'much'], true);
      want.forEach((x, k) => expect(short[k]).toBeCloseTo(x, 5));
      const wantLong = expectedMean(
        ['how', 'much', 'is', 'the', 'price', 'plan', '##s', '你', '好', '价', '格', '多', '少'],
        true,
      );
      wantLong.forEach((x, k) => expect(long[k]).toBeCloseTo(x, 5));
      const [alone] = await e.embed(['How much']);
      alone.forEach((x, k) => expect(x).toBeCloseTo(short[k], 6));
      expect(dot(short, short)).toBeCloseTo(1, 5);
    } finally {
      await e.onModuleDestroy();
    }
    expect(e.status().up).toBe(false);
  });

  it('uses an already pooled sentence_embedding output as is, and truncates to the maximum length', async () => {
    const e = new OnnxSentenceEmbedderAdapter({ modelDir: modelDir(pooledModel()), maxLength: 4, batchSize: 2 });
    await e.load();
    try {
      const texts = ['how much is the price', 'price', '价格', ''];
      const out = await e.embed(texts);
      expect(out).toHaveLength(4);
      // Truncated to [CLS] how much [SEP]: sum pooling of those four rows.
      const sum = (ids: number[]): number[] =>
        unit(Array.from({ length: DIM }, (_, k) => ids.reduce((s, id) => s + E[id * DIM + k], 0)));
      sum([2, ID.how, ID.much, 3]).forEach((x, k) => expect(out[0][k]).toBeCloseTo(x, 5));
      sum([2, ID.price, 3]).forEach((x, k) => expect(out[1][k]).toBeCloseTo(x, 5));
      sum([2, ID['价'], ID['格'], 3]).forEach((x, k) => expect(out[2][k]).toBeCloseTo(x, 5));
      sum([2, 3]).forEach((x, k) => expect(out[3][k]).toBeCloseTo(x, 5));
    } finally {
      await e.close();
    }
  });

  it('refuses a model without the contract inputs, or a broken tokenizer, as unavailable', async () => {
    const g = new OnnxGraphBuilder('wrong');
    g.input('tokens', 'int64', ['batch', 'seq']);
    g.node('Cast', ['tokens'], ['out'], { to: { i: 1 } });
    g.output('out', 'float32', ['batch', 'seq']);
    const wrong = new OnnxSentenceEmbedderAdapter({ modelDir: modelDir(g.build({ producer: 'test' })) });
    await expect(wrong.load()).rejects.toMatchObject({
      failure: 'unavailable',
      message: expect.stringContaining('input_ids'),
    });
    expect(wrong.status()).toMatchObject({ up: false, error: expect.stringContaining('input_ids') });

    const noTokenizer = new OnnxSentenceEmbedderAdapter({ modelDir: join(tmpdir(), 'missing-st-model') });
    await expect(noTokenizer.embed(['x'])).rejects.toMatchObject({ failure: 'unavailable' });
  });
});
