import {
  BAG_MLP_IO,
  BagMlpModel,
  BagRunCoalescer,
  DEFAULT_FEATURISER_PARAMS,
  exportBagMlpOnnx,
  HashedFeaturiser,
  OnnxRuntimeAdapter,
  SeededRng,
  type InferenceSession,
  type SparseFeatures,
  type TensorValue,
} from '@huashu/ml';

const featuriser = new HashedFeaturiser({ ...DEFAULT_FEATURISER_PARAMS, buckets: 1 << 12, maxFeatures: 64 });

const TEXTS = [
  '你好',
  '这个多少钱？太贵了吧，我再考虑一下',
  'send me some information about the plan',
  '',
  '！！！',
  'who are you and why are you calling me at dinner time, I am busy',
  '我们是哪家公司',
  'ok',
];

/** A real onnxruntime session that counts its runs and can be told to fail the next one. */
class CountingSession implements InferenceSession {
  runs: number[] = [];
  failNext = false;
  constructor(private readonly inner: InferenceSession) {}
  get inputNames() {
    return this.inner.inputNames;
  }
  get outputNames() {
    return this.inner.outputNames;
  }
  async run(feeds: Record<string, TensorValue>, outputs?: readonly string[]): Promise<Record<string, TensorValue>> {
    this.runs.push(feeds[BAG_MLP_IO.ids].dims[0]);
    if (this.failNext) {
      this.failNext = false;
      throw new Error('injected run failure');
    }
    return this.inner.run(feeds, outputs);
  }
  release() {
    return this.inner.release();
  }
}

describe('BagRunCoalescer (real onnxruntime session)', () => {
  const io = { ids: BAG_MLP_IO.ids, weights: BAG_MLP_IO.weights, output: BAG_MLP_IO.probs };
  let raw: InferenceSession;
  let session: CountingSession;
  const features: SparseFeatures[] = TEXTS.map((t) => featuriser.featurise(t));
  /** Each text alone, straight through the session: the reference every coalesced row must equal. */
  let alone: Float32Array[];

  beforeAll(async () => {
    const model = BagMlpModel.init({ buckets: 1 << 12, dim: 16, hidden: 8, classes: 5 }, new SeededRng(3));
    const bytes = exportBagMlpOnnx(model, { precision: 'fp32', temperature: 1, producer: 'test' });
    raw = await new OnnxRuntimeAdapter().load(bytes, { graphOptimization: 'basic' });
    alone = [];
    for (const f of features) {
      const padded = HashedFeaturiser.pad([f]);
      const out = await raw.run(
        {
          ids: { type: 'int32', data: padded.ids, dims: [1, padded.length] },
          weights: { type: 'float32', data: padded.weights, dims: [1, padded.length, 1] },
        },
        [BAG_MLP_IO.probs],
      );
      alone.push(out[BAG_MLP_IO.probs].data as Float32Array);
    }
  });
  afterAll(() => raw.release());
  beforeEach(() => {
    session = new CountingSession(raw);
  });

  const expectRow = (got: Float32Array, want: Float32Array) => {
    expect(got).toHaveLength(want.length);
    for (let c = 0; c < want.length; c++) expect(Math.abs(got[c] - want[c])).toBeLessThan(1e-6);
  };

  it('runs the calls of one event-loop turn as one session run, each row equal to its own run', async () => {
    const runs = new BagRunCoalescer(session, io);
    const results = await Promise.all(features.map((f) => runs.run([f])));
    expect(session.runs).toEqual([TEXTS.length]);
    results.forEach(([row], i) => expectRow(row, alone[i]));
  });

  it('keeps each caller’s rows in order when callers pass several texts', async () => {
    const runs = new BagRunCoalescer(session, io);
    const [a, b, c] = await Promise.all([
      runs.run(features.slice(0, 3)),
      runs.run([]),
      runs.run(features.slice(3).reverse()),
    ]);
    expect(session.runs).toEqual([TEXTS.length]);
    a.forEach((row, i) => expectRow(row, alone[i]));
    expect(b).toEqual([]);
    c.forEach((row, i) => expectRow(row, alone[TEXTS.length - 1 - i]));
  });

  it('splits a loop turn into runs of at most maxBatch rows, a large call across several', async () => {
    const runs = new BagRunCoalescer(session, io, 3);
    const [a, b] = await Promise.all([runs.run(features.slice(0, 2)), runs.run(features.slice(2))]);
    expect(session.runs).toEqual([3, 3, 2]);
    [...a, ...b].forEach((row, i) => expectRow(row, alone[i]));
  });

  it('calls in different loop turns get separate runs', async () => {
    const runs = new BagRunCoalescer(session, io);
    await runs.run([features[0]]);
    await runs.run([features[1]]);
    expect(session.runs).toEqual([1, 1]);
  });

  it('a failed run rejects only the calls with rows in it; later calls run normally', async () => {
    const runs = new BagRunCoalescer(session, io, 2);
    session.failNext = true;
    const settled = await Promise.allSettled([
      runs.run([features[0]]),
      runs.run([features[1]]),
      runs.run([features[2], features[3]]),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason).toEqual(new Error('injected run failure'));
    const [row] = await runs.run([features[4]]);
    expectRow(row, alone[4]);
  });
});
