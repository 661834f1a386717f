import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { nowMs, onDeadline, pushStream } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { createRedis, jobId, REDIS } from '@huashu/redis';
import {
  GeneratorCancelledError,
  GeneratorTimeoutError,
  GeneratorUnavailableError,
  generatorErrorFromKind,
} from '../errors/generator.errors.js';
import { GENERATION_QUEUE } from '../generator.constants.js';
import { GeneratorMetrics } from '../generator.metrics.js';
import type { GenerateChunk, GenerateRequest, GenerateResult, Generator, SamplingParams } from '../generator.port.js';
import { JsonKeyedCache } from '../sampling/json-keyed-cache.js';
import { parseSamplingParams } from '../sampling/sampling-params.schema.js';
import type { GenerationJobData, GenerationJobResult, GenerationReply } from './generation-job.js';

/** What a waiting call does with the messages of its job. */
interface Waiter {
  onChunk?(chunk: GenerateChunk): void;
  settle(outcome: GenerationJobResult): void;
}

/**
 * The Generator the gateway calls in GENERATOR_MODE=queue: enqueue on `generation`, then wait for the
 * worker's answer on this instance's own pub/sub reply channel (no polling). The worker publishes each
 * streamed chunk and the outcome there as soon as it has them, before BullMQ moves the job to completed:
 * one message instead of BullMQ's QueueEvents stream (an XREAD of every event of every job, plus a job
 * state check per `waitUntilFinished`). The turn's deadline is the job's deadline; when it passes, or the
 * caller hangs up, the gateway stops waiting, removes the job if no worker has it yet and asks the
 * workers (Redis pub/sub) to abort it if one has. A reply lost with a dropped connection ends as a
 * timeout at the deadline, like a slow backend. The deadline is a stage deadline (`onDeadline`): a result
 * that reached the reply connection in time wins even when this loop was busy past the deadline.
 */
