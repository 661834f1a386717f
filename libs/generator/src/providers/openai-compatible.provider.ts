import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { APIConnectionError, APIError, APIUserAbortError, RateLimitError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { Logger } from '@nestjs/common';
import { nowMs, onDeadline } from '@huashu/common';
import {
  GeneratorBadResponseError,
  GeneratorCancelledError,
  GeneratorClientError,
  GeneratorError,
  GeneratorNoAnswerError,
  GeneratorRateLimitError,
  GeneratorRefusalError,
  GeneratorTimeoutError,
  GeneratorUnavailableError,
} from '../errors/generator.errors.js';
import { BREAKER_STATE_VALUE, type BreakerStateName, type GeneratorMetrics } from '../generator.metrics.js';
import type {
  GenerateChunk,
  GenerateRequest,
  GenerateResult,
  GenerateStreamEnd,
  Generator,
  SamplingParams,
} from '../generator.port.js';
import { mapParams, type LlmBackend } from '../sampling/backend-params.js';
import { JsonKeyedCache } from '../sampling/json-keyed-cache.js';
import { parseSamplingParams } from '../sampling/sampling-params.schema.js';
import { LearnedThinking, type ReplySource } from '../text/learned-thinking.js';
import { stripThinking, ThinkingFilter, type ThinkingStart } from '../text/reasoning.js';
import { mayCompleteSentence, SentenceSplitter } from '../text/sentence-splitter.js';

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
  /**
   * First wait before retrying a 503 without Retry-After (a model still loading: retrying within
   * milliseconds only repeats the answer); doubles per attempt, never past the deadline.
   */
  unavailableBackoffMs?: number;
  /** Ask the model not to think, where the backend has a switch (LLM_DISABLE_THINKING). */
  disableThinking?: boolean;
  /** Where a reasoning model's thinking starts in its reply (LLM_THINKING; `text/reasoning.ts`). */
  thinking?: ThinkingStart;
}

/** Request fields for one parameter set, and the parameters this backend cannot honour. */
interface RequestFields {
  fields: Record<string, unknown>;
  ignored: (keyof SamplingParams)[];
}

/** Assistant message fields some servers add: the reasoning their parser split off the content. */
interface ReasoningFields {
  reasoning_content?: string | null;
  reasoning?: string | null;
}

/**
 * Length of the reasoning a server's parser split off, counted once: vLLM sends it as `reasoning` and,
 * from that rename (vllm#27752) until the old field's removal (vllm#33402), copies the same text into
 * `reasoning_content` too; llama.cpp and DeepSeek send `reasoning_content`, Ollama `reasoning`.
 */
const reasoningLength = (m: ReasoningFields | undefined): number =>
  Math.max(
    typeof m?.reasoning_content === 'string' ? m.reasoning_content.length : 0,
    typeof m?.reasoning === 'string' ? m.reasoning.length : 0,
  );

/**
 * The thinking of one reply, counted once: llama.cpp's `deepseek-legacy` format leaves the thinking in
 * the content between tags and sends the same text as `reasoning_content`.
 */
