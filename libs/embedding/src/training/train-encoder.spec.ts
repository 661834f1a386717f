import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dot } from '../managed-embedder.js';
import { loadIntentExamples, loadScriptTexts, parseParaphrases } from './embedding-corpus.js';
import { pairMetrics, rocAuc, thresholdSweep } from './similarity-metrics.js';
import {
  DEFAULT_ENCODER_PARAMS,
  packageEncoder,
  referenceEmbed,
  trainEncoder,
  type EncoderTrainParams,
} from './train-encoder.js';

describe('similarity metrics', () => {
  it('computes ROC-AUC as the Mann-Whitney statistic, ties counting one half', () => {
    expect(rocAuc([0.9, 0.8, 0.1].map((score, i) => ({ score, positive: i < 2 })))).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.9].map((score, i) => ({ score, positive: i < 2 })))).toBe(0);
    expect(rocAuc([0.5, 0.5].map((score, i) => ({ score, positive: i === 0 })))).toBe(0.5);
    // 1 positive above 1 of 2 negatives and tied with the other: (1 + 0.5) / 2.
    expect(
      rocAuc([
        { score: 0.5, positive: true },
        { score: 0.5, positive: false },
        { score: 0.1, positive: false },
      ]),
    ).toBe(0.75);
  });

  it('finds the best-accuracy and best-F1 thresholds', () => {
    const pairs = [0.9, 0.8, 0.7, 0.4, 0.3].map((score, i) => ({ score, positive: i < 3 }));
    const m = pairMetrics(pairs);
    expect(m.bestAccuracy).toMatchObject({ threshold: 0.7, accuracy: 1, f1: 1, fpr: 0 });
    expect(m.meanPositive).toBeCloseTo(0.8);
    const sweep = thresholdSweep(pairs);
    expect(sweep.map((p) => p.threshold)).toEqual([0.9, 0.8, 0.7, 0.4, 0.3]);
    expect(sweep[4]).toMatchObject({ recall: 1, fpr: 1, precision: 0.6 });
  });
});

describe('paraphrase and intent corpus parsing', () => {
  it('parses groups and hard negatives, and rejects a group that cannot pair', () => {
    const groups = parseParaphrases('# comment\n\n你好 | 您好 !! 你好吗\nhello | hi | hey\n', 'zh');
    expect(groups).toEqual([
      { lang: 'zh', texts: ['你好', '您好'], negatives: ['你好吗'] },
      { lang: 'zh', texts: ['hello', 'hi', 'hey'], negatives: [] },
    ]);
    expect(() => parseParaphrases('ok\nonly one !! neg', 'en')).toThrow(/line 1: a group needs at least two/);
  });
});

