import {
  Inject,
  Injectable,
  Logger,
  type LoggerService,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { REDIS } from './redis.constants.js';
import { isRedisUnavailableError } from './redis-errors.js';
import { REDIS_WATCH_OPTIONS, type RedisWatchOptions } from './redis-watch.options.js';
import { SerialCheck } from './serial-check.js';

/** What Redis's maxmemory-policy may evict once it reaches maxmemory (the `risk` of the metric and readiness). */
export const EVICTION_RISK = {
  /** noeviction: writes fail (OOM) instead; nothing is dropped. */
  none: 'none',
  /** volatile-*: keys with a TTL, before their time. */
  ttlKeys: 'ttl_keys',
  /** allkeys-*: any key. */
  anyKey: 'any_key',
  /** The policy could not be read, or is one this code does not know. */
  unknown: 'unknown',
} as const;
export type EvictionRisk = (typeof EVICTION_RISK)[keyof typeof EVICTION_RISK];

export const evictionRisk = (policy: string): EvictionRisk =>
  policy === 'noeviction'
    ? EVICTION_RISK.none
    : policy.startsWith('volatile-')
      ? EVICTION_RISK.ttlKeys
      : policy.startsWith('allkeys-')
        ? EVICTION_RISK.anyKey
        : EVICTION_RISK.unknown;

/** What this process last read: the policy (`unknown` when Redis refused to say) and maxmemory in bytes. */
interface Reading {
  policy: string;
  risk: EvictionRisk;
  maxmemory?: number;
  /** Why the policy is unknown. */
  error?: string;
}

/** The reading when Redis refused both ways of asking. */
const unreadable = (error: string): Reading => ({ policy: 'unknown', risk: EVICTION_RISK.unknown, error });

const CONTEXT = 'RedisEviction';

/** Keys with a TTL (DESIGN §6), as the volatile-* warning names them. */
const TTL_KEYS =
  'sessions (a live conversation then answers 404), conversation locks (turns of one conversation may ' +
  'interleave), telephony call state and event de-duplication, dialer webhook claims, transcripts';
/** Keys without a TTL besides those, as the allkeys-* line names them. */
const DURABLE_KEYS =
  'do-not-call lists (numbers that opted out can be called again), campaigns and their settings, script ' +
  'libraries and published versions, compliance lexicons, queued jobs, and the data marker and generations ' +
  '(a false data-loss or rollback alarm)';

/**
 * Reads Redis's `maxmemory-policy` when the process starts and after every reconnect (ioredis `ready`,
 * the hook RedisDataWatch uses too: a failover may land on a server configured otherwise) and says, in
 * one line, what a policy other than `noeviction` may silently drop once Redis is full:
 * - `allkeys-*`: any key, do-not-call lists included: an error line (a compliance risk, not just an outage);
 * - `volatile-*`: keys with a TTL before their time (sessions, locks, de-duplication): a warning;
 * - a policy it does not know: a warning.
 * The same reading is in `/health/ready` (`redisEvictionPolicy`, always up: a policy is not an outage, and
 * taking every gateway out of rotation would make it one) and in `huashu_redis_eviction_policy_info`.
 * Managed Redis often refuses CONFIG: then the policy is read from `INFO memory`, and when that is refused
 * too it is `unknown`, said once at info level. The line repeats only when the reading changes.
 * A turn thread (`report: false`) does nothing: its process's main thread reads and reports.
 */
@Injectable()
export class RedisEvictionPolicyWatch implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: LoggerService;
  private readonly info?: Gauge;
  private reading?: Reading;
  private readonly serial = new SerialCheck(
    () => this.checkOnce(),
    (err) => this.checkFailed(err),
  );
  /** Nobody awaits the check after a reconnect: a failure is logged, not an unhandled rejection. */
  private readonly onReady = () => void this.check().catch((err: unknown) => this.checkFailed(err));

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_WATCH_OPTIONS) private readonly options: RedisWatchOptions,
    private readonly readiness: ReadinessRegistry,
    metrics: MetricsRegistry,
  ) {
    this.logger = options.logger ?? new Logger(CONTEXT);
    if (options.report) {
      this.info = new Gauge({
        name: 'huashu_redis_eviction_policy_info',
        help:
          "Redis's maxmemory-policy as last read (1 on the current policy and risk): risk none (noeviction), " +
          'ttl_keys (volatile-*), any_key (allkeys-*: do-not-call lists may be evicted), unknown (not readable)',
        labelNames: ['policy', 'risk'],
        registers: [metrics.registry],
      });
    }
  }

  onModuleInit(): void {
    if (!this.options.report) return;
    this.readiness.register({
      name: 'redisEvictionPolicy',
      check: () => Promise.resolve({ up: true, ...(this.reading ?? { policy: 'not read yet' }) }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.report) return;
    this.redis.on('ready', this.onReady);
    await this.check();
  }

  onApplicationShutdown(): void {
    this.redis.off('ready', this.onReady);
  }

  /**
   * Read the policy and report it when it differs from the last reading (checks never overlap; one asked
   * for while one runs, say after a reconnect to another server mid-check, reads again after it).
   */
  check(): Promise<void> {
    return this.serial.run();
  }

  /** A check that failed other than by Redis going away (that only waits for the next 'ready'): a bug. */
  private checkFailed(err: unknown): void {
    this.logger.error(`maxmemory-policy check failed: ${(err as Error).message}`, CONTEXT);
  }

  private async checkOnce(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    let reading: Reading;
    try {
      reading = await this.read();
    } catch (err) {
      // Redis went away again: the next 'ready' reads.
      this.logger.debug?.(`maxmemory-policy check failed: ${(err as Error).message}`, CONTEXT);
      return;
    }
    const before = this.reading;
    this.reading = reading;
    this.info?.reset();
    this.info?.set({ policy: reading.policy, risk: reading.risk }, 1);
    if (before && before.policy === reading.policy && before.maxmemory === reading.maxmemory) return;
    this.report(reading, before);
  }

  /**
   * CONFIG GET, else INFO memory (allowed where CONFIG is not: ElastiCache, ACL users without @admin),
   * else unknown; an outage throws. INFO is parsed by hand: two `name:value` lines, as BullMQ reads it.
   */
  private async read(): Promise<Reading> {
    let configError: string;
    try {
      const pairs = await this.redis.config('GET', 'maxmemory*');
      const get = (name: string) => pairs[pairs.indexOf(name) + 1];
      const policy = get('maxmemory-policy');
      if (pairs.includes('maxmemory-policy') && policy)
        return { policy, risk: evictionRisk(policy), maxmemory: Number(get('maxmemory')) };
      configError = 'no maxmemory-policy in its answer';
    } catch (err) {
      if (isRedisUnavailableError(err)) throw err;
      configError = (err as Error).message;
    }
    try {
      const text = await this.redis.info('memory');
      const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim();
      const policy = field('maxmemory_policy');
      if (policy) {
        this.logger.debug?.(`CONFIG GET refused (${configError}): maxmemory-policy read from INFO memory`, CONTEXT);
        return { policy, risk: evictionRisk(policy), maxmemory: Number(field('maxmemory')) };
      }
      return unreadable(`CONFIG GET: ${configError}; INFO memory: no maxmemory_policy`);
    } catch (err) {
      if (isRedisUnavailableError(err)) throw err;
      return unreadable(`CONFIG GET: ${configError}; INFO: ${(err as Error).message}`);
    }
  }

  private report(r: Reading, before: Reading | undefined): void {
    const fix = 'Set maxmemory-policy noeviction (README "Redis data loss").';
    const when =
      r.maxmemory === 0
        ? 'once a maxmemory is set (none now: nothing is evicted yet)'
        : `when Redis reaches maxmemory (${r.maxmemory} bytes)`;
    switch (r.risk) {
      case EVICTION_RISK.none:
        if (before && before.risk !== EVICTION_RISK.none)
          this.logger.log(`Redis maxmemory-policy is now noeviction (was ${before.policy})`, CONTEXT);
        return;
      case EVICTION_RISK.anyKey:
        this.logger.error(
          `Redis maxmemory-policy is ${r.policy}: ${when} it evicts any key without an error, among them ` +
            `${DURABLE_KEYS}, and ${TTL_KEYS}. ${fix}`,
          CONTEXT,
        );
        return;
      case EVICTION_RISK.ttlKeys:
        this.logger.warn(
          `Redis maxmemory-policy is ${r.policy}: ${when} it evicts keys with a TTL before their time: ` +
            `${TTL_KEYS}. ${fix}`,
          CONTEXT,
        );
        return;
      case EVICTION_RISK.unknown:
        if (r.error) {
          this.logger.log(
            `Redis maxmemory-policy could not be read (${r.error}): make sure it is noeviction in the Redis ` +
              `provider's settings (README "Redis data loss")`,
            CONTEXT,
          );
        } else {
          this.logger.warn(
            `Redis maxmemory-policy is ${r.policy}, which huashu does not know: it may evict ${DURABLE_KEYS}. ${fix}`,
            CONTEXT,
          );
        }
        return;
    }
  }
}
