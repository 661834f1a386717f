import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type LoggerService,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { REDIS } from './redis.constants.js';
import { isRedisUnavailableError } from './redis-errors.js';
import { REDIS_WATCH_OPTIONS, type RedisWatchOptions } from './redis-watch.options.js';
import { SerialCheck } from './serial-check.js';

/**
 * The deployment's data marker (under REDIS_KEY_PREFIX, no TTL): written by the first process that
 * finds it missing, read by every process after each reconnect and every REDIS_DATA_CHECK_INTERVAL_MS.
 * Gone, or replaced by one another process wrote on finding it gone, means Redis lost the deployment's
 * data; replaced by one a process wrote on finding Redis rolled back (`rollback` in it), that Redis went
 * back in time.
 */
export const REDIS_DATA_MARKER_KEY = 'ops:data-marker';

/**
 * The data generations (under REDIS_KEY_PREFIX, a hash, no TTL): one field per process main thread
 * (`<host>/<pid>/<random>`), `<n>@<ISO time>` of its latest check, rewritten with n + 1 at each check.
 * Redis holding a lower n than the last one it acknowledged to that process, or none, means it went
 * back in time. One field per process rather than one shared counter: the other processes' increments
 * after a rollback would lift a shared counter past what a process remembers before it checks again,
 * and hide the rollback. A process removes its field when it shuts down; main threads remove those of
 * processes gone without doing so (see pruneIfDue).
 */
export const REDIS_DATA_GENERATION_KEY = 'ops:data-generation';

/** What RedisDataWatch found: the `kind` of `huashu_redis_data_losses_total`. */
const REDIS_DATA_LOSS = {
  /** The data marker is gone: Redis lost everything (or replaced by a process that found it gone). */
  loss: 'loss',
  /** Redis holds an older state than it acknowledged: the latest writes are gone, the rest is there. */
  rollback: 'rollback',
} as const;
type RedisDataLossKind = (typeof REDIS_DATA_LOSS)[keyof typeof REDIS_DATA_LOSS];

/** What readiness `redisData` says while the process recovers from each kind. */
const RECOVERING: Record<RedisDataLossKind, string> = {
  loss: 'Redis lost its data; reloading',
  rollback: 'Redis went back in time; reloading',
};

const CONTEXT = 'RedisData';

/**
 * Implemented by providers that keep state read from Redis in memory, or that put back what the
 * deployment needs. RedisDataWatch finds them (Nest discovery, like the lifecycle hooks) when Redis
 * lost its data or went back in time (the same calls: either way what a process holds may no longer be
 * what Redis holds): every `forgetRedisData` runs first, then each `restoreRedisData` in turn.
 */
export interface OnRedisDataLost {
  /** Drop what this process read from Redis before the loss; returns what it held, for the log line. */
  forgetRedisData?(): string | void;
  /** Put back what the deployment needs to serve again (the sample campaign, the published indexes). */
  restoreRedisData?(): Promise<void>;
}

/** What is stored in Redis and gone with it (DESIGN §6), as the error line names it. */
const LOST =
  'campaigns and their settings, script libraries and published versions, do-not-call lists (numbers that ' +
  'opted out can be called again until the lists are restored), compliance lexicons and policies, sessions, ' +
  'transcripts and audit streams, queued callbacks and generation jobs';

/** What a rollback may have taken back (the writes of its last moments), as the error line names it. */
const ROLLED_BACK =
  'do-not-call entries (numbers that opted out in that time can be called again), changes to campaigns, ' +
  'script libraries, compliance lexicons and policies, publishes, conversation turns (a conversation goes on ' +
  'from an earlier turn), transcript and audit entries, scheduled callbacks and queued jobs';

/** The data marker as written; other values (older versions, hand-written) read as `{}`. */
interface Marker {
  id: string;
  at: string;
  by: string;
  /** Written by a process that found Redis rolled back: writes after `since` may be gone (unknown if absent). */
  rollback?: { since?: string };
}

const parseMarker = (raw: string): Partial<Marker> => {
  try {
    const m = JSON.parse(raw) as unknown;
    return typeof m === 'object' && m !== null ? m : {};
  } catch {
    return {};
  }
};

/** A process's generation as stored: its n-th check, and when. */
interface Generation {
  n: number;
  at: string;
}

const parseGeneration = (raw: string | null): Generation | undefined => {
  const m = raw === null ? null : /^(\d+)@(.*)$/.exec(raw);
  return m ? { n: Number(m[1]), at: m[2] } : undefined;
};

