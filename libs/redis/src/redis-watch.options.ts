import type { LoggerService } from '@nestjs/common';

/** What a host tells its RedisDataWatch and RedisEvictionPolicyWatch (OpsModule provides it). */
export interface RedisWatchOptions {
  /**
   * The process's main thread: logs and counts what the watches find, and (the data watch) writes the
   * process's data generation. A turn thread (same process, own caches) only forgets and restores after
   * a loss or rollback: the main thread's line and counter already stand for the process. (The
   * eviction-policy watch does nothing at all in a turn thread.)
   */
  report: boolean;
  /**
   * The app's own logger. Nest's `new Logger()` writes through whichever app set its logger last,
   * which in a process hosting several apps (the e2e tests) is not necessarily this one.
   */
  logger?: LoggerService;
  /**
   * The data watch's clock (ms since the epoch; default Date.now): what it writes in its generations and
   * judges their age by. Unit specs set it to play a process cut off from Redis for a day.
   */
  now?: () => number;
}

/** Injection token of the RedisWatchOptions. */
export const REDIS_WATCH_OPTIONS = Symbol('RedisWatchOptions');
