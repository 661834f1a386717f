import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { APIConnectionError, APIError, APIUserAbortError, RateLimitError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { nowMs } from '@huashu/common';
import {
  GeneratorBadResponseError,
  GeneratorCancelledError,
  GeneratorError,
  GeneratorRateLimitError,
  GeneratorRefusalError,
  GeneratorTimeoutError,
  GeneratorUnavailableError,
} from '../errors/generator.errors.js';
import { BREAKER_STATE_VALUE, type BreakerStateName, type GeneratorMetrics } from '../generator.metrics.js';
import type { GenerateChunk, GenerateRequest, GenerateResult, Generator } from '../generator.port.js';
import { mapParams, type LlmBackend } from '../sampling/backend-params.js';
import { JsonKeyedCache } from '../sampling/json-keyed-cache.js';
import { parseSamplingParams } from '../sampling/sampling-params.schema.js';
import { SentenceSplitter } from '../text/sentence-splitter.js';

export interface OpenAiProviderOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  backend: LlmBackend;
  /** Consecutive failures that open the breaker. */
  breakerThreshold?: number;
  /** How long the breaker stays open before one half-open probe. */
  breakerHalfOpenAfterMs?: number;
  /** First retry delay; doubles per attempt, full jitter. */
  retryBaseMs?: number;
  maxAttempts?: number;
  /** Don't start an attempt with less time than this left: it could not finish anyway. */
  minAttemptMs?: number;
}

const BREAKER_NAME: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

/** Why the per-call AbortController fired. */
type AbortCause = 'deadline' | 'caller';

type CallScope = ReturnType<OpenAiCompatibleProvider['callScope']>;

/** Request fields of validated, mapped sampling parameters kept per distinct parameter set. */
const MAPPED_CACHE_SIZE = 256;

/** A breaker execution held open until the stream it started has ended. */
interface HeldAttempt<T> {
  value: T;
  /** End the execution: no error = success; a GeneratorError counts as the breaker's policy says. */
  settle(err?: GeneratorError): void;
}

/**
 * Generator over any OpenAI-compatible chat-completions server (vLLM, TGI, llama.cpp, Ollama,
 * DeepSeek, Qwen, OpenAI) through the official `openai` client. The SDK's own retries are off:
 * retries here are deadline-aware (a retry that cannot finish before the turn's deadline is not
 * started), and every request carries an AbortSignal so a deadline or a caller hang-up closes the
 * upstream connection rather than leaving the GPU to finish a reply nobody will hear.
 */
export class OpenAiCompatibleProvider implements Generator {
  private readonly client: OpenAI;
  readonly breaker: CircuitBreakerPolicy;
  private readonly o: Required<Omit<OpenAiProviderOptions, 'apiKey'>> & { apiKey?: string };
  private readonly mapped = new JsonKeyedCache<Record<string, unknown>>(MAPPED_CACHE_SIZE);

