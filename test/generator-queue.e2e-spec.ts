import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import {
  buildPrompt,
  GENERATION_QUEUE,
  GENERATOR,
  GeneratorBadResponseError,
  GeneratorCancelledError,
  GeneratorRefusalError,
  GeneratorTimeoutError,
  RetrievalProvider,
  type GenerateChunk,
  type GenerationJobData,
  type GenerationJobResult,
  type Generator,
} from '@huashu/generator';
import { GeneratorHttpModule } from '../apps/gateway/src/generator/generator-http.module.js';
import { bootHttpStack, bootWorker, VIEWER_KEY, type Booted } from './support/boot.js';
import { settleAgainstDeadline, startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server.js';

const messages = [
  { role: 'system' as const, content: 'You are a polite sales agent.' },
  { role: 'user' as const, content: 'How much is it?' },
];

/**
 * The gateway side of the generator as the gateway hosts it (Ops stack + GeneratorHttpModule), without
 * the other feature modules, so this suite depends only on the generator's wiring.
 */
const bootGeneratorHost = (label: string, overrides: Record<string, string>): Promise<Booted> =>
  bootHttpStack(label, [GeneratorHttpModule], overrides);

const metricText = async (app: Booted) => app.app.get(MetricsRegistry).registry.metrics();

describe('generation through the BullMQ queue (real worker, real Redis, OpenAI-compatible backend)', () => {
  let server: FakeOpenAiServer;
  let gw: Booted;
  let worker: Booted;
  let generator: Generator;

  beforeAll(async () => {
    server = await startFakeOpenAiServer();
    gw = await bootGeneratorHost('gen-queue', {
      GENERATOR_MODE: 'queue',
      GENERATOR_PROVIDER: 'openai',
      LLM_BASE_URL: server.baseUrl,
      LLM_MODEL: 'queue-model',
      LLM_BACKEND: 'vllm',
      // A model that does not think: chunks stream as they come (the cut and early-stop checks need them).
      LLM_THINKING: 'tags',
      GENERATION_CONCURRENCY: '4',
    });
    worker = await bootWorker(gw.config);
    generator = gw.app.get<Generator>(GENERATOR);
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await server?.close();
  });
  beforeEach(() => {
    server.behave({});
    server.requests.length = 0;
  });

  it('binds GENERATOR to the queue facade and returns the worker result', async () => {
    expect(generator).not.toBeInstanceOf(RetrievalProvider);
    server.behave({ text: 'It is 99 a month.' });
    const r = await generator.generate({ messages, params: { temperature: 0.5, top_k: 20 }, deadlineMs: 3000 });
    expect(r).toMatchObject({ text: 'It is 99 a month.', finishReason: 'stop', model: 'queue-model' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].body).toMatchObject({ temperature: 0.5, top_k: 20 });
  });

  it('carries the parameters the backend ignored across the queue in the job result', async () => {
    const r = await generator.generate({ messages, params: { no_repeat_ngram_size: 3 }, deadlineMs: 3000 });
    expect(r.ignoredParams).toEqual(['no_repeat_ngram_size']);
  });

  it('runs concurrent jobs and reports queue depth and wait time as metrics', async () => {
    server.behave({ delayMs: 50, text: 'ok' });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => generator.generate({ messages, params: {}, deadlineMs: 5000 })),
    );
    expect(results.every((r) => r.text === 'ok')).toBe(true);
    const count = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    const gwMetrics = await metricText(gw);
    expect(gwMetrics).toMatch(/huashu_generation_queue_depth\{[^}]*state="waiting"[^}]*\} \d+/);
    expect(
      count(gwMetrics, /huashu_generation_queue_roundtrip_seconds_count\{[^}]*outcome="ok"[^}]*\} (\d+)/),
    ).toBeGreaterThanOrEqual(8);
    expect(
      count(await metricText(worker), /huashu_generation_queue_wait_seconds_count\{[^}]*\} (\d+)/),
    ).toBeGreaterThanOrEqual(8);
  });

  it('streams sentences from the worker as they are generated', async () => {
    server.behave({ text: '您好！标准套餐每月九十九元。需要我发资料吗？', chunkChars: 2, chunkDelayMs: 5 });
    const chunks: GenerateChunk[] = [];
    for await (const c of generator.stream({ messages, params: {}, deadlineMs: 3000 })) chunks.push(c);
    expect(chunks.filter((c) => c.type === 'sentence').map((c) => c.text)).toEqual([
      '您好！',
      '标准套餐每月九十九元。',
      '需要我发资料吗？',
    ]);
  });

  it('delivers the chunks streamed before a cut, then the typed error', async () => {
    server.behave({ mode: 'cut', text: 'One. Two. Three. Four. Five. Six.', chunkChars: 3, chunkDelayMs: 5 });
    const chunks: GenerateChunk[] = [];
    const err = await (async () => {
      for await (const c of generator.stream({ messages, params: {}, deadlineMs: 3000 })) chunks.push(c);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeneratorBadResponseError);
    expect(chunks.filter((c) => c.type === 'text').length).toBeGreaterThan(0);
  });

  it('honours the turn deadline and makes the worker abort the upstream request', async () => {
    server.behave({ delayMs: 5000 });
    const { error, lateMs, elapsedMs } = await settleAgainstDeadline(300, () =>
      generator.generate({ messages, params: {}, deadlineMs: 300 }),
    );
    expect(error).toBeInstanceOf(GeneratorTimeoutError);
    // The worker's own deadline (same absolute time) may answer a hair before the gateway's timer.
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(lateMs).toBeLessThan(50);
    await server.requests[0].settled;
    expect(server.requests[0].clientClosedEarly).toBe(true);
  });

  it('cancels the worker job when the caller hangs up', async () => {
    server.behave({ delayMs: 5000 });
    const hangup = new AbortController();
    const pending = generator.generate({ messages, params: {}, deadlineMs: 4000, signal: hangup.signal });
    // Hang up once a worker has the job and the backend is working on it.
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    hangup.abort();
    await expect(pending).rejects.toBeInstanceOf(GeneratorCancelledError);
    await server.requests[0].settled;
    expect(server.requests[0].clientClosedEarly).toBe(true);
  });

  it('aborts the worker job when a stream consumer stops reading early', async () => {
    server.behave({ text: 'Uno. Dos. Tres. '.repeat(100), chunkChars: 4, chunkDelayMs: 10 });
    let texts = 0;
    for await (const c of generator.stream({ messages, params: {}, deadlineMs: 5000 })) {
      if (c.type === 'text' && ++texts === 3) break;
    }
    // Without the hang-up the backend would stream for ~4 s more and end the response itself.
    await server.requests[0].settled;
    expect(server.requests[0].clientClosedEarly).toBe(true);
  });

  it('runs GENERATION_CONCURRENCY jobs at once and queues the rest', async () => {
    server.behave({ delayMs: 3000, text: 'slow' });
    const results = Promise.all(
      Array.from({ length: 6 }, () => generator.generate({ messages, params: {}, deadlineMs: 15_000 })),
    );
    for (let i = 0; i < 500 && server.requests.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    // The first four are held 3 s by the backend: no fifth may start meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests).toHaveLength(4);
    expect((await results).map((r) => r.text)).toEqual(Array(6).fill('slow'));
    expect(server.requests).toHaveLength(6);
  });

  it('rejects invalid sampling parameters before enqueueing, every time', async () => {
    for (let i = 0; i < 2; i++)
      await expect(
        generator.generate({ messages, params: { temperature: 9 }, deadlineMs: 2000 }),
      ).rejects.toMatchObject({ details: [expect.objectContaining({ field: 'temperature' })] });
    expect(server.requests).toHaveLength(0);
  });

  it('carries typed errors across the queue', async () => {
    server.behave({ mode: 'refusal' });
    await expect(generator.generate({ messages, params: {}, deadlineMs: 2000 })).rejects.toBeInstanceOf(
      GeneratorRefusalError,
    );
  });

  it('discards stale jobs without calling the backend', async () => {
    const queue = gw.app.get<Queue<GenerationJobData, GenerationJobResult>>(getQueueToken(GENERATION_QUEUE.name));
    const job = await queue.add(GENERATION_QUEUE.jobs.generate, {
      messages,
      params: {},
      deadlineAt: Date.now() - 1,
      stream: false,
    });
    const events = await import('bullmq').then(
      ({ QueueEvents }) =>
        new QueueEvents(GENERATION_QUEUE.name, {
          connection: { url: gw.config.redis.url },
          prefix: `${gw.config.redis.keyPrefix}bull`,
        }),
    );
    try {
      await events.waitUntilReady();
      const outcome = await job.waitUntilFinished(events, 3000);
      expect(outcome).toEqual({ ok: false, error: { kind: 'timeout', message: expect.stringMatching(/stale/) } });
    } finally {
      await events.close();
    }
    expect(server.requests).toHaveLength(0);
    expect(await metricText(worker)).toMatch(/huashu_generation_jobs_discarded_total\{reason="stale"[^}]*\} 1/);
  });

  describe('GET /v1/admin/generator/capacity', () => {
    const get = (q: Record<string, string>, key: string | null = VIEWER_KEY) => {
      const r = request(gw.url).get('/v1/admin/generator/capacity').query(q);
      return key === null ? r : r.set('authorization', `Bearer ${key}`);
    };

    it.each([
      ['fp32', 24],
      ['fp16', 12],
      ['int8', 6],
    ])('plans a 6B model in %s: %d GB of weights', async (precision, gb) => {
      const res = await get({ model: 'llama-6b', precision, concurrentCalls: '10', gpuMemoryGB: '80' }).expect(200);
      expect(res.body).toMatchObject({
        weightsGB: gb,
        kvCacheBytesPerToken: precision === 'fp32' ? 1048576 : 524288,
        fits: true,
      });
      expect(res.body.maxConcurrentCalls).toBeGreaterThan(10);
    });

    it('takes an explicit architecture', async () => {
      const q = {
        paramsB: '7',
        layers: '28',
        hiddenSize: '3584',
        attentionHeads: '28',
        kvHeads: '4',
        intermediateSize: '18944',
        contextLength: '4096',
        precision: 'int4',
      };
      const res = await get(q).expect(200);
      expect(res.body).toMatchObject({ weightsGB: 3.5, kvCacheBytesPerToken: 2 * 28 * 4 * 128 * 2 });
    });

    it('needs an admin key', async () => {
      const res = await get({ model: 'llama-6b' }, null).expect(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    });

    it.each([
      [{ model: 'gpt-9' }, 'model'],
      [{ model: 'llama-6b', precision: 'fp64' }, 'precision'],
      [{ model: 'llama-6b', paramsB: 'abc' }, 'paramsB'],
      [{ model: 'llama-6b', concurrentCalls: '-3' }, 'concurrentCalls'],
      [{ model: 'llama-6b', layers: '1e309' }, 'layers'],
      [{ model: 'llama-6b', evil: '<script>' }, 'evil'],
      [{ paramsB: '7' }, 'layers'],
      [{ model: 'llama-6b', attentionHeads: '7' }, 'attentionHeads'],
    ])('rejects %j with VALIDATION_FAILED naming %s', async (q, field) => {
      const res = await get(q).expect(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', requestId: expect.any(String) });
      expect(JSON.stringify(res.body.error.details)).toContain(field);
    });
  });
});

describe('offline retrieval provider through the port (built-in embedder, dialogue corpus)', () => {
  let gw: Booted;
  let worker: Booted;
  let inproc: Booted;
  beforeAll(async () => {
    gw = await bootGeneratorHost('gen-retrieval-q', { GENERATOR_MODE: 'queue' });
    worker = await bootWorker(gw.config);
    inproc = await bootGeneratorHost('gen-retrieval-ip', { GENERATOR_MODE: 'inprocess' });
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await inproc?.close();
  });

  const convo = (text: string) => [
    { role: 'system' as const, content: 'sales' },
    { role: 'user' as const, content: text },
  ];

  it('answers in-process from the corpus, in the customer language, deterministically under a seed', async () => {
    const g = inproc.app.get<Generator>(GENERATOR);
    expect(g).toBeInstanceOf(RetrievalProvider);
    const zh = await g.generate({
      messages: convo('这个多少钱啊？'),
      params: { temperature: 0.7, seed: 3 },
      deadlineMs: 1000,
    });
    expect(zh.text).toMatch(/[\u4e00-\u9fff]/);
    expect(zh.model).toMatch(/^retrieval:/);
    const again = await g.generate({
      messages: convo('这个多少钱啊？'),
      params: { temperature: 0.7, seed: 3 },
      deadlineMs: 1000,
    });
    expect(again.text).toBe(zh.text);
    const en = await g.generate({
      messages: convo('That is way too expensive for me.'),
      params: { do_sample: false },
      deadlineMs: 1000,
    });
    expect(en.text).not.toMatch(/[\u4e00-\u9fff]/);
    const ready = await request(inproc.url).get('/health/ready');
    expect(ready.body.info?.generator ?? ready.body.error?.generator).toMatchObject({
      provider: 'retrieval',
      pairs: 304,
    });
  });

  describe('keeps to the approved replies its prompt quotes', () => {
    const ZH = ['千兆宽带家庭套餐的月费是每月199元。', '本月办理前三个月八折。', '您可以对比一下现在的账单。'];
    const EN = ['The bundle is $29 a month.'];
    const quoting = (text: string, exemplars = [...ZH, ...EN]) =>
      buildPrompt({
        systemPrompt: 'sales',
        productFacts: [],
        history: [{ role: 'user', content: text }],
        exemplars,
        maxPromptTokens: 2000,
      }).messages;

    it('greedy: the first one quoted in the customer language; none in it: the corpus', async () => {
      const g = inproc.app.get<Generator>(GENERATOR);
      const greedy = { do_sample: false } as const;
      const zh = await g.generate({ messages: quoting('这个多少钱啊？'), params: greedy, deadlineMs: 1000 });
      expect(zh.text).toBe(ZH[0]);
      const en = await g.generate({ messages: quoting('how much is it?'), params: greedy, deadlineMs: 1000 });
      expect(en.text).toBe(EN[0]);
      // Only Chinese quoted, an English customer: the model writes from its corpus, in English.
      const corpus = await g.generate({ messages: quoting('how much is it?', ZH), params: greedy, deadlineMs: 1000 });
      expect(corpus.text).not.toMatch(/[\u4e00-\u9fff]/);
      expect(corpus.text.length).toBeGreaterThan(10);
    });

    it('sampled: the prompt order decides the odds (T 0.7, top_p 0.9: the first two, ~80 / 20)', async () => {
      const g = inproc.app.get<Generator>(GENERATOR);
      const picks = new Map<string, number>();
      for (let seed = 0; seed < 200; seed++) {
        const r = await g.generate({
          messages: quoting('这个多少钱啊？'),
          params: { temperature: 0.7, top_p: 0.9, seed },
          deadlineMs: 1000,
        });
        picks.set(r.text, (picks.get(r.text) ?? 0) + 1);
      }
      expect([...picks.keys()].sort()).toEqual([ZH[0], ZH[1]].sort());
      expect(picks.get(ZH[0])!).toBeGreaterThan(130);
      expect(picks.get(ZH[1])!).toBeGreaterThan(15);
    });

    it('through the queue: the worker reads the same prompt', async () => {
      const g = gw.app.get<Generator>(GENERATOR);
      const r = await g.generate({
        messages: quoting('这个多少钱啊？'),
        params: { do_sample: false },
        deadlineMs: 3000,
      });
      expect(r.text).toBe(ZH[0]);
    });
  });

  it('answers through the queue with the worker running the retrieval provider', async () => {
    const g = gw.app.get<Generator>(GENERATOR);
    const r = await g.generate({
      messages: convo('Sign me up, I want to buy it.'),
      params: { do_sample: false },
      deadlineMs: 3000,
    });
    expect(r.model).toMatch(/^retrieval:/);
    expect(r.text.length).toBeGreaterThan(10);
    const check = worker.app
      .get(ReadinessRegistry)
      .list()
      .find((c) => c.name === 'generator');
    expect(await check?.check()).toMatchObject({ up: true, provider: 'retrieval', pairs: 304 });
  });
});
