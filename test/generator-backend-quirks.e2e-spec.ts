// Real servers' quirks, reproduced by the local OpenAI-protocol server over real HTTP and SSE: vLLM's
// top-level error body and context-length 400s, reasoning models' <think> blocks and reasoning_content,
// beam search's several choices, a 503 while a model loads, answers cut by their token budget.
import {
  GeneratorBadResponseError,
  GeneratorClientError,
  GeneratorNoAnswerError,
  OpenAiCompatibleProvider,
  type GenerateRequest,
  type GenerateStreamEnd,
  type OpenAiProviderOptions,
} from '@huashu/generator';
import { readStream, sentencesOf, textOf } from './support/generator-stream.js';
import { startFakeOpenAiServer, VLLM_CONTEXT_400, type FakeOpenAiServer } from './support/fake-openai-server.js';

const messages = [
  { role: 'system' as const, content: 'You are a polite sales agent.' },
  { role: 'user' as const, content: 'How much is it?' },
];

describe('OpenAI-compatible provider and real servers’ quirks', () => {
  let server: FakeOpenAiServer;
  beforeAll(async () => {
    server = await startFakeOpenAiServer();
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    server.behave({});
    server.requests.length = 0;
  });

  const provider = (over: Partial<OpenAiProviderOptions> = {}) =>
    new OpenAiCompatibleProvider({
      baseUrl: server.baseUrl,
      model: 'qwen3-test',
      backend: 'vllm',
      retryBaseMs: 5,
      ...over,
    });
  const req = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({
    messages,
    params: {},
    deadlineMs: 3000,
    ...over,
  });

  describe('client errors (4xx) degrade the turn only', () => {
    it("keeps vLLM's error text, does not retry, and does not open the breaker", async () => {
      const p = provider({ breakerThreshold: 2 });
      server.behave({ mode: 'fail', status: 400, errorBody: VLLM_CONTEXT_400 });
      for (let i = 0; i < 5; i++) {
        const err = await p.generate(req()).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GeneratorClientError);
        expect((err as GeneratorClientError).kind).toBe('client_error');
        expect((err as Error).message).toContain("This model's maximum context length is 2048 tokens");
        expect((err as Error).message).not.toContain('no body');
      }
      expect(server.requests).toHaveLength(5);
      expect(p.breakerState).toBe('closed');
      server.behave({ text: 'Still serving.' });
      expect((await p.generate(req())).text).toBe('Still serving.');
    });

    it.each([401, 403, 404, 413, 422])(
      'does not count an HTTP %i against the breaker (JSON and stream)',
      async (status) => {
        const p = provider({ breakerThreshold: 1 });
        server.behave({ mode: 'fail', status });
        await expect(p.generate(req())).rejects.toBeInstanceOf(GeneratorClientError);
        expect((await readStream(p.stream(req()))).error).toBeInstanceOf(GeneratorClientError);
        expect(server.requests).toHaveLength(2);
        expect(p.breakerState).toBe('closed');
      },
    );

    it("keeps TGI's error text ({error: string})", async () => {
      server.behave({
        mode: 'fail',
        status: 422,
        errorBody: { error: 'Input validation error: `top_p` must be > 0.0 and < 1.0', error_type: 'validation' },
      });
      const err = await provider({ backend: 'tgi' })
        .generate(req())
        .catch((e: unknown) => e);
      expect((err as Error).message).toContain('`top_p` must be > 0.0 and < 1.0');
    });

    it('still counts server faults, once per request however many attempts it took', async () => {
      const p = provider({ breakerThreshold: 2, maxAttempts: 3 });
      server.behave({ mode: 'fail', status: 500 });
      await expect(p.generate(req())).rejects.toBeInstanceOf(GeneratorBadResponseError);
      expect(server.requests).toHaveLength(3);
      expect(p.breakerState).toBe('closed');
      await expect(p.generate(req())).rejects.toBeInstanceOf(GeneratorBadResponseError);
      expect(p.breakerState).toBe('open');
    });
  });

  describe('a 503 while the model loads', () => {
    it('backs off before retrying (not within milliseconds)', async () => {
      server.behave([
        { mode: 'fail', status: 503, errorBody: { error: { message: 'model is loading' } } },
        { text: 'Loaded.' },
      ]);
      const r = await provider({ unavailableBackoffMs: 150 }).generate(req());
      expect(r.text).toBe('Loaded.');
      expect(server.requests).toHaveLength(2);
      const [first, second] = server.requests.map((q) => q.receivedAt);
      expect(second - first).toBeGreaterThanOrEqual(140);
    });

    it("honours a 503's Retry-After, and does not retry when the deadline cannot wait for it", async () => {
      server.behave({ mode: 'fail', status: 503, headers: { 'retry-after': '5' } });
      const err = await provider()
        .generate(req({ deadlineMs: 1000 }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GeneratorBadResponseError);
      expect((err as GeneratorBadResponseError).retryAfterMs).toBe(5000);
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('reasoning models', () => {
    const THOUGHT = '<think>\nThe customer asks the price. I should quote 99. Be brief!\n</think>\n\n';

    it('drops a leading <think> block from a JSON answer and records only its length', async () => {
      server.behave({ text: `${THOUGHT}It is 99 a month.` });
      const r = await provider().generate(req());
      expect(r.text).toBe('It is 99 a month.');
      expect(r.thinking?.strippedChars).toBeGreaterThan(40);
      expect(JSON.stringify(r)).not.toContain('quote 99');
    });

    it('fails a reply cut inside its thinking as no answer: not retried, not a breaker failure', async () => {
      const p = provider({ breakerThreshold: 1 });
      server.behave({ text: '<think>\nThe customer asks the price. Let me consider', finishReason: 'length' });
      const err = await p.generate(req({ params: { max_tokens: 16 } })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GeneratorNoAnswerError);
      expect((err as Error).message).toContain('the model used its token budget on reasoning (max 16 tokens)');
      expect(server.requests).toHaveLength(1);
      expect(p.breakerState).toBe('closed');
    });

    it('fails content null + reasoning_content + finish length as no answer, once (JSON and stream)', async () => {
      const p = provider({ breakerThreshold: 1 });
      server.behave({ contentNull: true, reasoning: 'Okay, the user wants a price…', finishReason: 'length' });
      const err = await p.generate(req()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GeneratorNoAnswerError);
      expect((err as Error).message).toContain('on reasoning');
      const streamed = await readStream(p.stream(req()));
      expect(streamed.error).toBeInstanceOf(GeneratorNoAnswerError);
      expect(streamed.chunks).toEqual([]);
      expect(server.requests).toHaveLength(2);
      expect(p.breakerState).toBe('closed');
    });

    it('never streams thinking as text or sentences, and says how the stream ended', async () => {
      server.behave({ text: `${THOUGHT}It is 99 a month. Shall I sign you up?`, chunkChars: 3 });
      const { chunks, end, error } = await readStream(provider().stream(req()));
      expect(error).toBeUndefined();
      expect(sentencesOf(chunks)).toEqual(['It is 99 a month.', 'Shall I sign you up?']);
      expect(textOf(chunks)).toBe('It is 99 a month. Shall I sign you up?');
      expect(end).toMatchObject({ finishReason: 'stop', model: 'qwen3-test' });
      expect((end as GenerateStreamEnd).thinking?.strippedChars).toBeGreaterThan(40);
    });

    it('sends chat_template_kwargs.enable_thinking=false to vLLM when told to', async () => {
      await provider({ disableThinking: true }).generate(req());
      expect(server.requests[0].body.chat_template_kwargs).toEqual({ enable_thinking: false });
      server.requests.length = 0;
      await provider().generate(req());
      expect(server.requests[0].body).not.toHaveProperty('chat_template_kwargs');
    });

    it('asks llama.cpp (chat_template_kwargs) and Ollama (reasoning_effort: none) not to think, each in its own field', async () => {
      await provider({ backend: 'llamacpp', disableThinking: true }).generate(req());
      await provider({ backend: 'ollama', disableThinking: true }).generate(req());
      expect(server.requests[0].body.chat_template_kwargs).toEqual({ enable_thinking: false });
      expect(server.requests[1].body).toMatchObject({ reasoning_effort: 'none' });
      expect(server.requests[1].body).not.toHaveProperty('chat_template_kwargs');
    });

    // DeepSeek-R1 / QwQ on a server without a reasoning parser: the template opened <think> in the prompt.
    const R1 =
      'The customer asks the price. I should quote 99. Be brief!\n</think>\n\nIt is 99 a month. Shall I sign you up?';

    it.each([1, 3, 8, 1000])(
      'streams thinking opened in the prompt as generate() answers it, never as a sentence (pieces of %i)',
      async (chunkChars) => {
        server.behave({ text: R1, chunkChars });
        const whole = await provider().generate(req());
        const { chunks, end, error } = await readStream(provider().stream(req()));
        expect(error).toBeUndefined();
        expect(whole.text).toBe('It is 99 a month. Shall I sign you up?');
        expect(textOf(chunks)).toBe(whole.text);
        expect(sentencesOf(chunks)).toEqual(['It is 99 a month.', 'Shall I sign you up?']);
        expect((end as GenerateStreamEnd).thinking).toEqual(whole.thinking);
      },
    );

    it('LLM_THINKING=prompt: a reply that never closes its thinking has no answer, streamed or not', async () => {
      const p = provider({ thinking: 'prompt' });
      server.behave({ text: 'The customer asks the price. Let me consider', finishReason: 'length' });
      await expect(p.generate(req())).rejects.toBeInstanceOf(GeneratorNoAnswerError);
      const streamed = await readStream(p.stream(req()));
      expect(streamed.error).toBeInstanceOf(GeneratorNoAnswerError);
      expect(streamed.chunks).toEqual([]);
    });

    it('LLM_THINKING=tags: a plain reply streams before the model has finished', async () => {
      server.behave({ text: 'It is 99 a month. Shall I sign you up?', chunkChars: 4, chunkDelayMs: 20 });
      const it = provider({ thinking: 'tags' }).stream(req())[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first).toMatchObject({ done: false, value: { type: 'text', text: 'It i' } });
      await it.return?.({ finishReason: 'stop', model: 'unused' });
    });

    const PLAIN = 'It is 99 a month. Shall I sign you up?';
    const firstText = async (p: OpenAiCompatibleProvider): Promise<unknown> => {
      const it = p.stream(req())[Symbol.asyncIterator]();
      const first = await it.next();
      await it.return?.({ finishReason: 'stop', model: 'unused' });
      return first.value;
    };

    it('LLM_THINKING=auto holds a plain stream until its end only until the model has finished a reply', async () => {
      const p = provider();
      server.behave({ text: PLAIN, chunkChars: 4, chunkDelayMs: 5 });
      // Not yet known whether a `</think>` is coming: the whole reply arrives as one piece at its end.
      expect(await firstText(p)).toEqual({ type: 'text', text: PLAIN });
      await readStream(p.stream(req()));
      // Its first finished reply had no `</think>`: later replies stream at once.
      expect(await firstText(p)).toEqual({ type: 'text', text: 'It i' });
    });

    it('LLM_THINKING=auto does not learn from a reply cut by its budget or by a stop string', async () => {
      const p = provider();
      server.behave({ text: PLAIN, chunkChars: 4, finishReason: 'length' });
      await p.generate(req());
      await p.generate(req({ params: { stop: ['Shall'] } }));
      expect(await firstText(p)).toEqual({ type: 'text', text: PLAIN });
    });

    it('LLM_THINKING=auto learns from an R1 reply that its template opens thinking: unclosed thinking is then no answer', async () => {
      const p = provider();
      const unclosed = 'The customer asks the price. Let me consider the plans';
      // Unlearned, a reply with no `</think>` at all cannot be told from an answer.
      server.behave({ text: unclosed, finishReason: 'length' });
      expect((await p.generate(req())).text).toBe(unclosed);
      server.behave({ text: R1, chunkChars: 8 });
      expect((await p.generate(req())).text).toBe(PLAIN);
      server.behave({ text: unclosed, finishReason: 'length', chunkChars: 8 });
      await expect(p.generate(req())).rejects.toBeInstanceOf(GeneratorNoAnswerError);
      const streamed = await readStream(p.stream(req()));
      expect(streamed.error).toBeInstanceOf(GeneratorNoAnswerError);
      expect(streamed.chunks).toEqual([]);
    });

    it.each(['reasoning_content', 'reasoning', 'both'] as const)(
      'counts reasoning sent as %s once, and reads the content beside it as the answer (JSON and stream)',
      async (reasoningField) => {
        const reasoning = 'The customer asks the price. Quote 99.';
        // The server's parser took the thinking out: a </think> left in the answer is not a thinking end,
        // even for a model set up as opening thinking in the prompt.
        const text = 'It is 99 a month. Type </think> to stop.';
        server.behave({ text, reasoning, reasoningField, chunkChars: 5 });
        const p = provider({ thinking: 'prompt' });
        const r = await p.generate(req());
        expect(r.text).toBe(text);
        expect(r.thinking).toEqual({ strippedChars: reasoning.length });
        const { chunks, end } = await readStream(p.stream(req()));
        expect(textOf(chunks)).toBe(text);
        expect((end as GenerateStreamEnd).thinking).toEqual({ strippedChars: reasoning.length });
      },
    );

    it("counts llama.cpp's deepseek-legacy thinking (tags in the content and reasoning_content) once", async () => {
      const reasoning = 'The customer asks the price. Quote 99.';
      server.behave({ text: `<think>${reasoning}</think>It is 99 a month.`, reasoning, chunkChars: 6 });
      const r = await provider({ backend: 'llamacpp' }).generate(req());
      expect(r).toMatchObject({ text: 'It is 99 a month.', thinking: { strippedChars: reasoning.length } });
      const { chunks, end } = await readStream(provider({ backend: 'llamacpp' }).stream(req()));
      expect(textOf(chunks)).toBe('It is 99 a month.');
      expect((end as GenerateStreamEnd).thinking).toEqual({ strippedChars: reasoning.length });
    });
  });

  describe('what a stream and a result report', () => {
    it('drops the fragment a token budget cut off, and reports finish length', async () => {
      server.behave({ text: 'It is 99 a month. It includes two lines and', finishReason: 'length', chunkChars: 5 });
      const { chunks, end } = await readStream(provider().stream(req()));
      expect(sentencesOf(chunks)).toEqual(['It is 99 a month.']);
      expect(end).toMatchObject({ finishReason: 'length' });
    });

    it('lists the parameters the backend cannot honour (JSON result and stream end)', async () => {
      const params = { top_k: 40, repetition_penalty: 1.1, top_p: 1 };
      const r = await provider({ backend: 'tgi' }).generate(req({ params }));
      expect(r.ignoredParams).toEqual(['top_k', 'repetition_penalty']);
      expect(server.requests[0].body).not.toHaveProperty('top_p');
      const { end } = await readStream(provider({ backend: 'tgi' }).stream(req({ params })));
      expect((end as GenerateStreamEnd).ignoredParams).toEqual(['top_k', 'repetition_penalty']);
    });

    it('answers vLLM beam search with the first beam only (JSON and stream)', async () => {
      server.behave({ text: 'Best beam. Really.' });
      const params = { num_beams: 3, do_sample: false };
      expect((await provider().generate(req({ params }))).text).toBe('Best beam. Really.');
      expect(server.requests[0].body).toMatchObject({ use_beam_search: true, n: 3 });
      const { chunks } = await readStream(provider().stream(req({ params })));
      expect(textOf(chunks)).toBe('Best beam. Really.');
    });
  });
});
