import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ERROR_CODES, HuashuException, MetricsRegistry, type ErrorCode, type MetricsSnapshot } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { fnv1a32 } from '@huashu/ml';
import { Counter } from 'prom-client';
import {
  Outbox,
  type ControlReply,
  type ControlRequest,
  type ReplyBatch,
  type TurnBatch,
  type TurnThreadData,
  type WireError,
} from './turn-thread.protocol.js';

/** Respawn delay after a thread died; doubled for each start in a row that failed, up to the cap. */
const RESPAWN_MS = 1000;
const RESPAWN_MAX_MS = 30_000;
/** How long a closing thread may take to finish its turns before it is terminated. */
const CLOSE_MS = 15_000;
/** A scrape waits this long for a thread's metrics, then reports without them. */
const METRICS_WAIT_MS = 2000;

interface Pending {
  resolve(json: string): void;
  reject(err: Error): void;
  at: number;
}

interface TurnThread {
  index: number;
  /** Turns handed to this thread (huashu_dialogue_thread_turns_total{thread="<index>"}). */
  handed: { inc(): void };
  worker: Worker;
  /** Turns for this thread, posted once per event-loop turn. */
  outbox: Outbox<TurnBatch[number]>;
  ready: boolean;
  pending: Map<number, Pending>;
  metricsWaiters: Map<number, (s: MetricsSnapshot) => void>;
  removeSource?: () => void;
}

/**
 * Turn threads (`DIALOGUE_TURN_THREADS`): worker threads that each host the whole dialogue
 * pipeline (its own models, indexes, Redis connections and session cache) and run the plain turns
 * the gateway's event loop hands them. The event loop then only parses, validates and answers HTTP,
 * and a second core does the turns. A conversation always goes to the same thread (hash of its id),
 * so its cached session stays valid; the threads and the event loop share state only through Redis,
 * exactly as several gateways do (the session's revision check and lock keep that correct).
 *
 * A thread that is not ready (starting, or respawning after a crash) leaves its turns to the event
 * loop. A thread that dies fails its in-flight turns with 503 SERVICE_UNAVAILABLE (the client may
 * retry: a turn that did not commit left nothing behind) and is started again.
 *
 * Hand-written on node:worker_threads rather than a pool library (piscina, tinypool): those send each
 * task to whichever thread is free, while a turn must go to the thread that holds its conversation.
 */
