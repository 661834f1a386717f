export { REDIS } from './redis.constants.js';
export { bullPrefix, createRedis, waitReady, type RedisClient } from './redis.factory.js';
export { RedisHealth, RedisModule } from './redis.module.js';
export { DEFAULT_JOB_OPTIONS, jobId } from './queue.defaults.js';
export { bullConnection, BullRootModule } from './bull.module.js';
export { BULL_ERROR_LOG_INTERVAL_MS, BullErrorLog, logBullErrors } from './bull-error-log.js';
export { BullWorkerShutdown, closeBullWorker } from './bull-worker-shutdown.js';
export { ErrorLogThrottle, type ThrottledLog } from './error-log-throttle.js';
export { assertRedisReachable } from './preflight.js';
export { isRedisUnavailableError } from './redis-errors.js';
export { REDIS_WATCH_OPTIONS, type RedisWatchOptions } from './redis-watch.options.js';
export {
  REDIS_DATA_GENERATION_KEY,
  REDIS_DATA_MARKER_KEY,
  RedisDataWatch,
  type OnRedisDataLost,
} from './redis-data-watch.service.js';
export {
  EVICTION_RISK,
  evictionRisk,
  RedisEvictionPolicyWatch,
  type EvictionRisk,
} from './redis-eviction-policy.service.js';
