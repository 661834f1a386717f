import { resolve } from 'node:path';
import { defaultCampaign, type Campaign } from '@huashu/campaigns';
import { BuiltinEmbedderAdapter, type Embedder } from '@huashu/embedding';
import type { IntentName, IntentPrediction } from '@huashu/intent';
import { IntentExampleMatcher } from './intent-examples.js';

// The shipped built-in encoder, counted: how many texts the matcher asks it to embed.
class CountingEmbedder implements Embedder {
  texts = 0;
  failNext = false;
  constructor(private readonly inner: Embedder) {}
  get dim(): number {
    return this.inner.dim;
  }
  get modelId(): string {
    return this.inner.modelId;
  }
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('encoder down');
    }
    this.texts += texts.length;
    return this.inner.embed(texts);
  }
}

const EXAMPLES: Campaign['intentExamples']['byIntent'] = {
  ask_product_detail: [
    '安装要多久',
    '什么时候能来安装',
    'is there a penalty for leaving early',
    'can I keep my phone number',
  ],
  objection_trust: ['你们有经营许可证吗', 'is this a scam'],
};

/** A campaign with the examples; `version` moves the cache key as an update would. */
const campaign = (over: Partial<Campaign['intentExamples']> = {}, version = 1): Campaign => {
  const c = defaultCampaign('examples-spec');
  c.version = version;
  c.intentExamples = { threshold: 0.6, minConfidence: 0.05, byIntent: EXAMPLES, byScript: {}, ...over };
  return c;
};

/** The published library the script examples name: id → intent (absent: not published or disabled). */
const LIBRARY: Record<string, IntentName> = {
  'zh-detail-install': 'ask_product_detail',
  'zh-detail-contract': 'ask_product_detail',
  'zh-price-promo': 'ask_price',
};
const lookup = (_campaignId: string, scriptId: string) =>
  Promise.resolve(LIBRARY[scriptId] ? { intent: LIBRARY[scriptId] } : undefined);

/** Examples per script: install and contract answer product questions, promo a price question. */
const BY_SCRIPT: Campaign['intentExamples']['byScript'] = {
  'zh-detail-install': ['什么时候能来安装', '安装要多久'],
  'zh-detail-contract': ['合约期是多久', '提前解约要付违约金吗'],
  'zh-price-promo': ['现在有什么活动', '新用户有折扣吗'],
  'zh-retired': ['宽带装好要等几天'],
};

/** An out_of_scope prediction whose ranking gives `intent` the probability `p`. */
const outOfScope = (intent: IntentName, p: number): IntentPrediction => ({
  name: 'out_of_scope',
  confidence: 1 - p,
  ranking: [
    { name: 'out_of_scope', confidence: 1 - p },
    { name: intent, confidence: p },
  ],
});

