import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type LoggerService,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { REDIS } from './redis.constants.js';
import { REDIS_WATCH_OPTIONS, type RedisWatchOptions } from './redis-watch.options.js';
import { SerialCheck } from './serial-check.js';

/**
 * The deployment's data marker (under REDIS_KEY_PREFIX, no TTL): written by the first process that
 * finds it missing, read by every process after each reconnect and every REDIS_DATA_CHECK_INTERVAL_MS.
 * Gone, or replaced by one another process wrote, means Redis lost the deployment's data.
 */
export const REDIS_DATA_MARKER_KEY = 'ops:data-marker';

const CONTEXT = 'RedisData';

/**
 * Implemented by providers that keep state read from Redis in memory, or that put back what the
 * deployment needs. RedisDataWatch finds them (Nest discovery, like the lifecycle hooks) when Redis
 * lost its data: every `forgetRedisData` runs first, then each `restoreRedisData` in turn.
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

/**
 * Notices that Redis lost the deployment's data (a restart without persistence, a failover to an
 * empty replica, a FLUSHALL), which no connection error shows: the clients just reconnect to an
 * empty server. The check reads the data marker once the shared client is ready again after every
 * (re)connect (ioredis 'ready') and on a timer (a flush keeps the connection). A process that saw
 * the marker and then finds it gone or different:
 * - logs one error line saying what was lost and counts it (`huashu_redis_data_losses_total`);
 * - makes every provider forget what it holds from before (caches, loaded indexes) and runs the
 *   restores (re-seeding the sample campaign when SEED_SAMPLE_CAMPAIGN is on, reloading indexes);
 * - reports readiness `redisData` down while it recovers.
 * The marker is under REDIS_KEY_PREFIX: deployments sharing one Redis each watch their own data.
 * Several processes agree through SET NX: the first to find it missing writes a new one, the others
 * find it replaced. A process that starts on an empty Redis cannot tell a new deployment from a loss
 * while nothing ran; it writes the marker and says so at info level.
 */
@Injectable()
export class RedisDataWatch implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: LoggerService;
  private readonly losses?: Counter;
  /** The marker as this process last read it; undefined until the first check succeeds. */
  private marker?: string;
  private readonly serial = new SerialCheck(() => this.checkOnce());
  private recovering = false;
  private lostAt?: string;
  private timer?: NodeJS.Timeout;
  private readonly onReady = () => void this.check();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_WATCH_OPTIONS) private readonly options: RedisWatchOptions,
    private readonly discovery: DiscoveryService,
    private readonly readiness: ReadinessRegistry,
    metrics: MetricsRegistry,
  ) {
    this.logger = options.logger ?? new Logger(CONTEXT);
    if (options.report) {
      this.losses = new Counter({
        name: 'huashu_redis_data_losses_total',
        help: 'Times this process found that Redis had lost the deployment data (its data marker gone)',
        registers: [metrics.registry],
      });
    }
  }

  onModuleInit(): void {
    this.readiness.register({
      name: 'redisData',
      check: () =>
        Promise.resolve({
          up: !this.recovering,
          ...(this.recovering ? { recovering: 'Redis lost its data; reloading' } : {}),
          ...(this.lostAt ? { lastLossAt: this.lostAt } : {}),
        }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.redis.on('ready', this.onReady);
    this.timer = setInterval(() => void this.check(), this.config.redis.dataCheckIntervalMs);
    this.timer.unref();
    await this.check();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
  }

  /** Read the marker and recover when it is not the one this process saw (checks never overlap). */
  check(): Promise<void> {
    return this.serial.run();
  }

  private async checkOnce(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    let marker: string | null;
    let wrote = false;
    try {
      marker = await this.redis.get(REDIS_DATA_MARKER_KEY);
      if (marker === null) {
        const mine = JSON.stringify({
          id: randomBytes(8).toString('hex'),
          at: new Date().toISOString(),
          by: `${hostname()}/${process.pid}`,
        });
        wrote = (await this.redis.set(REDIS_DATA_MARKER_KEY, mine, 'NX')) === 'OK';
        marker = wrote ? mine : await this.redis.get(REDIS_DATA_MARKER_KEY);
      }
    } catch (err) {
      // Redis went away again: the next 'ready' checks.
      this.logger.debug?.(`data marker check failed: ${(err as Error).message}`, CONTEXT);
      return;
    }
    if (marker === null) return;
    const known = this.marker;
    this.marker = marker;
    if (known === undefined) {
      if (wrote && this.options.report) {
        this.logger.log(
          `no data marker under ${this.config.redis.keyPrefix}: wrote one (a new deployment, or an empty Redis)`,
          CONTEXT,
        );
      }
      return;
    }
    if (marker !== known) await this.recover(wrote ? 'is gone' : 'was replaced by another process that found it gone');
  }

  private async recover(how: string): Promise<void> {
    const start = performance.now();
    this.recovering = true;
    this.lostAt = new Date().toISOString();
    try {
      const hooked = this.hooked();
      const held: string[] = [];
      for (const h of hooked) {
        try {
          const what = h.forgetRedisData?.();
          if (what) held.push(what);
        } catch (err) {
          this.logger.error(`forgetting pre-loss state failed: ${(err as Error).message}`, CONTEXT);
        }
      }
      const prefix = this.config.redis.keyPrefix;
      if (this.options.report) {
        this.losses?.inc();
        this.logger.error(
          `Redis lost its data: the data marker ${prefix}${REDIS_DATA_MARKER_KEY} ${how} (Redis restarted ` +
            `without persistence, failed over to an empty replica, or was flushed). Gone under ${prefix}: ${LOST}. ` +
            `Dropped from this process: ${held.length ? held.join('; ') : 'nothing'}. Restore the data from a ` +
            `backup; the sample campaign is re-seeded where SEED_SAMPLE_CAMPAIGN is on.`,
          CONTEXT,
        );
      } else {
        this.logger.debug?.(`Redis lost its data: forgot ${held.join('; ') || 'nothing'}`, CONTEXT);
      }
      for (const h of hooked) {
        try {
          await h.restoreRedisData?.();
        } catch (err) {
          this.logger.error(`restoring after the Redis data loss failed: ${(err as Error).message}`, CONTEXT);
        }
      }
      if (this.options.report) {
        this.logger.log(`recovered from the Redis data loss in ${Math.round(performance.now() - start)} ms`, CONTEXT);
      }
    } finally {
      this.recovering = false;
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