@Injectable()
export class GenerationQueueFacade implements Generator, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GenerationQueueFacade.name);
  private subscriber?: Redis;
  /** Job ids are made here, so a waiter is registered before the job exists and no reply can be missed. */
  private readonly instance = randomBytes(6).toString('hex');
  private readonly replyChannel: string;
  private readonly waiters = new Map<string, Waiter>();
  /** Validated sampling parameters per distinct set: validation runs once per set, not per call. */
  private readonly params = new JsonKeyedCache<SamplingParams>();
  private jobs = 0;

  constructor(
    @InjectQueue(GENERATION_QUEUE.name) private readonly queue: Queue<GenerationJobData, GenerationJobResult>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: GeneratorMetrics,
  ) {
    this.replyChannel = `${config.redis.keyPrefix}${GENERATION_QUEUE.replyChannel}:${this.instance}`;
  }

  async onModuleInit(): Promise<void> {
    // Nest runs lifecycle hooks on factory-provided values too, and GENERATOR is this instance.
    // In-process mode never enqueues: no reply connection to hold open.
    if (this.subscriber || this.config.generator.mode !== 'queue') return;
    this.subscriber = createRedis(this.config.redis, { name: 'generation-replies', prefixed: false });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.replyChannel) this.onReply(message);
    });
    await this.subscriber.subscribe(this.replyChannel);
    this.metrics.registerQueueDepth(() => this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'));
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const start = nowMs();
    const job = await this.enqueue(req, false);
    return this.await(job, req, start);
  }

  stream(req: GenerateRequest): AsyncIterable<GenerateChunk> {
    // Chunks arrive on the reply channel, buffered until the consumer pulls; the worker sends every
    // chunk before or with the outcome on one connection, so all have arrived when the outcome does.
    // A consumer that stops early hangs up like a caller's signal: the job is removed or aborted.
    return pushStream<GenerateChunk>(async (push, stopped) => {
      const start = nowMs();
      const signal = req.signal ? AbortSignal.any([req.signal, stopped]) : stopped;
      const job = await this.enqueue(req, true, push);
      await this.await(job, { ...req, signal }, start);
    });
  }

  private onReply(message: string): void {
    let reply: GenerationReply;
    try {
      reply = JSON.parse(message) as GenerationReply;
    } catch {
      return;
    }
    const waiter = this.waiters.get(reply.id);
    if (!waiter) return;
    for (const chunk of reply.chunks ?? []) waiter.onChunk?.(chunk);
    if (reply.outcome) waiter.settle(reply.outcome);
  }

  private async enqueue(
    req: GenerateRequest,
    stream: boolean,
    onChunk?: (chunk: GenerateChunk) => void,
  ): Promise<{ id: string; outcome: Promise<GenerationJobResult> }> {
    if (req.signal?.aborted) throw new GeneratorCancelledError();
    if (!this.subscriber) throw new GeneratorUnavailableError('generation reply channel is not connected');
    const params = this.params.get(req.params, parseSamplingParams);
    const id = jobId('gen', this.instance, ++this.jobs);
    let settle!: (outcome: GenerationJobResult) => void;
    const outcome = new Promise<GenerationJobResult>((resolve) => (settle = resolve));
    this.waiters.set(id, { onChunk, settle });
    const data: GenerationJobData = {
      messages: req.messages,
      params,
      deadlineAt: Date.now() + req.deadlineMs,
      stream,
      replyTo: this.replyChannel,
    };
    try {
      await this.queue.add(GENERATION_QUEUE.jobs.generate, data, {
        jobId: id,
        // Retrying inside the provider is deadline-aware; a queue-level retry would run past the turn.
        attempts: 1,
        // The outcome travels on the reply channel; keeping finished jobs would only cost Redis work.
        removeOnComplete: true,
        removeOnFail: { age: 3600, count: 1000 },
      });
    } catch (err) {
      this.waiters.delete(id);
      throw new GeneratorUnavailableError(`generation queue unavailable: ${(err as Error).message}`, { cause: err });
    }
    return { id, outcome };
  }

  /** Wait for the job's outcome until the deadline counted from `start` (before the enqueue). */
  private async await(
    job: { id: string; outcome: Promise<GenerationJobResult> },
    req: GenerateRequest,
    start: number,
  ): Promise<GenerateResult> {
    const remaining = () => Math.max(1, req.deadlineMs - (nowMs() - start));
    let onAbort: (() => void) | undefined;
    let cancelDeadline: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      onAbort = () => reject(new GeneratorCancelledError());
      if (req.signal?.aborted) onAbort();
      else req.signal?.addEventListener('abort', onAbort, { once: true });
      // By the stage deadlines' rule (onDeadline), not a plain timer: after the loop was busy past the
      // deadline, a result already on the reply connection is read first and wins.
      cancelDeadline = onDeadline(remaining(), () => reject(new GeneratorTimeoutError(req.deadlineMs)));
    });
    try {
      const outcome = await Promise.race([job.outcome, stop]);
      this.metrics.queueRoundTrip.observe(
        { outcome: outcome.ok ? 'ok' : outcome.error.kind },
        (nowMs() - start) / 1000,
      );
      if (!outcome.ok) throw generatorErrorFromKind(outcome.error.kind, outcome.error.message);
      return outcome.result;
    } catch (err) {
      if (err instanceof GeneratorTimeoutError || err instanceof GeneratorCancelledError) {
        this.metrics.queueRoundTrip.observe({ outcome: err.kind }, (nowMs() - start) / 1000);
        // Clean-up runs after the caller has its answer: the deadline is the caller's, not Redis's.
        void this.abandon(job.id);
      }
      throw err;
    } finally {
      this.waiters.delete(job.id);
      cancelDeadline?.();
      if (onAbort) req.signal?.removeEventListener('abort', onAbort);
      stop.catch(() => undefined);
    }
  }

  /** Nobody waits any more: drop the job if still queued, else ask the worker holding it to abort. */
  private async abandon(id: string): Promise<void> {
    try {
      await this.queue.remove(id);
    } catch (err) {
      // Active (locked by a worker) or already gone: fall through to the cancel broadcast.
      this.logger.debug(`job ${id} not removed: ${(err as Error).message}`);
    }
    await this.redis.publish(`${this.config.redis.keyPrefix}${GENERATION_QUEUE.cancelChannel}`, id).catch(() => 0);
  }
}