describe('trainEncoder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'embed-data-'));
    mkdirSync(join(dir, 'paraphrases'));
    mkdirSync(join(dir, 'intents'));
    writeFileSync(
      join(dir, 'paraphrases', 'zh.txt'),
      [
        '多少钱 | 价格是多少 | 费用多少 !! 多少流量',
        '我很忙 | 我没空 | 现在不方便',
        '转人工 | 找客服 | 我要真人 !! 人工几点下班',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'paraphrases', 'en.txt'),
      [
        'how much is it | what is the price | what does it cost !! how much data',
        "i'm busy | not a good time | call me later",
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'intents', 'en.yaml'),
      'ask_price:\n  - how much\n  - the price please\ngreeting:\n  - hello\n  - hi there\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tiny: EncoderTrainParams = {
    ...DEFAULT_ENCODER_PARAMS,
    dim: 16,
    epochs: 30,
    batchSize: 8,
    lr: 0.05,
    featuriser: { ...DEFAULT_ENCODER_PARAMS.featuriser, buckets: 1 << 10, maxFeatures: 64 },
  };

  it('reads the YAML intent corpus per language file', () => {
    const { examples } = loadIntentExamples(dir);
    expect(examples).toHaveLength(4);
    expect(examples[0]).toMatchObject({
      intent: expect.stringMatching(/ask_price|greeting/),
      source: expect.stringContaining('en.yaml'),
    });
  });

  it('is deterministic: the same data and seed give the same ONNX bytes and metadata', () => {
    const a = trainEncoder(dir, dir, tiny);
    const b = trainEncoder(dir, dir, tiny);
    const pa = packageEncoder(a, tiny, []);
    const pb = packageEncoder(b, tiny, []);
    expect(Buffer.compare(Buffer.from(pa.onnx), Buffer.from(pb.onnx))).toBe(0);
    expect(JSON.stringify(pa.metadata)).toBe(JSON.stringify(pb.metadata));
    expect(pa.metadata.data.files).toEqual(['intents/en.yaml', 'paraphrases/en.txt', 'paraphrases/zh.txt']);
    const c = trainEncoder(dir, dir, { ...tiny, seed: tiny.seed + 1 });
    expect(Buffer.compare(Buffer.from(packageEncoder(c, tiny, []).onnx), Buffer.from(pa.onnx))).not.toBe(0);
  });

  it('pulls trained paraphrases together: training raises their cosine above the untrained start', () => {
    const untrained = trainEncoder(dir, dir, { ...tiny, epochs: 0 });
    const trained = trainEncoder(dir, dir, tiny);
    const cos = (t: typeof trained, a: string, b: string): number => {
      const [x, y] = referenceEmbed(t.model, t.featuriser)([a, b]);
      return dot(x, y);
    };
    // Pairs of training groups (whichever split they fell in, at least one group trains).
    expect(trained.epochs.at(-1)!.loss).toBeLessThan(trained.epochs[0].loss);
    const gain = (a: string, b: string): number => cos(trained, a, b) - cos(untrained, a, b);
    expect(
      Math.max(gain('多少钱', '价格是多少'), gain('我很忙', '我没空'), gain('how much is it', 'what is the price')),
    ).toBeGreaterThan(0.2);
  });

  it('leaves reserved scripts out (confirmation questions, abuse lines, AI disclosures): adding them changes neither the model nor its data hash', () => {
    const lib = mkdtempSync(join(tmpdir(), 'embed-lib-'));
    try {
      cpSync(dir, lib, { recursive: true });
      mkdirSync(join(lib, 'campaigns', 'c1'), { recursive: true });
      const scripts = join(lib, 'campaigns', 'c1', 'scripts.jsonl');
      const line = (o: object) => JSON.stringify(o) + '\n';
      writeFileSync(scripts, line({ id: 'p', text: '月费是每月199元', intent: 'ask_price', tags: ['zh'] }));
      const train = () => packageEncoder(trainEncoder(lib, lib, tiny), tiny, []);
      const before = train();

      // A line of its own before the other script's: training and hash read the rest byte for byte.
      const confirm = {
        id: 'q',
        text: '您是希望我们以后不再给您打电话了吗？',
        intent: 'do_not_call',
        tags: ['zh', 'confirm'],
      };
      const calm = { id: 'a', text: '抱歉打扰到您了，我理解您现在可能不太方便。', tags: ['zh', 'abuse'] };
      const disclosure = {
        id: 'd',
        text: '我是星河通信的智能语音助手，不是真人。您想跟人工客服聊的话，随时跟我说。',
        tags: ['zh', 'disclosure'],
      };
      writeFileSync(
        scripts,
        line(confirm) +
          line({ id: 'p', text: '月费是每月199元', intent: 'ask_price', tags: ['zh'] }) +
          line(calm) +
          line(disclosure),
      );
      expect(loadScriptTexts(lib).texts).toEqual(['月费是每月199元']);
      const withQuestion = train();
      expect(Buffer.compare(Buffer.from(withQuestion.onnx), Buffer.from(before.onnx))).toBe(0);
      expect(JSON.stringify(withQuestion.metadata)).toBe(JSON.stringify(before.metadata));
      expect(before.metadata.data).toMatchObject({
        files: expect.arrayContaining(['campaigns/c1/scripts.jsonl']),
        scripts: 1,
      });

      // Any other script is trained on, and the hash says so.
      appendFileSync(scripts, line({ id: 'r', text: '安装费全免', intent: 'ask_product_detail', tags: ['zh'] }));
      const withScript = train();
      expect(withScript.metadata.data.scripts).toBe(2);
      expect(withScript.metadata.data.sha256).not.toBe(before.metadata.data.sha256);
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  });
});