@Injectable()
export class TurnThreadPool implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TurnThreads');
  private readonly threads: (TurnThread | undefined)[] = [];
  /** Starts in a row that ended before the thread was ready, per thread index. */
  private readonly failedStarts: number[] = [];
  private seq = 0;
  private closing = false;
  private sweep?: NodeJS.Timeout;
  /** A turn still unanswered after this long is failed (the thread hangs): the longest deadline plus slack. */
  private readonly stuckMs: number;
  private readonly handed?: Counter<'thread'>;
  private readonly ranLocally?: { inc(): void };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
  ) {
    const { restMs, phoneMs } = config.dialogue.deadlines;
    this.stuckMs = Math.max(restMs, phoneMs) + 15_000;
    if (this.size > 0) {
      this.handed = new Counter({
        name: 'huashu_dialogue_thread_turns_total',
        help: 'Plain turns by where they ran: a turn thread ("0", "1", …) or the event loop ("event-loop", while its thread was not ready)',
        labelNames: ['thread'],
        registers: [metrics.registry],
      });
      this.ranLocally = this.handed.labels({ thread: 'event-loop' });
    }
  }

  get size(): number {
    return this.config.dialogue.turnThreads;
  }

  /** Resolves once every thread is ready (or failed to start); turns run in the event loop meanwhile. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.size === 0) return;
    await Promise.all(Array.from({ length: this.size }, (_, i) => this.spawn(i)));
    this.sweep = setInterval(() => this.failStuck(), 1000);
    this.sweep.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweep);
    await Promise.all(
      this.threads.map(async (t) => {
        if (!t) return;
        const exited = new Promise<void>((r) => t.worker.once('exit', () => r()));
        t.worker.postMessage({ type: 'close' } satisfies ControlRequest);
        const timer = setTimeout(() => void t.worker.terminate(), CLOSE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  /** Ready threads. */
  get readyThreads(): number {
    return this.threads.filter((t) => t?.ready).length;
  }

  /** The threads' Worker objects (resource usage, or stopping one to see the pool recover). */
  get workers(): Worker[] {
    return this.threads.flatMap((t) => (t ? [t.worker] : []));
  }

  /**
   * Run a plain turn on the conversation's thread: the TurnResult as JSON, or undefined when that
   * thread is not ready (the caller runs the turn itself). Errors are HuashuExceptions, as from
   * DialogueService.turn.
   */
  turn(conversationId: string, text: string): Promise<string> | undefined {
    const thread = this.threads[threadOf(conversationId, this.size)];
    if (!thread?.ready) {
      this.ranLocally?.inc();
      return undefined;
    }
    thread.handed.inc();
    const n = ++this.seq;
    return new Promise<string>((resolve, reject) => {
      thread.pending.set(n, { resolve, reject, at: Date.now() });
      thread.outbox.push3(n, conversationId, text);
    });
  }

  private spawn(index: number): Promise<void> {
    const { url, execArgv } = threadEntry();
    const worker = new Worker(url, {
      workerData: { config: this.config, index } satisfies TurnThreadData,
      execArgv,
      name: `turn-thread-${index}`,
    });
    const thread: TurnThread = {
      index,
      handed: this.handed!.labels({ thread: String(index) }),
      worker,
      outbox: new Outbox((batch) => worker.postMessage(batch)),
      ready: false,
      pending: new Map(),
      metricsWaiters: new Map(),
    };
    this.threads[index] = thread;
    return new Promise<void>((started) => {
      worker.on('message', (m: ReplyBatch | ControlReply) => {
        if (Array.isArray(m)) return this.onReplies(thread, m);
        if (m.type === 'ready') {
          thread.ready = true;
          this.failedStarts[index] = 0;
          thread.removeSource = this.metrics.addSource(() => this.metricsOf(thread));
          this.logger.log(`turn thread ${index} ready`);
          started();
        } else if (m.type === 'failed') {
          this.logger.error(`turn thread ${index} failed to start: ${m.message}`);
        } else if (m.type === 'metrics') {
          thread.metricsWaiters.get(m.n)?.(m.snapshot);
          thread.metricsWaiters.delete(m.n);
        }
      });
      worker.on('error', (err) => this.logger.error({ err }, `turn thread ${index} crashed`));
      worker.on('exit', (code) => {
        if (!thread.ready) this.failedStarts[index] = (this.failedStarts[index] ?? 0) + 1;
        thread.ready = false;
        thread.removeSource?.();
        const failure = new HuashuException('SERVICE_UNAVAILABLE', 'the turn thread stopped; retry the turn', []);
        for (const p of thread.pending.values()) p.reject(failure);
        thread.pending.clear();
        for (const w of thread.metricsWaiters.values()) w([]);
        thread.metricsWaiters.clear();
        started();
        if (this.closing) return;
        const delay = Math.min(RESPAWN_MS * 2 ** (this.failedStarts[index] ?? 0), RESPAWN_MAX_MS);
        this.logger.error(`turn thread ${index} exited (code ${code}); starting it again in ${delay} ms`);
        setTimeout(() => {
          if (!this.closing) void this.spawn(index);
        }, delay).unref();
      });
    });
  }

  private onReplies(thread: TurnThread, batch: ReplyBatch): void {
    for (let i = 0; i < batch.length; i += 3) {
      const n = batch[i] as number;
      const p = thread.pending.get(n);
      if (!p) continue;
      thread.pending.delete(n);
      const json = batch[i + 1] as string | null;
      if (json !== null) p.resolve(json);
      else p.reject(fromWire(batch[i + 2] as WireError));
    }
  }

  private metricsOf(thread: TurnThread): Promise<MetricsSnapshot> {
    if (!thread.ready) return Promise.resolve([]);
    const n = ++this.seq;
    return new Promise<MetricsSnapshot>((resolve) => {
      const timer = setTimeout(() => {
        thread.metricsWaiters.delete(n);
        resolve([]);
      }, METRICS_WAIT_MS);
      thread.metricsWaiters.set(n, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
      thread.worker.postMessage({ type: 'metrics', n } satisfies ControlRequest);
    });
  }

  /** A thread stuck in a turn far past every deadline: fail those turns rather than hang the requests. */
  private failStuck(): void {
    const oldest = Date.now() - this.stuckMs;
    for (const t of this.threads) {
      for (const [n, p] of t?.pending ?? []) {
        if (p.at >= oldest) continue;
        t!.pending.delete(n);
        p.reject(new HuashuException('SERVICE_UNAVAILABLE', 'the turn thread did not answer in time; retry', []));
      }
    }
  }
}

/** The thread a conversation belongs to (FNV-1a of its id). */
export const threadOf = (conversationId: string, threads: number): number => fnv1a32(conversationId) % threads;

function fromWire(e: WireError): HuashuException {
  const code = (e.code in ERROR_CODES ? e.code : 'INTERNAL') as ErrorCode;
  return new HuashuException(code, e.message, e.details);
}

/**
 * The thread's entry: the compiled file beside this one, or, when this module runs from TypeScript
 * sources (the tests), the .ts entry through the project's source loader (scripts/ts-source-register.mjs).
 */
function threadEntry(): { url: URL; execArgv?: string[] } {
  const here = import.meta.url;
  // No execArgv: the thread inherits the process's (--cpu-prof, heap limits).
  if (!here.endsWith('.ts')) return { url: new URL('./turn-thread.main.js', here) };
  const loader = new URL('../../../../scripts/ts-source-register.mjs', here);
  if (!existsSync(fileURLToPath(loader))) throw new Error(`turn threads from sources need ${loader.href}`);
  return {
    url: new URL('./turn-thread.main.ts', here),
    execArgv: [...process.execArgv, '--import', pathToFileURL(fileURLToPath(loader)).href],
  };
}
