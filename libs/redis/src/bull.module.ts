import { BullModule } from '@nestjs/bullmq';
import type { ConnectionOptions } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { bullPrefix } from './redis.factory.js';
import { DEFAULT_JOB_OPTIONS } from './queue.defaults.js';

/**
 * Connection options (not a shared client) so that every BullMQ Queue and Worker owns, and on
 * shutdown closes, its own connections.
 *
 * No `skipVersionCheck`, although BullMQ's own `IMPORTANT! Eviction policy is …` (console.warn, once per
 * connection, beside RedisEvictionPolicyWatch's line) has no other switch: in bullmq 6.7.0 it comes from
 * `RedisConnection.getRedisVersionAndType`, the INFO read that also checks the minimum Redis version and
 * sets the capabilities. Skipped, BullMQ no longer refuses a Redis below 5.0.0 and assumes that version's
 * capabilities: workers round their BZPOPMIN timeouts up to whole seconds (no `canDoubleTimeout`), so a
 * delayed job (a scheduled callback) may start up to a second late.
 */
export function bullConnection(config: AppConfig['redis']): ConnectionOptions {
  return {
    url: config.url,
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 7), 5000),
  };
}

/** BullMQ root wiring shared by gateway and worker: connection, prefix and default job options. */
export const BullRootModule = BullModule.forRootAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    connection: bullConnection(config.redis),
    prefix: bullPrefix(config.redis.keyPrefix),
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  }),
});
