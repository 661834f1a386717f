import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { bullConnection, bullPrefix, closeBullWorker, createRedis, logBullErrors } from '@huashu/redis';
import { GeneratorError } from '../errors/generator.errors.js';
import { GENERATION_QUEUE } from '../generator.constants.js';
import { GeneratorMetrics } from '../generator.metrics.js';
import { GeneratorBackendLoader } from '../generator-backend.loader.js';
import type { GenerateChunk, GenerateStreamEnd, Generator } from '../generator.port.js';
import { ActivationGate } from './activation-gate.js';
import type { GenerationJobData, GenerationJobResult, GenerationReply } from './generation-job.js';

/** Sends a job's streamed chunks, then its outcome. */
interface ChunkSender {
  push(chunk: GenerateChunk): Promise<unknown> | undefined;
  finish(outcome: GenerationJobResult): void;
}

/** A single-slot Worker whose fetches (moveToActive) go through the process's ActivationGate. */
class GenerationSlot extends Worker<GenerationJobData, GenerationJobResult> {
  constructor(
    processor: (
      job: Job<GenerationJobData, GenerationJobResult>,
      token?: string,
      signal?: AbortSignal,
    ) => Promise<GenerationJobResult>,
    options: WorkerOptions,
    private readonly gate: ActivationGate,
  ) {
    super(GENERATION_QUEUE.name, processor, options);
  }

  protected override async moveToActive(
    token: string,
    name?: string,
  ): Promise<Job<GenerationJobData, GenerationJobResult>> {
    await this.gate.clear();
    return this.gate.track(super.moveToActive(token, name));
  }
}

/**
 * Runs `generation` jobs in apps/worker. The BullMQ Workers are created here rather than through
 * `@Processor` because their number and rate limit come from config (GENERATION_CONCURRENCY,
 * GENERATION_RATE_*), which a decorator cannot read; the work itself is delegated to the provider.
 *
 * GENERATION_CONCURRENCY Workers of concurrency 1 each, not one Worker of concurrency N: a BullMQ
 * Worker with free slots, once it has taken a job, asks Redis for one more (an extra moveToActive round
 * trip) and only starts the job it has when that answer comes back empty — a Redis round trip and a
 * wake-up on every job's path to the backend when the queue is not full. A single-slot Worker starts
 * its job at once and fetches the next one with the completion (moveToFinished). The rate limit is
 * kept in Redis per queue, so all slots share it as one Worker's slots did. Each Worker owns two
 * connections (commands and its blocking wait); only the first runs the stalled-jobs check, which
 * covers the whole queue. The slot that BullMQ's marker wakes when a sibling takes a job fetches only
 * once that job has started (ActivationGate).
 */