describe('IntentExampleMatcher', () => {
  const encoder = new BuiltinEmbedderAdapter({ modelDir: resolve('models/embedding') });
  let embedder: CountingEmbedder;
  let matcher: IntentExampleMatcher;
  const vector = async (text: string) => (await encoder.embed([text]))[0];

  beforeEach(() => {
    embedder = new CountingEmbedder(encoder);
    matcher = new IntentExampleMatcher(embedder, { scripts: lookup });
  });

  it('gives an out_of_scope utterance the intent of its nearest example, keeping the model’s probability', async () => {
    const match = await matcher.match(campaign(), outOfScope('ask_product_detail', 0.34), vector('宽带装好要等几天'));
    expect(match).toEqual({
      intent: 'ask_product_detail',
      confidence: 0.34,
      similarity: expect.any(Number),
      // The nearest of zh-detail-install's examples to the shipped encoder (before the "Misrouted calls"
      // retrain: 什么时候能来安装).
      example: '安装要多久',
    });
    expect(match!.similarity).toBeGreaterThanOrEqual(0.6);
    expect(match!.similarity).toBeLessThan(1);
  });

  it('an example equal to the utterance has similarity 1', async () => {
    const match = await matcher.match(campaign(), outOfScope('objection_trust', 0.2), vector('is this a scam'));
    expect(match).toMatchObject({ intent: 'objection_trust', example: 'is this a scam' });
    expect(match!.similarity).toBeCloseTo(1, 5);
  });

  it('leaves the utterance out of scope when the model rules the example’s intent out (below minConfidence)', async () => {
    const u = vector('宽带装好要等几天');
    expect(await matcher.match(campaign(), outOfScope('ask_product_detail', 0.04), u)).toBeUndefined();
    // The same with the floor lowered below the model's probability.
    expect(await matcher.match(campaign({ minConfidence: 0.03 }), outOfScope('ask_product_detail', 0.04), u)).toEqual(
      expect.objectContaining({ intent: 'ask_product_detail' }),
    );
    // The model's probability for another intent does not count.
    expect(await matcher.match(campaign(), outOfScope('objection_trust', 0.5), u)).toBeUndefined();
  });

  it('leaves the utterance out of scope when no example is similar enough', async () => {
    const u = vector('宽带装好要等几天');
    expect(
      await matcher.match(campaign({ threshold: 0.99 }), outOfScope('ask_product_detail', 0.34), u),
    ).toBeUndefined();
    expect(
      await matcher.match(campaign(), outOfScope('ask_product_detail', 0.34), vector('明天天气怎么样')),
    ).toBeUndefined();
  });

  it('does nothing for an in-scope prediction or a campaign without examples', async () => {
    const inScope: IntentPrediction = {
      name: 'ask_price',
      confidence: 0.9,
      ranking: [{ name: 'ask_price', confidence: 0.9 }],
    };
    const never = new Promise<Float32Array>(() => undefined);
    expect(await matcher.match(campaign(), inScope, never)).toBeUndefined();
    expect(
      await matcher.match(campaign({ byIntent: {} }), outOfScope('ask_product_detail', 0.3), vector('安装要多久')),
    ).toBeUndefined();
    expect(
      await matcher.match(
        campaign({ byIntent: { ask_product_detail: [] } }),
        outOfScope('ask_product_detail', 0.3),
        vector('安装要多久'),
      ),
    ).toBeUndefined();
    expect(embedder.texts).toBe(0);
  });

  it('embeds a campaign version’s examples once, and again after the campaign changes', async () => {
    const p = outOfScope('ask_product_detail', 0.3);
    await matcher.match(campaign(), p, vector('安装要多久'));
    await matcher.match(campaign(), p, vector('什么时候能来安装'));
    expect(embedder.texts).toBe(6);
    const edited = campaign({ byIntent: { ask_product_detail: ['安装要多久'] } }, 2);
    expect(await matcher.match(edited, p, vector('is this a scam'))).toBeUndefined();
    expect(embedder.texts).toBe(7);
    // Another version with the same examples (an edit of other settings): nothing is embedded again.
    await matcher.match(campaign({ byIntent: { ask_product_detail: ['安装要多久'] } }, 3), p, vector('安装要多久'));
    expect(embedder.texts).toBe(7);
  });

  it('keeps at most maxCachedExamples embedded examples, dropping the least recently used campaign', async () => {
    const small = new IntentExampleMatcher(embedder, { scripts: lookup, maxCachedExamples: 12 });
    const p = outOfScope('ask_product_detail', 0.3);
    const of = (id: string) => ({ ...campaign(), id });
    const u = vector('安装要多久');
    await small.match(of('a'), p, u);
    await small.match(of('b'), p, u);
    await small.match(of('a'), p, u);
    expect(embedder.texts).toBe(12);
    // c (6) does not fit beside a and b (6 each): b, used least recently, goes.
    await small.match(of('c'), p, u);
    await small.match(of('a'), p, u);
    expect(embedder.texts).toBe(18);
    await small.match(of('b'), p, u);
    expect(embedder.texts).toBe(24);
  });

  it('retries a failed embedding after retryMs, not on every turn', async () => {
    const p = outOfScope('ask_product_detail', 0.3);
    embedder.failNext = true;
    await expect(matcher.match(campaign(), p, vector('安装要多久'))).rejects.toThrow('encoder down');
    // Within retryMs (default 5 s) the failure stands: no embedding is tried again.
    const tried = embedder.texts;
    await expect(matcher.match(campaign(), p, vector('安装要多久'))).rejects.toThrow('encoder down');
    expect(embedder.texts).toBe(tried);
    // With no wait, the next turn tries again.
    const eager = new IntentExampleMatcher(embedder, { scripts: lookup, retryMs: 0 });
    embedder.failNext = true;
    await expect(eager.match(campaign(), p, vector('安装要多久'))).rejects.toThrow('encoder down');
    expect(await eager.match(campaign(), p, vector('安装要多久'))).toMatchObject({ example: '安装要多久' });
  });

  it('a script example stands for its script’s intent, read from the library; one the library lacks is passed over', async () => {
    const scripted = campaign({ byIntent: {}, byScript: BY_SCRIPT });
    // 宽带装好要等几天 equals the example of zh-retired, which is not in the library: the next nearest counts.
    const match = await matcher.match(scripted, outOfScope('ask_product_detail', 0.34), vector('宽带装好要等几天'));
    expect(match).toMatchObject({ intent: 'ask_product_detail', scriptId: 'zh-detail-install' });
    expect(match!.similarity).toBeLessThan(0.99);
    // With the script published, its own example wins (the same intent as its script).
    const published = new IntentExampleMatcher(embedder, {
      scripts: (c, id) => (id === 'zh-retired' ? Promise.resolve({ intent: 'ask_price' }) : lookup(c, id)),
    });
    expect(await published.match(scripted, outOfScope('ask_price', 0.2), vector('宽带装好要等几天'))).toMatchObject({
      intent: 'ask_price',
      scriptId: 'zh-retired',
      example: '宽带装好要等几天',
    });
  });

  it('answer: the script of the turn’s intent whose example is nearest, at the threshold or nearer', async () => {
    const scripted = campaign({ byScript: BY_SCRIPT });
    // Embedded beforehand (an answer does not wait for the build; next test).
    await matcher.nearest(scripted, await vector('warm up'));
    expect(await matcher.answer(scripted, 'ask_product_detail', await vector('合约期有多长'))).toMatchObject({
      scriptId: 'zh-detail-contract',
      example: '合约期是多久',
    });
    expect(await matcher.answer(scripted, 'ask_product_detail', await vector('安装要多久'))).toEqual({
      scriptId: 'zh-detail-install',
      example: '安装要多久',
      similarity: expect.closeTo(1, 5),
    });
    // Only scripts of the turn's intent: a price question classified ask_product_detail gets none.
    expect(await matcher.answer(scripted, 'ask_product_detail', await vector('新用户有折扣吗'))).toBeUndefined();
    expect(await matcher.answer(scripted, 'ask_price', await vector('新用户有折扣吗'))).toMatchObject({
      scriptId: 'zh-price-promo',
    });
    // Nothing near enough, or a byIntent example nearest: no answer.
    expect(await matcher.answer(scripted, 'ask_product_detail', await vector('明天天气怎么样'))).toBeUndefined();
    expect(
      await matcher.answer(
        campaign({ threshold: 0.999, byScript: BY_SCRIPT }),
        'ask_product_detail',
        await vector('合约期有多长'),
      ),
    ).toBeUndefined();
  });

  it('answer: does not wait for the examples to be embedded; a build started since serves later turns', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Embedder = {
      dim: encoder.dim,
      modelId: encoder.modelId,
      embed: async (texts) => {
        await gate;
        return encoder.embed(texts);
      },
    };
    const gated = new IntentExampleMatcher(slow, { scripts: lookup });
    const scripted = campaign({ byScript: BY_SCRIPT });
    const u = await vector('合约期有多长');
    // The encoder has not answered: no answer, at once.
    expect(await gated.answer(scripted, 'ask_product_detail', u)).toBeUndefined();
    release();
    await gated.nearest(scripted, u);
    expect(await gated.answer(scripted, 'ask_product_detail', u)).toMatchObject({ scriptId: 'zh-detail-contract' });
  });

  it('answer: past a nearer example of another intent, the next ones are tried; a fallback script is never the answer', async () => {
    const scripted = campaign(
      { byScript: { 'zh-price-promo': ['新用户有折扣吗'], 'zh-detail-install': ['新用户安装有折扣吗'] } },
      5,
    );
    const u = await vector('新用户有折扣吗');
    await matcher.nearest(scripted, u);
    // The promo example is the utterance itself (ask_price); the installation one comes next.
    expect(await matcher.answer(scripted, 'ask_product_detail', u)).toMatchObject({ scriptId: 'zh-detail-install' });
    const fallbackInstall = new IntentExampleMatcher(embedder, {
      scripts: (c, id) =>
        id === 'zh-detail-install' ? Promise.resolve({ intent: 'ask_product_detail', fallback: true }) : lookup(c, id),
    });
    await fallbackInstall.nearest(scripted, u);
    expect(await fallbackInstall.answer(scripted, 'ask_product_detail', u)).toBeUndefined();
  });

  it('prepare: starts embedding the examples, which later answers find', async () => {
    const scripted = campaign({ byScript: BY_SCRIPT }, 6);
    void matcher.prepare(scripted);
    expect(embedder.texts).toBeGreaterThan(0);
    const before = embedder.texts;
    void matcher.prepare(scripted);
    expect(embedder.texts).toBe(before);
    await matcher.nearest(scripted, await vector('x'));
    expect(await matcher.answer(scripted, 'ask_product_detail', await vector('安装要多久'))).toMatchObject({
      scriptId: 'zh-detail-install',
    });
  });

  it('prepare resolves once the examples are embedded: the next answer finds them', async () => {
    const scripted = campaign({ byScript: BY_SCRIPT }, 8);
    await matcher.prepare(scripted);
    expect(await matcher.answer(scripted, 'ask_product_detail', await vector('安装要多久'))).toMatchObject({
      scriptId: 'zh-detail-install',
    });
    // An encoder that fails: prepare still resolves (the failure is retried later).
    embedder.failNext = true;
    await expect(matcher.prepare(campaign({ byScript: BY_SCRIPT }, 9))).resolves.toBeUndefined();
  });

  it("a turn's exact and answer lookups start no embedding (the encoder's batch would hold up the turn)", async () => {
    const scripted = campaign({ byScript: BY_SCRIPT }, 10);
    const p: IntentPrediction = { name: 'ask_price', confidence: 0.9, ranking: [] };
    expect(await matcher.exact(scripted, '安装要多久', p)).toMatchObject({ intent: 'ask_product_detail' });
    expect(await matcher.answer(scripted, 'ask_product_detail', await vector('安装要多久'))).toBeUndefined();
    expect(embedder.texts).toBe(0);
  });

  it('answer: nothing to embed or look up for a campaign without script examples', async () => {
    expect(await matcher.answer(campaign(), 'ask_product_detail', await vector('安装要多久'))).toBeUndefined();
    expect(embedder.texts).toBe(0);
  });

  it('exact: an example said word for word decides over an in-scope prediction, case, spaces and punctuation aside', async () => {
    const scripted = campaign({ byScript: BY_SCRIPT });
    const readyToBuy: IntentPrediction = {
      name: 'ready_to_buy',
      confidence: 0.96,
      ranking: [
        { name: 'ready_to_buy', confidence: 0.96 },
        { name: 'ask_product_detail', confidence: 0.03 },
      ],
    };
    // Decided at once, without waiting for the examples to be embedded.
    expect(await matcher.exact(scripted, ' 安装 要多久？ ', readyToBuy)).toEqual({
      intent: 'ask_product_detail',
      confidence: 0.03,
      similarity: 1,
      example: '安装要多久',
      scriptId: 'zh-detail-install',
      exact: true,
    });
    expect(await matcher.exact(scripted, 'IS THIS A SCAM!', readyToBuy)).toMatchObject({
      intent: 'objection_trust',
      confidence: 0,
      exact: true,
    });
    // Without the model (classifier down) it still decides.
    expect(await matcher.exact(scripted, '安装要多久', undefined)).toMatchObject({ intent: 'ask_product_detail' });
    // Nothing to decide: near but not the same words, the model already agrees, a script not in the library.
    expect(await matcher.exact(scripted, '安装要多长时间', readyToBuy)).toBeUndefined();
    const agrees: IntentPrediction = { name: 'ask_product_detail', confidence: 0.9, ranking: [] };
    expect(await matcher.exact(scripted, '安装要多久', agrees)).toBeUndefined();
    expect(await matcher.exact(scripted, '宽带装好要等几天', readyToBuy)).toBeUndefined();
    expect(await matcher.exact(campaign({ byIntent: {} }), 'is this a scam', readyToBuy)).toBeUndefined();
  });

  it('exact: never talks past a caller the model hears asking to be left alone, complaining or asking for a person', async () => {
    const scripted = campaign({ byScript: BY_SCRIPT }, 4);
    for (const name of ['do_not_call', 'complaint', 'ask_human'] as const) {
      const p: IntentPrediction = { name, confidence: 0.9, ranking: [{ name, confidence: 0.9 }] };
      expect(await matcher.exact(scripted, '安装要多久', p)).toBeUndefined();
    }
  });

  it('exact: decides at once while the examples are still being embedded', async () => {
    const slow: Embedder = {
      dim: encoder.dim,
      modelId: encoder.modelId,
      embed: () => new Promise<Float32Array[]>(() => undefined),
    };
    const gated = new IntentExampleMatcher(slow, { scripts: lookup });
    const p: IntentPrediction = { name: 'ready_to_buy', confidence: 0.9, ranking: [] };
    expect(await gated.exact(campaign({ byScript: BY_SCRIPT }), '安装要多久', p)).toMatchObject({
      intent: 'ask_product_detail',
      scriptId: 'zh-detail-install',
    });
  });

  it('exact: a wording given for two different intents decides nothing; a wording of punctuation alone never matches', async () => {
    const twice = campaign({
      byIntent: { ask_price: ['安装要多久'], objection_trust: ['？？'] },
      byScript: { 'zh-detail-install': ['安装要多久'] },
    });
    const p = outOfScope('ask_price', 0.3);
    expect(await matcher.exact(twice, '安装要多久', p)).toBeUndefined();
    // Given for an intent and for a script of that intent: it decides, naming the script.
    const agreeing = campaign(
      { byIntent: { ask_product_detail: ['安装要多久'] }, byScript: { 'zh-detail-install': ['安装要多久'] } },
      2,
    );
    expect(await matcher.exact(agreeing, '安装要多久', p)).toMatchObject({
      intent: 'ask_product_detail',
      scriptId: 'zh-detail-install',
    });
    expect(await matcher.exact(twice, '...', p)).toBeUndefined();
    expect(await matcher.exact(twice, '', p)).toBeUndefined();
  });

  it('takes hostile text as any other utterance', async () => {
    const p = outOfScope('ask_product_detail', 0.3);
    for (const text of ['', ' ', '\u0000\u202e<script>alert(1)</script>', 'ﷺ'.repeat(2000)]) {
      const match = await matcher.match(campaign(), p, vector(text));
      expect(match === undefined || match.intent === 'ask_product_detail').toBe(true);
      expect(await matcher.exact(campaign(), text, p)).toBeUndefined();
    }
  });
});