  constructor(
    options: OpenAiProviderOptions,
    private readonly metrics?: GeneratorMetrics,
  ) {
    this.o = {
      breakerThreshold: 5,
      breakerHalfOpenAfterMs: 5000,
      retryBaseMs: 50,
      maxAttempts: 3,
      minAttemptMs: 20,
      ...options,
    };
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      // Local servers (vLLM, llama.cpp, Ollama) accept any key; the SDK insists on one.
      apiKey: options.apiKey ?? 'not-needed',
      maxRetries: 0,
    });
    // Only backend faults count: a refusal, a bad request or the caller hanging up says nothing about
    // the server's health.
    this.breaker = circuitBreaker(
      handleWhen(
        (err) =>
          err instanceof GeneratorError &&
          (err.kind === 'bad_response' || err.kind === 'timeout' || err.kind === 'rate_limited'),
      ),
      { halfOpenAfter: this.o.breakerHalfOpenAfterMs, breaker: new ConsecutiveBreaker(this.o.breakerThreshold) },
    );
    const label = this.backendLabel;
    this.metrics?.breakerState.set({ backend: label }, BREAKER_STATE_VALUE.closed);
    this.breaker.onStateChange((state) => {
      const name = BREAKER_NAME[state];
      this.metrics?.breakerState.set({ backend: label }, BREAKER_STATE_VALUE[name]);
      this.metrics?.breakerTransitions.inc({ backend: label, state: name });
    });
  }

  /** Breaker/metric label: backend family and host, never the key. */
  get backendLabel(): string {
    return `${this.o.backend}:${new URL(this.o.baseUrl).host}`;
  }

  get breakerState(): BreakerStateName {
    return BREAKER_NAME[this.breaker.state];
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const start = nowMs();
    // The deadline timer is armed before any other work, so the deadline counts from the call.
    const call = this.callScope(req, start);
    const fields = this.validated(req, call);
    try {
      const body = {
        model: this.o.model,
        messages: req.messages,
        ...fields,
        stream: false,
      } as ChatCompletionCreateParamsNonStreaming;
      // Validation of the body sits inside the attempt so a malformed answer is retried like a 5xx.
      const { completion, choice } = await this.withRetries(
        call,
        (attempt) => this.breaker.execute(attempt),
        async () => {
          let completion: ChatCompletion;
          try {
            completion = await this.client.chat.completions.create(body, {
              signal: call.signal,
              timeout: Math.ceil(call.remainingMs()) + 1000,
            });
          } catch (err) {
            throw this.toGeneratorError(err, call);
          }
          const choice = completion?.choices?.[0];
          if (choice?.message?.refusal) throw new GeneratorRefusalError(choice.message.refusal);
          if (!choice || typeof choice.message?.content !== 'string')
            throw new GeneratorBadResponseError('no message content in the first choice', true);
          return { completion, choice: { ...choice, content: choice.message.content } };
        },
      );
      const finishReason =
        choice.finish_reason === 'length'
          ? 'length'
          : choice.finish_reason === 'content_filter'
            ? 'content_filter'
            : 'stop';
      if (finishReason === 'content_filter' && choice.content.trim() === '')
        throw new GeneratorRefusalError('content filter');
      const result: GenerateResult = {
        text: choice.content,
        finishReason,
        model: completion.model || this.o.model,
        latencyMs: nowMs() - start,
        ...(completion.usage
          ? {
              usage: {
                promptTokens: completion.usage.prompt_tokens,
                completionTokens: completion.usage.completion_tokens,
              },
            }
          : {}),
      };
      this.observe(start, 'ok');
      return result;
    } catch (err) {
      const e = this.toGeneratorError(err, call);
      this.observe(start, e.kind);
      throw e;
    } finally {
      // A non-streamed response has been read in full (or the request aborted): nothing left open.
      call.dispose(false);
    }
  }

  async *stream(req: GenerateRequest): AsyncGenerator<GenerateChunk> {
    const start = nowMs();
    const call = this.callScope(req, start);
    const fields = this.validated(req, call);
    const splitter = new SentenceSplitter();
    let outcome = 'ok';
    let held: HeldAttempt<unknown> | undefined;
    /** The response was read to its end (the iteration completed). */
    let drained = false;
    let failure: GeneratorError | undefined;
    try {
      const body = {
        model: this.o.model,
        messages: req.messages,
        ...fields,
        stream: true,
      } as ChatCompletionCreateParamsStreaming;
      // Retries only until the response starts: text already handed to the caller cannot be unsaid.
      // The breaker execution lasts until the stream ends, so a stream cut after some tokens counts as
      // the backend failure it is (and a clean start followed by a cut is not a success).
      const attempt = await this.withRetries(
        call,
        (open) => this.holdBreaker(open),
        async () => {
          try {
            return await this.client.chat.completions.create(body, {
              signal: call.signal,
              timeout: Math.ceil(call.remainingMs()) + 1000,
            });
          } catch (err) {
            throw this.toGeneratorError(err, call);
          }
        },
        (late) => late.settle(new GeneratorCancelledError()),
      );
      held = attempt;
      const sse = attempt.value;
      let finished = false;
      try {
        for await (const chunk of sse) {
          const choice = chunk.choices?.[0];
          if (!choice) continue;
          if (choice.delta?.refusal) throw new GeneratorRefusalError(choice.delta.refusal);
          const text = choice.delta?.content;
          if (text) {
            yield { type: 'text', text };
            for (const sentence of splitter.push(text)) yield { type: 'sentence', text: sentence };
          }
          if (choice.finish_reason) finished = true;
        }
        drained = true;
      } catch (err) {
        if (err instanceof GeneratorError) throw err;
        if (call.signal.aborted) throw this.toGeneratorError(err, call);
        throw new GeneratorBadResponseError(`stream broke: ${(err as Error).message}`, false, { cause: err });
      }
      // The SDK ends the iteration quietly when its request is aborted: say why.
      if (call.signal.aborted) throw this.toGeneratorError(new APIUserAbortError(), call);
      if (!finished) throw new GeneratorBadResponseError('stream ended without a finish reason (cut)', false);
      for (const sentence of splitter.flush()) yield { type: 'sentence', text: sentence };
    } catch (err) {
      failure = this.toGeneratorError(err, call);
      outcome = failure.kind;
      throw failure;
    } finally {
      // A consumer that stops reading early (return()) says nothing about the backend's health.
      held?.settle(failure ?? (drained ? undefined : new GeneratorCancelledError()));
      // Runs too when the consumer stops iterating early: the abort closes the socket.
      call.dispose(!drained || failure !== undefined);
      this.observe(start, outcome);
    }
  }

  /** `requestFields`, releasing the call's timer and listener when the parameters are invalid. */
  private validated(req: GenerateRequest, call: CallScope): Record<string, unknown> {
    try {
      return this.requestFields(req.params);
    } catch (err) {
      call.dispose(false);
      throw err;
    }
  }

  /** Validated sampling parameters mapped to this backend's request fields, cached per distinct set. */
  private requestFields(params: unknown): Record<string, unknown> {
    return this.mapped.get(params, (input) => {
      const mapped = mapParams(parseSamplingParams(input), this.o.backend);
      return { ...mapped.standard, ...mapped.extra };
    });
  }

  /**
   * One breaker execution that starts with `open` and ends when the caller settles it: the outcome the
   * breaker records is the whole stream's, not its first bytes'.
   */
  private holdBreaker<T>(open: () => Promise<T>): Promise<HeldAttempt<T>> {
    return new Promise((resolve, reject) => {
      this.breaker
        .execute(async () => {
          const value = await open();
          await new Promise<void>((ended, failed) =>
            resolve({ value, settle: (err?: GeneratorError) => (err === undefined ? ended() : failed(err)) }),
          );
        })
        // Before `resolve` this is the opening failure; after it, the stream's own error, already thrown.
        .catch(reject);
    });
  }

  private observe(start: number, outcome: string): void {
    this.metrics?.requests.inc({ provider: 'openai', outcome });
    this.metrics?.latency.observe({ provider: 'openai' }, (nowMs() - start) / 1000);
  }

  /**
   * One AbortController per call, fired by the deadline timer or the caller's signal. The timer is armed
   * for what is left of the deadline since `start`: Node timers count from the millisecond they are
   * armed in, so one armed after other work fires late by that work, and on a loaded machine by a whole
   * extra event-loop wake-up when it lands past the caller's own timer for the same deadline.
   */
  private callScope(req: GenerateRequest, start: number) {
    const controller = new AbortController();
    let cause: AbortCause | undefined;
    const abort = (why: AbortCause) => {
      if (cause) return;
      cause = why;
      controller.abort(why);
    };
    const timer = setTimeout(() => abort('deadline'), Math.max(0, start + req.deadlineMs - nowMs()));
    const onCaller = () => abort('caller');
    if (req.signal?.aborted) abort('caller');
    else req.signal?.addEventListener('abort', onCaller, { once: true });
    return {
      signal: controller.signal,
      deadlineMs: req.deadlineMs,
      cause: () => cause,
      remainingMs: () => Math.max(0, start + req.deadlineMs - nowMs()),
      /** `closeUpstream`: a response may still be open (a stream not read to its end). */
      dispose: (closeUpstream: boolean) => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onCaller);
        if (closeUpstream && !controller.signal.aborted) controller.abort('done');
      },
    };
  }

  /**
   * `guard` runs one attempt under the breaker (plain, or held for a stream); `discard` releases what a
   * guard hands back after the call has given up on it.
   */
  private async withRetries<T, R>(
    call: CallScope,
    guard: (attempt: () => Promise<T>) => Promise<R>,
    attempt: () => Promise<T>,
    discard?: (late: R) => void,
  ): Promise<R> {
    // The breaker holds calls while a half-open probe runs (for a stream, until the probe's stream ends).
    // A call whose deadline or caller gave up meanwhile is abandoned: when the breaker gets to it, it must
    // neither reach the backend nor count as the backend's failure.
    const run = () => (call.signal.aborted ? Promise.reject(new GeneratorCancelledError()) : attempt());
    for (let n = 1; ; n++) {
      try {
        return await this.untilAborted(guard(run), call.signal, discard);
      } catch (raw) {
        const err =
          raw instanceof BrokenCircuitError
            ? new GeneratorUnavailableError(`circuit open for ${this.backendLabel}`, { cause: raw })
            : this.toGeneratorError(raw, call);
        if (!err.retryable || n >= this.o.maxAttempts || call.signal.aborted) throw err;
        // Full jitter (AWS architecture blog "Exponential Backoff And Jitter"); a server's Retry-After wins.
        const backoff = Math.random() * this.o.retryBaseMs * 2 ** (n - 1);
        const delay =
          err instanceof GeneratorRateLimitError && err.retryAfterMs !== undefined
            ? Math.max(backoff, err.retryAfterMs)
            : backoff;
        if (delay + this.o.minAttemptMs >= call.remainingMs()) throw err;
        this.metrics?.retries.inc({ provider: 'openai' });
        try {
          await sleep(delay, undefined, { signal: call.signal });
        } catch {
          throw this.toGeneratorError(new APIUserAbortError(), call);
        }
      }
    }
  }

  /** `work`, or the call's own abort as soon as it fires (the breaker may be holding `work`). */
  private untilAborted<R>(work: Promise<R>, signal: AbortSignal, discard?: (late: R) => void): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const onAbort = () => reject(new APIUserAbortError());
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          // Aborted first: this promise has already failed, and nobody will use `value`.
          if (signal.aborted) discard?.(value);
          resolve(value);
        },
        (err: Error) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
    });
  }

  /** Map SDK and network errors to the lib's typed errors. */
  private toGeneratorError(
    err: unknown,
    call: { cause(): AbortCause | undefined; deadlineMs: number },
  ): GeneratorError {
    if (err instanceof GeneratorError) return err;
    const cause = call.cause();
    if (cause === 'deadline') return new GeneratorTimeoutError(call.deadlineMs, { cause: err });
    if (cause === 'caller') return new GeneratorCancelledError({ cause: err });
    if (err instanceof BrokenCircuitError)
      return new GeneratorUnavailableError(`circuit open for ${this.backendLabel}`, { cause: err });
    if (err instanceof RateLimitError) {
      const header: string | null | undefined = (err.headers as Headers | undefined)?.get('retry-after');
      const seconds = header ? Number(header) : NaN;
      return new GeneratorRateLimitError(Number.isFinite(seconds) ? seconds * 1000 : undefined, { cause: err });
    }
    if (err instanceof APIConnectionError)
      return new GeneratorBadResponseError(`connection failed: ${err.message}`, true, { cause: err });
    if (err instanceof APIError) {
      const status: number = typeof err.status === 'number' ? err.status : 0;
      return new GeneratorBadResponseError(`HTTP ${status}: ${err.message}`, status >= 500 || status === 408, {
        cause: err,
      });
    }
    // JSON that does not parse, a body of the wrong shape: the server is misbehaving, retry once more.
    return new GeneratorBadResponseError((err as Error)?.message ?? String(err), true, { cause: err });
  }
}
