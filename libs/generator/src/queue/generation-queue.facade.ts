import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { QueueEvents, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { nowMs } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { bullConnection, bullPrefix, REDIS } from '@huashu/redis';
import {
  GeneratorCancelledError,
  GeneratorTimeoutError,
  GeneratorUnavailableError,
  generatorErrorFromKind,
} from '../errors/generator.errors.js';
import { GENERATION_QUEUE } from '../generator.constants.js';
import { GeneratorMetrics } from '../generator.metrics.js';
import type { GenerateChunk, GenerateRequest, GenerateResult, Generator } from '../generator.port.js';
import { parseSamplingParams } from '../sampling/sampling-params.schema.js';
import type { GenerationJobData, GenerationJobResult, GenerationProgress } from './generation-job.js';

type Queued = Job<GenerationJobData, GenerationJobResult>;

/**
 * The Generator the gateway calls in GENERATOR_MODE=queue: enqueue on `generation`, then wait for the
 * worker's answer through BullMQ's QueueEvents stream (no polling). The turn's deadline is the job's
 * deadline; when it passes, or the caller hangs up, the gateway stops waiting, removes the job if no
 * worker has it yet and asks the workers (Redis pub/sub) to abort it if one has.
 */
@Injectable()
export class GenerationQueueFacade implements Generator, OnModuleInit, OnModuleDestroy {
  private events?: QueueEvents;
  private readonly listeners = new Map<string, (p: GenerationProgress) => void>();

  constructor(
    @InjectQueue(GENERATION_QUEUE.name) private readonly queue: Queue<GenerationJobData, GenerationJobResult>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: GeneratorMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    // Nest runs lifecycle hooks on factory-provided values too, and GENERATOR is this instance.
    // In-process mode never enqueues: no events connection to hold open.
    if (this.events || this.config.generator.mode !== 'queue') return;
    this.events = new QueueEvents(GENERATION_QUEUE.name, {
      connection: bullConnection(this.config.redis),
      prefix: bullPrefix(this.config.redis.keyPrefix),
    });
    this.events.on('progress', ({ jobId, data }) => this.listeners.get(jobId)?.(data as unknown as GenerationProgress));
    await this.events.waitUntilReady();
    this.metrics.registerQueueDepth(() => this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'));
  }

  async onModuleDestroy(): Promise<void> {
    const events = this.events;
    this.events = undefined;
    await events?.close();
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const start = nowMs();
    const job = await this.enqueue(req, false);
    return this.await(job, req, start);
  }

  async *stream(req: GenerateRequest): AsyncGenerator<GenerateChunk> {
    // Chunks arrive as job progress events; buffer them until the consumer pulls.
    const pending: GenerateChunk[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let failure: unknown;
    const start = nowMs();
    const job = await this.enqueue(req, true, (p) => {
      pending.push(p.chunk);
      wake?.();
    });
    this.await(job, req, start)
      .then(
        () => undefined,
        (err: unknown) => {
          failure = err;
        },
      )
      .finally(() => {
        done = true;
        wake?.();
      });
    try {
      for (;;) {
        if (pending.length > 0) {
          yield pending.shift()!;
          continue;
        }
        if (done) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      // Events may still be in flight after the completion event; completion carries no chunks, so
      // whatever arrived is what was published.
      if (failure) throw failure instanceof Error ? failure : new Error('generation failed');
    } finally {
      this.listeners.delete(job.id!);
      if (!done) void this.abandon(job);
    }
  }

  private async enqueue(
    req: GenerateRequest,
    stream: boolean,
    onProgress?: (p: GenerationProgress) => void,
  ): Promise<Queued> {
    if (req.signal?.aborted) throw new GeneratorCancelledError();
    const params = parseSamplingParams(req.params);
    const data: GenerationJobData = { messages: req.messages, params, deadlineAt: Date.now() + req.deadlineMs, stream };
    const job = await this.queue.add(GENERATION_QUEUE.jobs.generate, data, {
      // Retrying inside the provider is deadline-aware; a queue-level retry would run past the turn.
      attempts: 1,
      removeOnComplete: { age: 60, count: 1000 },
      removeOnFail: { age: 3600, count: 1000 },
    });
    if (onProgress) this.listeners.set(job.id!, onProgress);
    return job;
  }

  /** Wait for the job's outcome until the deadline counted from `start` (before the enqueue). */
  private async await(job: Queued, req: GenerateRequest, start: number): Promise<GenerateResult> {
    const remaining = () => Math.max(1, req.deadlineMs - (nowMs() - start));
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => reject(new GeneratorCancelledError());
      if (req.signal?.aborted) onAbort();
      else req.signal?.addEventListener('abort', onAbort, { once: true });
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new GeneratorTimeoutError(req.deadlineMs)), remaining());
    });
    try {
      const outcome: GenerationJobResult = await Promise.race([
        job.waitUntilFinished(this.queueEvents()),
        cancelled,
        deadline,
      ]);
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
        void this.abandon(job);
        throw err;
      }
      throw err;
    } finally {
      clearTimeout(timer);
      if (onAbort) req.signal?.removeEventListener('abort', onAbort);
      cancelled.catch(() => undefined);
      deadline.catch(() => undefined);
    }
  }

  private queueEvents(): QueueEvents {
    if (!this.events) throw new GeneratorUnavailableError('generation queue events are not connected');
    return this.events;
  }

  /** Nobody waits any more: drop the job if still queued, else ask the worker holding it to abort. */
  private async abandon(job: Queued): Promise<void> {
    try {
      await job.remove();
    } catch {
      // Active (locked by a worker) or already gone: fall through to the cancel broadcast.
    }
    await this.redis.publish(`${this.config.redis.keyPrefix}${GENERATION_QUEUE.cancelChannel}`, job.id!).catch(() => 0);
  }
}