/**
 * A generation not rewritten for this long is of a process gone (killed, crashed, or stopped during an
 * outage, so its field stayed): a live main thread rewrites its own at every check. At least a day, and
 * 1000 checks, so that a process cut off from Redis for a while is not taken for gone. One cut off (or
 * suspended) for longer finds its field removed when it is back: no rollback (see checkOnce).
 */
const GONE_AFTER_MS = 24 * 3600_000;
const GONE_AFTER_CHECKS = 1000;
/** How often a main thread removes the generations of processes gone: cheap, not at every check. */
const PRUNE_EVERY_MS = 3600_000;

/** Remove each field (ARGV pairs: field, value) only if it still holds the value read: not one rewritten meanwhile. */
const REMOVE_UNCHANGED = `local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('hget', KEYS[1], ARGV[i]) == ARGV[i + 1] then n = n + redis.call('hdel', KEYS[1], ARGV[i]) end
end
return n`;

/** Replace the marker only if it is still the one the rolled-back process read: one broadcast per rollback. */
const REPLACE_MARKER = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2]) return 1 end
return 0`;

/** What one check read. */
interface Reading {
  marker: string;
  /** This check wrote the marker (it was missing). */
  wrote: boolean;
  /** The main thread's own generation as Redis held it before this check wrote the next one. */
  held?: Generation;
}

/**
 * Notices that Redis lost the deployment's data (a restart without persistence, a failover to an
 * empty replica, a FLUSHALL), or went back in time (a failover to a replica that lagged, a restart
 * from or restore of an older snapshot), which no connection error shows: the clients just reconnect.
 * The check runs once the shared client is ready again after every (re)connect (ioredis 'ready') and
 * on a timer (a flush keeps the connection): one pipelined round trip that reads the data marker and,
 * in a main thread, reads and advances the process's data generation. A process that saw the marker
 * and then finds it gone or different, or its own generation lower than Redis acknowledged:
 * - logs one error line saying what was lost, or what a rollback may have taken back, and counts it
 *   (`huashu_redis_data_losses_total{kind="loss"|"rollback"}`);
 * - makes every provider forget what it holds from before (caches, loaded indexes: after a rollback
 *   they may be newer than Redis) and runs the restores (re-seeding the sample campaign when
 *   SEED_SAMPLE_CAMPAIGN is on and its data is gone, reloading indexes);
 * - reports readiness `redisData` down while it recovers.
 * A main thread that finds a rollback replaces the marker with one that says so (compare-and-set), so
 * every other process and turn thread forgets too, including those whose own last writes survived.
 * The keys are under REDIS_KEY_PREFIX: deployments sharing one Redis each watch their own data.
 * Several processes agree through SET NX: the first to find the marker missing writes a new one, the
 * others find it replaced. A process that starts on an empty Redis cannot tell a new deployment from
 * a loss while nothing ran; it writes the marker and says so at info level. Writes after a process's
 * last check are not covered: a rollback that takes back only those goes unnoticed by it.
 */
@Injectable()
export class RedisDataWatch implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: LoggerService;
  private readonly now: () => number;
  private readonly losses?: Counter<'kind'>;
  private readonly checkErrors?: Counter;
  /** How the latest check failed other than by Redis going away; undefined once one reads again. */
  private checkError?: string;
  /** The marker as this process last read it; undefined until the first check succeeds. */
  private marker?: string;
  /** This main thread's field of REDIS_DATA_GENERATION_KEY. */
  private readonly field = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  /** The last generation Redis acknowledged to this process (n 0: none yet). */
  private generation: Generation = { n: 0, at: '' };
  /** Generations sent so far: one whose write failed may still have landed, so n never repeats. */
  private sent = 0;
  private readonly serial = new SerialCheck(
    () => this.checkOnce(),
    (err) => this.checkFailed(err),
  );
  private recovering?: RedisDataLossKind;
  private readonly lastAt: Partial<Record<RedisDataLossKind, string>> = {};
  private timer?: NodeJS.Timeout;
  /** When this main thread next removes the generations of processes gone (0: at its first check). */
  private nextPruneAt = 0;
  /** Set when shutdown begins: no check runs after that (see beforeApplicationShutdown). */
  private stopping = false;
  /** The checks nobody awaits (a reconnect, the timer): a failure is logged, not an unhandled rejection. */
  private readonly checkInBackground = () => void this.check().catch((err: unknown) => this.checkFailed(err));

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_WATCH_OPTIONS) private readonly options: RedisWatchOptions,
    private readonly discovery: DiscoveryService,
    private readonly readiness: ReadinessRegistry,
    metrics: MetricsRegistry,
  ) {
    this.logger = options.logger ?? new Logger(CONTEXT);
    this.now = options.now ?? Date.now;
    if (options.report) {
      this.losses = new Counter({
        name: 'huashu_redis_data_losses_total',
        help:
          'Times this process found that Redis had lost the deployment data: kind loss (its data marker gone) ' +
          'or rollback (Redis went back in time: its latest writes gone)',
        labelNames: ['kind'],
        registers: [metrics.registry],
      });
      // Both series from the start, so increase() sees the first one.
      for (const kind of Object.values(REDIS_DATA_LOSS)) this.losses.inc({ kind }, 0);
      this.checkErrors = new Counter({
        name: 'huashu_redis_data_check_errors_total',
        help:
          'Data checks (see huashu_redis_data_losses_total) that failed other than by Redis being unreachable ' +
          '(a data marker or generation key of the wrong type, a script error): losses go unnoticed meanwhile',
        registers: [metrics.registry],
      });
    }
  }

  onModuleInit(): void {
    this.readiness.register({
      name: 'redisData',
      check: () =>
        Promise.resolve({
          up: this.recovering === undefined,
          ...(this.recovering ? { recovering: RECOVERING[this.recovering] } : {}),
          // Up all the same: a check that cannot run is no outage, and taking every gateway out of
          // rotation would make it one. The error line and the metric are the alarm.
          ...(this.checkError ? { checkError: this.checkError } : {}),
          ...(this.lastAt.loss ? { lastLossAt: this.lastAt.loss } : {}),
          ...(this.lastAt.rollback ? { lastRollbackAt: this.lastAt.rollback } : {}),
        }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.redis.on('ready', this.checkInBackground);
    this.timer = setInterval(this.checkInBackground, this.config.redis.dataCheckIntervalMs);
    this.timer.unref();
    await this.check();
  }

  /**
   * Stop checking, then remove this process's generation (before RedisModule quits the client). Checks
   * stop first: one after the removal (the timer, a 'ready') would find the field gone, take it for a
   * rollback and replace the marker, and every process of the deployment would drop its caches and log an
   * error. A check already running is waited for (its write of the field must not follow the removal);
   * the removal is not: a shutdown during an outage must not wait for Redis, and a field left behind is
   * pruned by the other processes.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.redis.off('ready', this.checkInBackground);
    // Its failure is logged by whoever started it.
    await this.check().catch(() => undefined);
    if (this.generation.n === 0 || this.redis.status !== 'ready') return;
    this.redis.hdel(REDIS_DATA_GENERATION_KEY, this.field).catch(() => undefined);
  }

  /**
   * Read the marker (and this main thread's generation) and recover when Redis lost its data or went
   * back in time (checks never overlap).
   */
  check(): Promise<void> {
    return this.serial.run();
  }

  /**
   * A check that failed other than by Redis going away (that only waits for the next 'ready'): a key of
   * the wrong type, a script error, a bug. Counted each time; logged once while the same error lasts
   * (it would repeat every REDIS_DATA_CHECK_INTERVAL_MS).
   */
  private checkFailed(err: unknown, what = 'data check'): void {
    const line = `${what} failed: ${(err as Error).message}`;
    this.checkErrors?.inc();
    if (line === this.checkError) return;
    this.checkError = line;
    this.logger.error(line, CONTEXT);
  }

  /** A step of a check failed: quiet when Redis went away (the next 'ready' checks), reported otherwise. */
  private stepFailed(what: string, err: unknown): void {
    if (isRedisUnavailableError(err)) this.logger.debug?.(`${what} failed: ${(err as Error).message}`, CONTEXT);
    else this.checkFailed(err, what);
  }

  private async checkOnce(): Promise<void> {
    if (this.stopping || this.redis.status !== 'ready') return;
    let reading: Reading;
    const acknowledged = this.generation;
    try {
      reading = await this.read();
    } catch (err) {
      this.stepFailed('data check', err);
      return;
    }
    this.checkError = undefined;
    await this.pruneIfDue();
    const { marker, wrote, held } = reading;
    const known = this.marker;
    this.marker = marker;
    const prefix = this.config.redis.keyPrefix;
    if (known === undefined) {
      if (wrote && this.options.report) {
        this.logger.log(`no data marker under ${prefix}: wrote one (a new deployment, or an empty Redis)`, CONTEXT);
      }
      return;
    }
    const markerKey = `${prefix}${REDIS_DATA_MARKER_KEY}`;
    if (marker !== known) {
      const other = wrote ? {} : parseMarker(marker);
      if (other.rollback) {
        await this.rolledBack(
          `process ${other.by ?? '?'} found so at ${other.at ?? '?'} and replaced the data marker ${markerKey}`,
          other.rollback.since,
        );
      } else {
        await this.lost(
          `the data marker ${markerKey} ${wrote ? 'is gone' : 'was replaced by another process that found it gone'}`,
        );
      }
      return;
    }
    if (acknowledged.n === 0 || (held?.n ?? 0) >= acknowledged.n) return;
    if (!held && Date.parse(acknowledged.at) < this.goneBefore()) {
      // This process did not check for the time after which any main thread removes a generation as a
      // gone process's (cut off from Redis, or suspended): its field missing says nothing of a rollback.
      // This check wrote it again.
      this.logger.log(
        `this process's data generation (field ${this.field} of ${prefix}${REDIS_DATA_GENERATION_KEY}) was ` +
          `removed as a gone process's (its last check, #${acknowledged.n} of ${acknowledged.at}, is more than ` +
          `${this.goneAfterMs() / 3600_000} h old: cut off from Redis or suspended since); registered again`,
        CONTEXT,
      );
      return;
    }
    await this.announceRollback(known, held?.at);
    await this.rolledBack(
      `this process's data check #${acknowledged.n} of ${acknowledged.at} is gone from ` +
        `${prefix}${REDIS_DATA_GENERATION_KEY} (field ${this.field}), which holds ` +
        (held ? `#${held.n} of ${held.at}` : 'none of its checks'),
      held?.at,
    );
  }

  /**
   * One pipelined round trip: the marker, and in a main thread its generation as held, then the next
   * one written (only this process writes its field, so read-then-write needs no script). A missing
   * marker costs one more.
   */
  private async read(): Promise<Reading> {
    const pipe = this.redis.pipeline().get(REDIS_DATA_MARKER_KEY);
    const next = this.options.report ? { n: ++this.sent, at: this.isoNow() } : undefined;
    if (next) {
      pipe.hget(REDIS_DATA_GENERATION_KEY, this.field);
      pipe.hset(REDIS_DATA_GENERATION_KEY, this.field, `${next.n}@${next.at}`);
    }
    const replies = (await pipe.exec()) ?? [];
    const failed = replies.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    let marker = replies[0]?.[1] as string | null;
    const held = next ? parseGeneration(replies[1]?.[1] as string | null) : undefined;
    if (next) this.generation = next;
    let wrote = false;
    if (marker === null) {
      const mine = this.newMarker();
      wrote = (await this.redis.set(REDIS_DATA_MARKER_KEY, mine, 'NX')) === 'OK';
      marker = wrote ? mine : await this.redis.get(REDIS_DATA_MARKER_KEY);
      if (marker === null) throw new Error('data marker deleted while being written');
    }
    return { marker, wrote, held };
  }

  /**
   * In a main thread, at most every PRUNE_EVERY_MS: remove the generations of processes gone (not
   * rewritten for GONE_AFTER_MS or GONE_AFTER_CHECKS checks), which their processes can no longer remove.
   * HSCAN in pages, and each page's stale fields removed only if unchanged since read. A failure waits for
   * the next time.
   */
  private async pruneIfDue(): Promise<void> {
    const now = this.now();
    if (!this.options.report || now < this.nextPruneAt) return;
    this.nextPruneAt = now + PRUNE_EVERY_MS;
    const before = this.goneBefore();
    let removed = 0;
    try {
      for await (const page of this.redis.hscanStream(REDIS_DATA_GENERATION_KEY, { count: 100 })) {
        const pairs = page as string[];
        const stale: string[] = [];
        for (let i = 0; i + 1 < pairs.length; i += 2) {
          const at = Date.parse(parseGeneration(pairs[i + 1])?.at ?? '');
          if (pairs[i] !== this.field && at < before) stale.push(pairs[i], pairs[i + 1]);
        }
        if (stale.length) {
          removed += Number(await this.redis.eval(REMOVE_UNCHANGED, 1, REDIS_DATA_GENERATION_KEY, ...stale));
        }
      }
    } catch (err) {
      this.stepFailed('removing the generations of processes gone', err);
    }
    if (removed) {
      this.logger.debug?.(
        `removed ${removed} generations of processes gone since ${new Date(before).toISOString()}`,
        CONTEXT,
      );
    }
  }

  /** How long a generation not rewritten is taken for a gone process's (GONE_AFTER_MS, GONE_AFTER_CHECKS). */
  private goneAfterMs(): number {
    return Math.max(GONE_AFTER_MS, GONE_AFTER_CHECKS * this.config.redis.dataCheckIntervalMs);
  }

  /** Generations last rewritten before this are of processes gone. */
  private goneBefore(): number {
    return this.now() - this.goneAfterMs();
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  private newMarker(rollback?: Marker['rollback']): string {
    const m: Marker = {
      id: randomBytes(8).toString('hex'),
      at: this.isoNow(),
      by: `${hostname()}/${process.pid}`,
      ...(rollback ? { rollback } : {}),
    };
    return JSON.stringify(m);
  }

  /**
   * Tell every other process (and turn thread) that Redis went back in time: a new marker saying so,
   * unless another process already replaced the one this process read. Failing that, the others still
   * find out from their own generations, if theirs went back too.
   */
  private async announceRollback(known: string, since: string | undefined): Promise<void> {
    const mine = this.newMarker(since ? { since } : {});
    try {
      const replaced = await this.redis.eval(REPLACE_MARKER, 1, REDIS_DATA_MARKER_KEY, known, mine);
      this.marker = replaced === 1 ? mine : ((await this.redis.get(REDIS_DATA_MARKER_KEY)) ?? known);
    } catch (err) {
      this.stepFailed('replacing the data marker after a rollback', err);
    }
  }

  private lost(how: string): Promise<void> {
    const prefix = this.config.redis.keyPrefix;
    return this.recover(
      REDIS_DATA_LOSS.loss,
      (dropped) =>
        `Redis lost its data: ${how} (Redis restarted without persistence, failed over to an empty replica, ` +
        `or was flushed). Gone under ${prefix}: ${LOST}. Dropped from this process: ${dropped}. Restore the ` +
        `data from a backup; the sample campaign is re-seeded where SEED_SAMPLE_CAMPAIGN is on.`,
    );
  }

  private rolledBack(how: string, since: string | undefined): Promise<void> {
    const prefix = this.config.redis.keyPrefix;
    return this.recover(
      REDIS_DATA_LOSS.rollback,
      (dropped) =>
        `Redis went back in time: ${how} (a failover to a replica that lagged, or a restart from or restore ` +
        `of an older snapshot). Writes made after ${since ?? 'an unknown time'} may be gone under ${prefix}: ` +
        `${ROLLED_BACK}. Dropped from this process, to be read again from Redis: ${dropped}. Re-apply what ` +
        `changed since then from its source (do-not-call requests from the dialer's suppression list).`,
    );
  }

  private async recover(kind: RedisDataLossKind, line: (dropped: string) => string): Promise<void> {
    const start = performance.now();
    this.recovering = kind;
    this.lastAt[kind] = this.isoNow();
    const what = kind === REDIS_DATA_LOSS.loss ? 'the Redis data loss' : 'the Redis rollback';
    try {
      const hooked = this.hooked();
      const held: string[] = [];
      for (const h of hooked) {
        try {
          const dropped = h.forgetRedisData?.();
          if (dropped) held.push(dropped);
        } catch (err) {
          this.logger.error(`forgetting state from before ${what} failed: ${(err as Error).message}`, CONTEXT);
        }
      }
      const dropped = held.length ? held.join('; ') : 'nothing';
      if (this.options.report) {
        this.losses?.inc({ kind });
        this.logger.error(line(dropped), CONTEXT);
      } else {
        this.logger.debug?.(`${what}: forgot ${dropped}`, CONTEXT);
      }
      for (const h of hooked) {
        try {
          await h.restoreRedisData?.();
        } catch (err) {
          this.logger.error(`restoring after ${what} failed: ${(err as Error).message}`, CONTEXT);
        }
      }
      if (this.options.report) {
        this.logger.log(`recovered from ${what} in ${Math.round(performance.now() - start)} ms`, CONTEXT);
      }
    } finally {
      this.recovering = undefined;
    }
  }

  /** Every provider instance with a hook, each once (an alias provider shares its instance). */
  private hooked(): OnRedisDataLost[] {
    const out = new Set<OnRedisDataLost>();
    for (const { instance } of this.discovery.getProviders()) {
      if (typeof instance !== 'object' || instance === null) continue;
      const h = instance as OnRedisDataLost;
      if (typeof h.forgetRedisData === 'function' || typeof h.restoreRedisData === 'function') out.add(h);
    }
    return [...out];
  }
}
