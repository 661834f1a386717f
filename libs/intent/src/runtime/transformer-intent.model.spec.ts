import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxGraphBuilder, OnnxRuntimeAdapter } from '@huashu/ml';
import { isTransformerDir, OnnxIntentClassifier, TransformerIntentModel } from '@huashu/intent';
import { wordPieceTokenizerJson } from '../../../../test/support/wordpiece-tokenizer.js';

// A tiny "BERT-like" text classifier built here with the ONNX writer: WordPiece tokens → embedding →
// masked mean pooling → linear → logits, with the inputs an Optimum export has.
const VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'hello',
  'hi',
  'price',
  'cost',
  'how',
  'much',
  'stop',
  'calling',
  '##s',
];
const CLASS_OF: Record<string, number> = { hello: 0, hi: 0, price: 1, cost: 1, much: 1, stop: 2, calling: 2 };
const LABELS = ['greeting', 'ask_price', 'do_not_call'];

function tinyModel(): Uint8Array {
  const g = new OnnxGraphBuilder('tiny_bert');
  g.input('input_ids', 'int64', ['batch', 'sequence']);
  g.input('attention_mask', 'int64', ['batch', 'sequence']);
  g.input('token_type_ids', 'int64', ['batch', 'sequence']);
  const emb = new Float32Array(VOCAB.length * 3);
  VOCAB.forEach((t, i) => {
    if (t in CLASS_OF) emb[i * 3 + CLASS_OF[t]] = 1;
  });
  g.initializer('emb', { type: 'float32', dims: [VOCAB.length, 3], data: emb });
  g.initializer('w', { type: 'float32', dims: [3, 3], data: Float32Array.of(10, 0, 0, 0, 10, 0, 0, 0, 10) });
  g.initializer('b', { type: 'float32', dims: [3], data: new Float32Array(3) });
  g.initializer('axis1', { type: 'int64', dims: [1], data: BigInt64Array.of(1n) });
  g.initializer('axis2', { type: 'int64', dims: [1], data: BigInt64Array.of(2n) });
  g.node('Gather', ['emb', 'input_ids'], ['tok'], { axis: { i: 0 } });
  g.node('Cast', ['attention_mask'], ['maskf'], { to: { i: 1 } });
  g.node('Unsqueeze', ['maskf', 'axis2'], ['mask3']);
  g.node('Mul', ['tok', 'mask3'], ['masked']);
  g.node('ReduceSum', ['masked', 'axis1'], ['summed'], { keepdims: { i: 0 } });
  g.node('ReduceSum', ['maskf', 'axis1'], ['count'], { keepdims: { i: 1 } });
  g.node('Div', ['summed', 'count'], ['pooled']);
  g.node('Gemm', ['pooled', 'w', 'b'], ['logits']);
  g.output('logits', 'float32', ['batch', 3]);
  return g.build({ producer: 'test' });
}

const TOKENIZER = wordPieceTokenizerJson(VOCAB);

const runtime = new OnnxRuntimeAdapter();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tiny-bert-'));
  writeFileSync(join(dir, 'model.onnx'), tinyModel());
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(TOKENIZER));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ pad_token: '[PAD]', do_lower_case: true }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ id2label: { 0: LABELS[0], 1: LABELS[1], 2: LABELS[2] } }));
  writeFileSync(join(dir, 'huashu-intent.json'), JSON.stringify({ temperature: 2, threshold: 0.6, maxLength: 16 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('user-supplied ONNX text classifier (tokenizer.json + label map)', () => {
  it('tokenises with tokenizer.json, pads a batch with the attention mask, applies temperature', async () => {
    const model = await TransformerIntentModel.load(dir, runtime);
    try {
      expect(model.labels).toEqual(LABELS);
      expect(model.settings).toEqual({ temperature: 2, threshold: 0.6, maxLength: 16 });
      const [a, b, c] = await model.probabilities(['Hello there!', 'how MUCH is the price', 'stop calling me please']);
      expect([...a].indexOf(Math.max(...a))).toBe(0);
      expect([...b].indexOf(Math.max(...b))).toBe(1);
      expect([...c].indexOf(Math.max(...c))).toBe(2);
      // Padding must not change a short text's result: the mask keeps [PAD] out of the mean.
      const [alone] = await model.probabilities(['Hello there!']);
      for (let k = 0; k < 3; k++) expect(alone[k]).toBeCloseTo(a[k], 6);
      // "Hello there!" → [CLS] hello [UNK] [UNK] [SEP]: mean = e0/5, logits (2,0,0), T=2 → softmax(1,0,0).
      const e = Math.E;
      expect(alone[0]).toBeCloseTo(e / (e + 2), 5);
      // Longer than maxLength: truncated, still classified.
      const [long] = await model.probabilities(['price '.repeat(100)]);
      expect([...long].indexOf(Math.max(...long))).toBe(1);
    } finally {
      await model.release();
    }
  });

  it('is picked by the classifier when the directory holds tokenizer.json', async () => {
    expect(isTransformerDir(dir)).toBe(true);
    const c = new OnnxIntentClassifier(runtime, { dir, precision: 'int8', watch: false });
    await c.start();
    try {
      expect(c.status()).toEqual(expect.objectContaining({ up: true, kind: 'transformer' }));
      expect((await c.classify('hi')).name).toBe('greeting');
      // Below the model's threshold (0.6) → out_of_scope.
      expect((await c.classify('nothing known here')).name).toBe('out_of_scope');
    } finally {
      await c.stop();
    }
  });

  it('rejects a label map with unknown intents and a model without the expected inputs', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'tiny-bad-'));
    try {
      writeFileSync(join(bad, 'model.onnx'), tinyModel());
      writeFileSync(join(bad, 'tokenizer.json'), JSON.stringify(TOKENIZER));
      writeFileSync(join(bad, 'labels.json'), JSON.stringify(['greeting', 'buy_now', 'deny']));
      await expect(TransformerIntentModel.load(bad, runtime)).rejects.toThrow(/unknown intents: buy_now/);
      writeFileSync(join(bad, 'labels.json'), JSON.stringify(LABELS));
      const g = new OnnxGraphBuilder('no_mask');
      g.input('ids', 'int64', ['batch', 'sequence']);
      g.node('Cast', ['ids'], ['logits'], { to: { i: 1 } });
      g.output('logits', 'float32', ['batch', 'sequence']);
      writeFileSync(join(bad, 'model.onnx'), g.build({ producer: 'test' }));
      await expect(TransformerIntentModel.load(bad, runtime)).rejects.toThrow(/no input "input_ids"/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
