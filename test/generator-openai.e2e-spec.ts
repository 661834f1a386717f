import { Registry } from 'prom-client';
import {
  GeneratorBadResponseError,
  GeneratorCancelledError,
  GeneratorClientError,
  GeneratorMetrics,
  GeneratorRateLimitError,
  GeneratorRefusalError,
  GeneratorTimeoutError,
  GeneratorUnavailableError,
  InvalidSamplingParamsError,
  OpenAiCompatibleProvider,
  type GenerateChunk,
  type LlmBackend,
  type OpenAiProviderOptions,
} from '@huashu/generator';
import { settleAgainstDeadline, startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server.js';

const messages = [
  { role: 'system' as const, content: 'You are a polite sales agent.' },
  { role: 'user' as const, content: 'How much is it?' },
];

describe('OpenAI-compatible provider against a local chat-completions server', () => {
  let server: FakeOpenAiServer;
  beforeAll(async () => {
    let arrived!: () => void;
    const firstRequest = new Promise<void>((resolve) => (arrived = resolve));
    server = await startFakeOpenAiServer({ onRequest: () => arrived() });
    // Abort one request in flight first, so the deadline tests measure the steady state: when undici drops
    // the socket, Node's stream destroy reads the error's stack, and the first stack read through Jest's
    // source-map support loads its mapper and parses the maps of the files on the stack (40 to 200 ms on a
    // loaded machine). The abort waits until the server holds the request: a 100 ms warm-up deadline raced
    // the SDK's first request, and under load fired before anything was sent, which left the path cold.
    server.behave({ delayMs: 60_000 });
    const hangup = new AbortController();
    const warm = new OpenAiCompatibleProvider({ baseUrl: server.baseUrl, model: 'warm', backend: 'openai' })
      .generate({ messages, params: {}, deadlineMs: 60_000, signal: hangup.signal })
      .catch(() => undefined);
    await firstRequest;
    hangup.abort();
    await warm;
    await server.requests[0].settled;
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    server.behave({});
    server.requests.length = 0;
  });

  // The fake model does not think (LLM_THINKING=tags): its text streams as it comes, which the streaming
  // checks below rely on (under `auto` a reply without <think> is held until its end).
  const provider = (over: Partial<OpenAiProviderOptions> = {}, metrics?: GeneratorMetrics) =>
    new OpenAiCompatibleProvider(
      {
        baseUrl: server.baseUrl,
        apiKey: 'sk-test',
        model: 'qwen-test',
        backend: 'vllm',
        thinking: 'tags',
        retryBaseMs: 5,
        ...over,
      },
      metrics,
    );

  it('generates from a JSON response and sends the model, messages and key', async () => {
    server.behave({ text: 'The standard plan is 99 a month.' });
    const r = await provider().generate({ messages, params: { temperature: 0.7, max_tokens: 64 }, deadlineMs: 2000 });
    expect(r).toMatchObject({
      text: 'The standard plan is 99 a month.',
      finishReason: 'stop',
      model: 'qwen-test',
      usage: { promptTokens: 12 },
    });
    expect(r.latencyMs).toBeGreaterThan(0);
    const sent = server.requests[0];
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect(sent.body).toMatchObject({ model: 'qwen-test', messages, temperature: 0.7, max_tokens: 64, stream: false });
  });

  it.each<[LlmBackend, Record<string, unknown>, string[]]>([
    [
      'vllm',
      { max_tokens: 50, top_k: 40, repetition_penalty: 1.2, use_beam_search: true, n: 3 },
      ['repeat_penalty', 'best_of', 'max_completion_tokens'],
    ],
    // TGI's chat endpoint has no top_k or repetition_penalty field: not sent, listed as ignored.
    [
      'tgi',
      { max_tokens: 50 },
      ['top_k', 'repetition_penalty', 'use_beam_search', 'repeat_penalty', 'max_completion_tokens'],
    ],
    ['llamacpp', { max_tokens: 50, top_k: 40, repeat_penalty: 1.2 }, ['repetition_penalty', 'use_beam_search']],
    ['ollama', { max_tokens: 50 }, ['top_k', 'repetition_penalty', 'repeat_penalty', 'use_beam_search']],
    // OpenAI's o-series and gpt-5 reject max_tokens; max_completion_tokens works for every chat model.
    [
      'openai',
      { max_completion_tokens: 50 },
      [
        'max_tokens',
        'top_k',
        'repetition_penalty',
        'repeat_penalty',
        'use_beam_search',
        'no_repeat_ngram_size',
        'num_beams',
      ],
    ],
  ])('maps sampling parameters on the wire for %s', async (backend, extra, absent) => {
    await provider({ backend }).generate({
      messages,
      params: {
        temperature: 0.8,
        top_p: 0.9,
        top_k: 40,
        repetition_penalty: 1.2,
        num_beams: 3,
        no_repeat_ngram_size: 3,
        stop: ['\n\n'],
        seed: 7,
        max_tokens: 50,
      },
      deadlineMs: 2000,
    });
    const body = server.requests[0].body;
    expect(body).toMatchObject({ temperature: 0.8, top_p: 0.9, stop: ['\n\n'], seed: 7, ...extra });
    for (const key of absent) expect(body).not.toHaveProperty(key);
    expect(body).not.toHaveProperty('do_sample');
  });

  it('sends do_sample=false as temperature 0 (greedy)', async () => {
    await provider({ backend: 'openai' }).generate({ messages, params: { do_sample: false }, deadlineMs: 2000 });
    expect(server.requests[0].body.temperature).toBe(0);
  });

  it('rejects invalid sampling parameters with field-level details before calling the server', async () => {
    const err = await provider()
      .generate({
        messages,
        params: { temperature: 3, top_p: 0, do_sample: false, top_k: 5, bogus: 1 } as never,
        deadlineMs: 2000,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSamplingParamsError);
    expect((err as InvalidSamplingParamsError).details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'bogus' })]),
    );
    const greedy = await provider()
      .generate({ messages, params: { do_sample: false, temperature: 0.9 }, deadlineMs: 2000 })
      .catch((e: unknown) => e);
    expect((greedy as InvalidSamplingParamsError).details).toEqual([expect.objectContaining({ field: 'temperature' })]);
    expect(server.requests).toHaveLength(0);
  });

  it('honours the deadline within 50 ms and closes the upstream request', async () => {
    server.behave({ delayMs: 3000 });
    const p = provider();
    const { error, lateMs, elapsedMs } = await settleAgainstDeadline(150, () =>
      p.generate({ messages, params: {}, deadlineMs: 150 }),
    );
    expect(error).toBeInstanceOf(GeneratorTimeoutError);
    expect(elapsedMs).toBeGreaterThanOrEqual(145);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(50);
    await server.requests[0].settled;
    expect(server.requests[0].clientClosedEarly).toBe(true);
  });

  it('counts the deadline from the call, not from after its own set-up work', async () => {
    server.behave({ delayMs: 3000 });
    const p = provider();
    // Parameters that take 40 ms to read each time (the cache key and the validation both read them):
    // a deadline timer armed after that set-up would fire 80 ms or more late.
    // Blocked, not spinning: a spin also took CPU from a loaded machine and filled the young generation with
    // a number per performance.now(), and the collections and CPU waits that followed landed after the
    // deadline.
    const blocker = new Int32Array(new SharedArrayBuffer(4));
    const slowParams = {
      get temperature() {
        Atomics.wait(blocker, 0, 0, 40);
        return 0.7;
      },
    };
    const { error, lateMs, elapsedMs } = await settleAgainstDeadline(150, () =>
      p.generate({ messages, params: slowParams, deadlineMs: 150 }),
    );
    expect(error).toBeInstanceOf(GeneratorTimeoutError);
    expect(elapsedMs).toBeGreaterThanOrEqual(145);
    expect(lateMs).toBeLessThan(40);
  });

  it('honours the deadline mid-stream too', async () => {
    server.behave({ text: 'x'.repeat(800), chunkChars: 2, chunkDelayMs: 20 });
    const p = provider();
    const seen: GenerateChunk[] = [];
    const { error, lateMs } = await settleAgainstDeadline(1000, async () => {
      for await (const c of p.stream({ messages, params: {}, deadlineMs: 1000 })) seen.push(c);
    });
    expect(error).toBeInstanceOf(GeneratorTimeoutError);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(50);
    expect(seen.length).toBeGreaterThan(0);
    await server.requests[0].settled;
    expect(server.requests[0].clientClosedEarly).toBe(true);
  });

  it('stops the upstream request when the caller hangs up', async () => {
    server.behave({ text: 'y'.repeat(400), chunkChars: 2, chunkDelayMs: 20 });
    const hangup = new AbortController();
    let pieces = 0;
    const err = await (async () => {
      for await (const _ of provider().stream({ messages, params: {}, deadlineMs: 5000, signal: hangup.signal })) {
        void _;
        // The caller hangs up once the answer streams, while the provider waits for the next piece. (Hung up
        // 100 ms after the call instead, on a loaded machine the request had not reached the server yet.)
        if (++pieces === 1) setTimeout(() => hangup.abort(), 30);
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeneratorCancelledError);
    await server.requests[0].settled;
    expect(server.requests[0].clientClosedEarly).toBe(true);
  });

  it('closes the upstream stream when the consumer stops reading', async () => {
    server.behave({ text: 'z'.repeat(400), chunkChars: 2, chunkDelayMs: 10 });
    let n = 0;
    for await (const _ of provider().stream({ messages, params: {}, deadlineMs: 5000 })) {
      void _;
      if (++n === 3) break;
    }
    await server.requests[0].settled;
    expect(server.requests[0].clientClosedEarly).toBe(true);
  });

  it('retries a 5xx and a 429 with backoff, then succeeds', async () => {
    server.behave([{ mode: 'fail' }, { mode: 'ratelimit' }, { text: 'ok now' }]);
    const metrics = new GeneratorMetrics(new Registry());
    const r = await provider({}, metrics).generate({ messages, params: {}, deadlineMs: 3000 });
    expect(r.text).toBe('ok now');
    expect(server.requests).toHaveLength(3);
    expect((await metrics.retries.get()).values[0].value).toBe(2);
  });

  it('does not start a retry the deadline cannot accommodate', async () => {
    server.behave({ mode: 'ratelimit', retryAfterS: 5 });
    const started = performance.now();
    const err = await provider()
      .generate({ messages, params: {}, deadlineMs: 1000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeneratorRateLimitError);
    expect((err as GeneratorRateLimitError).retryAfterMs).toBe(5000);
    expect(server.requests).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each([
    ['garbage JSON', { mode: 'garbage' as const }],
    ['a 500 every time', { mode: 'fail' as const }],
    ['no choices', { mode: 'empty' as const }],
  ])('turns %s into a bad-response error after bounded retries', async (_label, b) => {
    server.behave(b);
    const err = await provider()
      .generate({ messages, params: {}, deadlineMs: 3000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeneratorBadResponseError);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 4xx client error', async () => {
    server.behave({ mode: 'fail', status: 400 });
    const err = await provider()
      .generate({ messages, params: {}, deadlineMs: 3000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeneratorClientError);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a refusal as a typed error without retrying (JSON and stream)', async () => {
    server.behave({ mode: 'refusal' });
    await expect(provider().generate({ messages, params: {}, deadlineMs: 2000 })).rejects.toBeInstanceOf(
      GeneratorRefusalError,
    );
    const err = await (async () => {
      for await (const _ of provider().stream({ messages, params: {}, deadlineMs: 2000 })) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeneratorRefusalError);
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['cut mid-stream', 'cut' as const],
    ['ended without a finish reason', 'nofinish' as const],
  ])('fails a stream %s with a bad-response error', async (_label, mode) => {
    server.behave({ mode, text: 'One. Two. Three. Four. Five. Six.', chunkChars: 3 });
    const err = await (async () => {
      for await (const _ of provider().stream({ messages, params: {}, deadlineMs: 2000 })) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeneratorBadResponseError);
  });

  it('opens the breaker after repeated failures, fails fast, then recovers through a half-open probe', async () => {
    const registry = new Registry();
    const p = provider(
      { maxAttempts: 1, breakerThreshold: 2, breakerHalfOpenAfterMs: 200 },
      new GeneratorMetrics(registry),
    );
    server.behave({ mode: 'fail' });
    for (let i = 0; i < 2; i++)
      await expect(p.generate({ messages, params: {}, deadlineMs: 2000 })).rejects.toBeInstanceOf(
        GeneratorBadResponseError,
      );
    expect(p.breakerState).toBe('open');
    const state = async () => (await registry.getSingleMetric('huashu_generator_breaker_state')!.get()).values[0].value;
    expect(await state()).toBe(1);

    const before = server.requests.length;
    await expect(p.generate({ messages, params: {}, deadlineMs: 2000 })).rejects.toBeInstanceOf(
      GeneratorUnavailableError,
    );
    expect(server.requests.length).toBe(before);

    await new Promise((r) => setTimeout(r, 250));
    server.behave({ text: 'back' });
    expect((await p.generate({ messages, params: {}, deadlineMs: 2000 })).text).toBe('back');
    expect(p.breakerState).toBe('closed');
    expect(await state()).toBe(0);
    const transitions = await registry.getSingleMetric('huashu_generator_breaker_transitions_total')!.get();
    expect(transitions.values.map((v) => v.labels.state).sort()).toEqual(['closed', 'half_open', 'open']);
  });

  it('counts a stream cut after some tokens as a breaker failure, and recovers with a whole stream', async () => {
    const p = provider({ maxAttempts: 1, breakerThreshold: 2, breakerHalfOpenAfterMs: 200 });
    const read = async () => {
      const seen: GenerateChunk[] = [];
      const error = await (async () => {
        for await (const c of p.stream({ messages, params: {}, deadlineMs: 2000 })) seen.push(c);
      })().catch((e: unknown) => e);
      return { seen, error };
    };
    server.behave({ mode: 'cut', text: 'One. Two. Three. Four. Five. Six.', chunkChars: 3, chunkDelayMs: 5 });
    for (let i = 0; i < 2; i++) {
      const { seen, error } = await read();
      // The response started fine and delivered tokens: only the end of the stream tells the failure.
      expect(seen.length).toBeGreaterThan(0);
      expect(error).toBeInstanceOf(GeneratorBadResponseError);
    }
    expect(p.breakerState).toBe('open');
    const before = server.requests.length;
    expect((await read()).error).toBeInstanceOf(GeneratorUnavailableError);
    expect(server.requests.length).toBe(before);

    await new Promise((r) => setTimeout(r, 250));
    server.behave({ text: 'Back. Fine.', chunkChars: 3 });
    const probe = await read();
    expect(probe.error).toBeUndefined();
    expect(p.breakerState).toBe('closed');
  });

  it('keeps a call within its deadline while the breaker holds it behind a streaming half-open probe', async () => {
    const p = provider({ maxAttempts: 1, breakerThreshold: 1, breakerHalfOpenAfterMs: 100 });
    server.behave({ mode: 'fail' });
    await expect(p.generate({ messages, params: {}, deadlineMs: 2000 })).rejects.toBeInstanceOf(
      GeneratorBadResponseError,
    );
    await new Promise((r) => setTimeout(r, 150));
    // The probe: a stream of ~1 s, during which the breaker is half-open and holds other calls.
    server.behave({ text: 'Slow probe. '.repeat(10), chunkChars: 3, chunkDelayMs: 25 });
    const probe = (async () => {
      for await (const _ of p.stream({ messages, params: {}, deadlineMs: 5000 })) void _;
    })();
    while (server.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    const { error, lateMs } = await settleAgainstDeadline(200, () =>
      p.generate({ messages, params: {}, deadlineMs: 200 }),
    );
    expect(error).toBeInstanceOf(GeneratorTimeoutError);
    expect(lateMs).toBeLessThan(50);
    await probe;
    // The breaker closes once the probe's execution has settled (a few promise turns after the stream).
    await new Promise((r) => setTimeout(r, 10));
    // The abandoned call neither reached the backend nor counted against it.
    expect(server.requests).toHaveLength(2);
    expect(p.breakerState).toBe('closed');
  });

  it('does not count a consumer that stops reading early against the backend', async () => {
    const p = provider({ maxAttempts: 1, breakerThreshold: 1 });
    server.behave({ text: 'w'.repeat(200), chunkChars: 2, chunkDelayMs: 5 });
    for (let i = 0; i < 2; i++) {
      for await (const _ of p.stream({ messages, params: {}, deadlineMs: 5000 })) {
        void _;
        break;
      }
    }
    expect(p.breakerState).toBe('closed');
    await server.requests[1].settled;
    expect(server.requests[1].clientClosedEarly).toBe(true);
  });

  it.each([
    [
      'zh',
      '您好！这个套餐每月九十九元。需要我把资料发给您吗？',
      ['您好！', '这个套餐每月九十九元。', '需要我把资料发给您吗？'],
    ],
    [
      'en',
      'Hi there. The plan costs 99 dollars a month! Shall I send you the details?',
      ['Hi there.', 'The plan costs 99 dollars a month!', 'Shall I send you the details?'],
    ],
  ])('streams text and complete %s sentences as soon as each is known', async (_lang, text, sentences) => {
    server.behave({ text, chunkChars: 3, chunkDelayMs: 2 });
    const events: GenerateChunk[] = [];
    for await (const c of provider().stream({ messages, params: {}, deadlineMs: 3000 })) events.push(c);
    expect(events.filter((e) => e.type === 'sentence').map((e) => e.text)).toEqual(sentences);
    expect(
      events
        .filter((e) => e.type === 'text')
        .map((e) => e.text)
        .join(''),
    ).toBe(text);
    // The first sentence is out before the last text chunk arrives: streaming, not buffering.
    const firstSentence = events.findIndex((e) => e.type === 'sentence');
    const lastText = events.map((e) => e.type).lastIndexOf('text');
    expect(firstSentence).toBeLessThan(lastText);
    expect(server.requests[0].body.stream).toBe(true);
  });
});