const thinkingLength = (strippedChars: number, reasoningChars: number): number =>
  Math.max(strippedChars, reasoningChars);

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(headers: Headers | undefined): number | undefined {
  const header = headers?.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * The official client reads an error's text from `{error: {message}}` only. vLLM answers
 * `{object: "error", message, type, code}` and TGI `{error: "text", error_type}`: without this the text
 * is lost ("400 status code (no body)") and nobody can tell why a request was refused.
 */
class CompatibleClient extends OpenAI {
  protected override makeStatusError(
    status: number,
    error: object,
    message: string | undefined,
    headers: Headers,
  ): APIError {
    const body = error as { error?: unknown; message?: unknown; type?: unknown; code?: unknown; error_type?: unknown };
    let normalised: object = error;
    if (body && typeof body === 'object') {
      if (body.error === undefined && typeof body.message === 'string')
        normalised = { error: { message: body.message, type: body.type, code: body.code } };
      else if (typeof body.error === 'string') normalised = { error: { message: body.error, type: body.error_type } };
    }
    return super.makeStatusError(status, normalised, message, headers);
  }
}

/** Why a reply cut by its token budget has no answer, for the error and the audit. */
const noAnswerReason = (thinking: boolean, maxTokens: unknown): string =>
  (thinking ? 'the model used its token budget on reasoning' : 'the model used its token budget before answering') +
  (typeof maxTokens === 'number' ? ` (max ${maxTokens} tokens)` : '');

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
  private readonly mapped = new JsonKeyedCache<RequestFields>(MAPPED_CACHE_SIZE);
  private readonly logger = new Logger('OpenAiCompatibleProvider');
  /** LLM_THINKING: under `auto`, where each model's thinking starts, as its replies showed. */
  private readonly thinking: LearnedThinking;

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
      unavailableBackoffMs: 250,
      disableThinking: false,
      thinking: 'auto',
      ...options,
    };
    this.thinking = new LearnedThinking(this.o.thinking, (message) => this.logger.warn(message));
    this.client = new CompatibleClient({
      baseURL: options.baseUrl,
      // Local servers (vLLM, llama.cpp, Ollama) accept any key; the SDK insists on one.
      apiKey: options.apiKey ?? 'not-needed',
      maxRetries: 0,
    });
    // Only backend faults count: a refusal, a request the server rejected (4xx: client_error), an answer
    // cut by its token budget (no_answer) or the caller hanging up says nothing about the server's health.
    // A request counts once however many attempts it took: its retries run inside one execution.
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
    const { fields, ignored } = this.validated(req, call);
    try {
      const body = {
        model: this.o.model,
        messages: req.messages,
        ...fields,
        stream: false,
      } as ChatCompletionCreateParamsNonStreaming;
      // Validation of the body sits inside the attempt so a malformed answer is retried like a 5xx.
      const { completion, choice, thinking } = await this.withRetries(
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
          const message = choice?.message as (ChatCompletion.Choice['message'] & ReasoningFields) | undefined;
          const raw = typeof message?.content === 'string' ? message.content : undefined;
          const reasoningChars = reasoningLength(message);
          const source: ReplySource = {
            model: completion?.model || this.o.model,
            fingerprint: completion?.system_fingerprint,
            reasoningSent: reasoningChars > 0,
          };
          let rule = this.thinking.ruleFor(source);
          // Thinking opened in the prompt from a model learned as not thinking (its weights were swapped):
          // read as auto, which drops it.
          if (raw !== undefined && this.thinking.contradicts(rule, source, raw)) rule = 'auto';
          const stripped = raw === undefined ? { text: '' } : stripThinking(raw, rule);
          if (raw !== undefined) this.thinking.observe(source, raw, endedByModel(choice?.finish_reason, body));
          // Cut by its token budget before any answer (all of it reasoning, or a <think> block never
          // closed): the same request would end the same way, and the server is fine.
          if (choice?.finish_reason === 'length' && stripped.text.trim() === '')
            throw new GeneratorNoAnswerError(
              noAnswerReason(
                stripped.thinking !== undefined || reasoningChars > 0,
                body.max_tokens ?? body.max_completion_tokens,
              ),
            );
          if (!choice || raw === undefined)
            throw new GeneratorBadResponseError('no message content in the first choice', true);
          const thinkingChars = thinkingLength(stripped.thinking?.chars ?? 0, reasoningChars);
          return {
            completion,
            choice: { ...choice, content: stripped.text },
            thinking: thinkingChars > 0 ? thinkingChars : undefined,
          };
        },
      );
      const finishReason = finishReasonOf(choice.finish_reason);
      if (finishReason === 'content_filter' && choice.content.trim() === '')
        throw new GeneratorRefusalError('content filter');
      const result: GenerateResult = {
        text: choice.content,
        finishReason,
        model: completion.model || this.o.model,
        latencyMs: nowMs() - start,
        ...endDetails(usageOf(completion.usage), ignored, thinking ?? 0),
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

  /**
   * Streams the answer: text pieces and each sentence as soon as it is complete. Thinking is dropped
   * (never a sentence) by the same rule as `generate()` (LLM_THINKING; under `auto` a reply without an
   * opening `<think>` is held until its `</think>` or its end); the return value says how the stream
   * ended (real finish reason and model, parameters the backend ignored, thinking dropped).
   */
  async *stream(req: GenerateRequest): AsyncGenerator<GenerateChunk, GenerateStreamEnd> {
    const start = nowMs();
    const call = this.callScope(req, start);
    const { fields, ignored } = this.validated(req, call);
    const splitter = new SentenceSplitter();
    /**
     * The reply's model and server build, the rule it is read with and the filter applying it (which also
     * tracks what the content shows, for LLM_THINKING=auto to learn from): made at the first content piece,
     * when the server has sent any reasoning it split off.
     */
    let reading: { source: ReplySource; rule: ThinkingStart; filter: ThinkingFilter } | undefined;
    let reasoningChars = 0;
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
      let finish: string | undefined;
      let model: string | undefined;
      let fingerprint: string | null | undefined;
      let usage: GenerateResult['usage'];
      let answered = false;
      try {
        for await (const chunk of sse) {
          model ||= chunk.model;
          fingerprint ||= chunk.system_fingerprint;
          usage = usageOf(chunk.usage) ?? usage;
          // With several choices (vLLM beam search: n beams) only the first is the answer.
          const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
          if (!choice) continue;
          if (choice.delta?.refusal) throw new GeneratorRefusalError(choice.delta.refusal);
          reasoningChars += reasoningLength(choice.delta as ReasoningFields | undefined);
          const piece = choice.delta?.content;
          let text = '';
          if (piece) {
            if (!reading) {
              const source = { model: model || this.o.model, fingerprint, reasoningSent: reasoningChars > 0 };
              const rule = this.thinking.ruleFor(source);
              reading = { source, rule, filter: new ThinkingFilter(rule) };
            }
            const { source, rule, filter } = reading;
            text = filter.push(piece);
            // Thinking opened in the prompt from a model learned as not thinking (its weights were swapped):
            // what passed before this `</think>` was thinking and cannot be taken back; nothing more passes.
            if (this.thinking.contradicts(rule, source, filter)) {
              this.thinking.observe(source, filter, false);
              throw new GeneratorNoAnswerError(
                `${source.model}, read as not thinking, sent a </think> with no <think> before it: ` +
                  'what streamed before it was thinking (its weights changed?)',
              );
            }
          }
          if (text) {
            answered ||= text.trim() !== '';
            yield { type: 'text', text };
            for (const sentence of splitter.push(text)) yield { type: 'sentence', text: sentence };
          }
          if (choice.finish_reason) finish = choice.finish_reason;
        }
        drained = true;
      } catch (err) {
        if (err instanceof GeneratorError) throw err;
        if (call.signal.aborted) throw this.toGeneratorError(err, call);
        throw new GeneratorBadResponseError(`stream broke: ${(err as Error).message}`, false, { cause: err });
      }
      // The SDK ends the iteration quietly when its request is aborted: say why.
      if (call.signal.aborted) throw this.toGeneratorError(new APIUserAbortError(), call);
      if (finish === undefined)
        throw new GeneratorBadResponseError('stream ended without a finish reason (cut)', false);
      const rest = reading?.filter.flush();
      if (rest) {
        answered ||= rest.trim() !== '';
        yield { type: 'text', text: rest };
        for (const sentence of splitter.push(rest)) yield { type: 'sentence', text: sentence };
      }
      const stripped = reading?.filter.stripped;
      if (reading)
        this.thinking.observe(
          { ...reading.source, reasoningSent: reasoningChars > 0 },
          reading.filter,
          endedByModel(finish, body),
        );
      if (finish === 'length' && !answered)
        throw new GeneratorNoAnswerError(
          noAnswerReason(stripped !== undefined || reasoningChars > 0, body.max_tokens ?? body.max_completion_tokens),
        );
      // Cut by the token budget: the last fragment is not a sentence unless it ends like one.
      for (const sentence of splitter.flush())
        if (finish !== 'length' || mayCompleteSentence(sentence.slice(-1))) yield { type: 'sentence', text: sentence };
      return {
        finishReason: finishReasonOf(finish),
        model: model || this.o.model,
        ...endDetails(usage, ignored, thinkingLength(stripped?.chars ?? 0, reasoningChars)),
      };
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
  private validated(req: GenerateRequest, call: CallScope): RequestFields {
    try {
      return this.requestFields(req.params);
    } catch (err) {
      call.dispose(false);
      throw err;
    }
  }

  /** Validated sampling parameters mapped to this backend's request fields, cached per distinct set. */
  private requestFields(params: unknown): RequestFields {
    return this.mapped.get(params, (input) => {
      const mapped = mapParams(parseSamplingParams(input), this.o.backend, {
        disableThinking: this.o.disableThinking,
      });
      return { fields: { ...mapped.standard, ...mapped.extra }, ignored: mapped.ignored };
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
   * One AbortController per call, fired by the deadline or the caller's signal. The deadline is armed for
   * what is left of it since `start` (a timer armed after other work would fire late by that work), and
   * fires by the stage deadlines' rule (`onDeadline`): after the I/O of the loop iteration it passed in.
   * A plain timer runs before that I/O is read, so after the loop was busy past the deadline it aborted
   * a reply that had arrived in time.
   */
  private callScope(req: GenerateRequest, start: number) {
    const controller = new AbortController();
    let cause: AbortCause | undefined;
    const abort = (why: AbortCause) => {
      if (cause) return;
      cause = why;
      controller.abort(why);
    };
    const cancelDeadline = onDeadline(start + req.deadlineMs - nowMs(), () => abort('deadline'));
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
        cancelDeadline();
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
    // neither reach the backend nor count as the backend's failure. The attempts run inside the one
    // breaker execution, so a request that fails after its retries counts once, not once per attempt.
    const run = () =>
      call.signal.aborted ? Promise.reject(new GeneratorCancelledError()) : this.retrying(call, attempt);
    try {
      return await this.untilAborted(guard(run), call.signal, discard);
    } catch (raw) {
      throw raw instanceof BrokenCircuitError
        ? new GeneratorUnavailableError(`circuit open for ${this.backendLabel}`, { cause: raw })
        : this.toGeneratorError(raw, call);
    }
  }

  /** `attempt`, retried while the error allows and the deadline leaves room for another one. */
  private async retrying<T>(call: CallScope, attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (raw) {
        const err = this.toGeneratorError(raw, call);
        // A server that could not be reached or is loading a model may come back with other weights (a
        // restart is how vLLM changes what a served name stands for): what its models showed is stale.
        if (restarting(err)) this.thinking.forgetAll(err.message);
        if (!err.retryable || n >= this.o.maxAttempts || call.signal.aborted) throw err;
        // Full jitter (AWS architecture blog "Exponential Backoff And Jitter"); a server's Retry-After wins.
        // A 503 (model loading, overloaded) waits at least unavailableBackoffMs, doubling: retrying it
        // within milliseconds only gets the same answer.
        const backoff = Math.random() * this.o.retryBaseMs * 2 ** (n - 1);
        const unavailable = isUnavailable(err) ? this.o.unavailableBackoffMs * 2 ** (n - 1) : 0;
        const told =
          err instanceof GeneratorRateLimitError || err instanceof GeneratorBadResponseError
            ? err.retryAfterMs
            : undefined;
        const delay = told !== undefined ? Math.max(backoff, told) : Math.max(backoff, unavailable);
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
    if (err instanceof RateLimitError) return new GeneratorRateLimitError(retryAfterMs(err.headers), { cause: err });
    if (err instanceof APIConnectionError)
      return new GeneratorBadResponseError(`connection failed: ${err.message}`, true, { cause: err });
    if (err instanceof APIError) {
      const status: number = typeof err.status === 'number' ? err.status : 0;
      // The SDK's message starts with the status: keep the server's text once.
      const prefix = `${status} `;
      const text = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
      // A request the server refuses (too long for the context, a parameter it rejects, a bad key) fails
      // the same way every time and says nothing about the server's health: this turn degrades, no retry,
      // no breaker count. 408 and 429 are about load, not the request.
      if (status >= 400 && status < 500 && status !== 408)
        return new GeneratorClientError(status, text, { cause: err });
      return new GeneratorBadResponseError(`HTTP ${status}: ${text}`, status >= 500 || status === 408, {
        cause: err,
        ...(status === 503 ? { retryAfterMs: retryAfterMs(err.headers as Headers | undefined) } : {}),
      });
    }
    // JSON that does not parse, a body of the wrong shape: the server is misbehaving, retry once more.
    return new GeneratorBadResponseError((err as Error)?.message ?? String(err), true, { cause: err });
  }
}

/**
 * The model ended the reply itself (finish `stop`, no stop strings asked for): only such a reply shows
 * where its thinking starts (one cut by its budget or a stop string may end inside its thinking).
 */
const endedByModel = (finish: string | null | undefined, body: { stop?: unknown }): boolean =>
  finish === 'stop' && body.stop === undefined;

/** The server answered 503 (a model still loading, overloaded). */
const isUnavailable = (err: GeneratorError): boolean =>
  err instanceof GeneratorBadResponseError && (err.cause as { status?: unknown } | undefined)?.status === 503;

/** The server was unreachable or answered 503 (restarting, loading a model). */
const restarting = (err: GeneratorError): boolean =>
  isUnavailable(err) || (err instanceof GeneratorBadResponseError && err.cause instanceof APIConnectionError);

/** The OpenAI finish reason as a GenerateResult's: length and content_filter kept, the rest stop. */
function finishReasonOf(reason: string | null | undefined): 'stop' | 'length' | 'content_filter' {
  return reason === 'length' || reason === 'content_filter' ? reason : 'stop';
}

function usageOf(usage: CompletionUsage | null | undefined): GenerateResult['usage'] {
  return usage ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } : undefined;
}

/** The optional fields a generated answer and a stream's end share, present only when they say something. */
function endDetails(
  usage: GenerateResult['usage'],
  ignored: NonNullable<GenerateResult['ignoredParams']>,
  thinkingChars: number,
): Pick<GenerateResult, 'usage' | 'ignoredParams' | 'thinking'> {
  return {
    ...(usage ? { usage } : {}),
    ...(ignored.length > 0 ? { ignoredParams: ignored } : {}),
    ...(thinkingChars > 0 ? { thinking: { strippedChars: thinkingChars } } : {}),
  };
}