@Injectable()
export class GenerationProcessor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GenerationProcessor.name);
  private workers: Worker<GenerationJobData, GenerationJobResult>[] = [];
  private subscriber?: Redis;
  /**
   * Publishes replies to the waiting gateways, on a connection of its own: a reply never waits behind
   * other commands of the shared client, and during a reconnect it is queued instead of failing fast as
   * the shared client's commands do (ioredis does not prefix channels).
   */
  private publisher?: Redis;
  private backend!: Generator;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly loader: GeneratorBackendLoader,
    private readonly metrics: GeneratorMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    this.backend = await this.loader.get();
    const { generator, redis } = this.config;
    this.publisher = createRedis(redis, { name: 'generation-replies', prefixed: false });
    this.publisher.on('error', () => undefined);
    const gate = new ActivationGate();
    this.workers = Array.from(
      { length: generator.concurrency },
      (_, slot) =>
        new GenerationSlot(
          (job, _token, signal) => this.process(job, signal),
          {
            connection: bullConnection(redis),
            prefix: bullPrefix(redis.keyPrefix),
            concurrency: 1,
            limiter: { max: generator.rateMax, duration: generator.rateDurationMs },
            skipStalledCheck: slot > 0,
          },
          gate,
        ),
    );
    for (const [slot, worker] of this.workers.entries()) logBullErrors(worker, this.slotLabel(slot), this.logger);
    // Cancel requests from gateways (deadline passed or caller hung up while a worker holds the job).
    this.subscriber = createRedis(redis, { name: 'generation-cancel', prefixed: false });
    this.subscriber.on('error', () => undefined);
    const channel = `${redis.keyPrefix}${GENERATION_QUEUE.cancelChannel}`;
    this.subscriber.on('message', (ch: string, jobId: string) => {
      if (ch !== channel) return;
      for (const worker of this.workers) if (worker.cancelJob(jobId, 'abandoned by the gateway')) return;
    });
    await this.subscriber.subscribe(channel);
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((w, slot) => closeBullWorker(w, this.slotLabel(slot), this.logger)));
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  private slotLabel(slot: number): string {
    return `worker ${GENERATION_QUEUE.name} slot ${slot}`;
  }

  async process(job: Job<GenerationJobData, GenerationJobResult>, signal?: AbortSignal): Promise<GenerationJobResult> {
    const chunks = this.chunkSender(job);
    const outcome = await this.run(job, chunks, signal);
    // The gateway hears the outcome now, not after BullMQ has moved the job to completed.
    chunks.finish(outcome);
    return outcome;
  }

  private async run(
    job: Job<GenerationJobData, GenerationJobResult>,
    chunks: ChunkSender,
    signal?: AbortSignal,
  ): Promise<GenerationJobResult> {
    this.metrics.queueWait.observe(Math.max(0, Date.now() - job.timestamp) / 1000);
    const remaining = job.data.deadlineAt - Date.now();
    if (remaining <= 0) {
      this.metrics.queueDiscarded.inc({ reason: 'stale' });
      return {
        ok: false,
        error: { kind: 'timeout', message: 'job was stale (past its deadline) when a worker took it' },
      };
    }
    const req = { messages: job.data.messages, params: job.data.params, deadlineMs: remaining, signal };
    try {
      if (!job.data.stream) return { ok: true, result: await this.backend.generate(req) };
      let text = '';
      const started = Date.now();
      // Iterated by hand to keep the generator's return value: how the stream really ended.
      const it = this.backend.stream(req)[Symbol.asyncIterator]();
      let end: GenerateStreamEnd | void;
      try {
        for (;;) {
          const next = await it.next();
          if (next.done) {
            end = next.value;
            break;
          }
          if (next.value.type === 'text') text += next.value.text;
          await chunks.push(next.value);
        }
      } catch (err) {
        await it.return?.();
        throw err;
      }
      return {
        ok: true,
        result: { finishReason: 'stop', model: 'stream', ...end, text, latencyMs: Date.now() - started },
      };
    } catch (err) {
      if (err instanceof GeneratorError) return { ok: false, error: { kind: err.kind, message: err.message } };
      this.logger.error(`generation job ${job.id} failed: ${(err as Error).message}`);
      return { ok: false, error: { kind: 'bad_response', message: 'generation failed' } };
    }
  }

  /**
   * Where a job's chunks and outcome go: to the gateway's reply channel, the chunks of one event-loop turn
   * in one message (a text piece and the sentence it completes, or a burst the backend sent at once: one
   * socket write instead of one each) and the last ones with the outcome, without waiting, since messages
   * of one connection arrive in the order sent; else (no reply channel) chunks as job progress and the
   * outcome only as the job's return value.
   */
  private chunkSender(job: Job<GenerationJobData, GenerationJobResult>): ChunkSender {
    let seq = 0;
    if (!job.data.replyTo)
      return { push: (chunk) => job.updateProgress({ seq: seq++, chunk }), finish: () => undefined };
    let batch: GenerateChunk[] = [];
    let pending: NodeJS.Immediate | undefined;
    const send = (outcome?: GenerationJobResult) => {
      if (pending) clearImmediate(pending);
      pending = undefined;
      if (batch.length === 0 && !outcome) return;
      this.reply(job, { ...(batch.length > 0 ? { seq, chunks: batch } : {}), ...(outcome ? { outcome } : {}) });
      seq += batch.length;
      batch = [];
    };
    return {
      push: (chunk) => {
        batch.push(chunk);
        pending ??= setImmediate(send);
        return undefined;
      },
      finish: (outcome) => send(outcome),
    };
  }

  private reply(job: Job<GenerationJobData, GenerationJobResult>, body: Omit<GenerationReply, 'id'>): void {
    const channel = job.data.replyTo;
    if (!channel || !job.id) return;
    const message = JSON.stringify({ id: job.id, ...body });
    // A reply that cannot be sent leaves the gateway to its deadline, as a slow backend would.
    if (!this.publisher) return;
    this.publisher.publish(channel, message).catch((err: unknown) => {
      this.logger.warn(`reply to job ${job.id} not sent: ${(err as Error).message}`);
    });
  }
}
