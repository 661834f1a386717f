export { REDIS } from './redis.constants.js';
export { bullPrefix, createRedis, waitReady, type RedisClient } from './redis.factory.js';
export { RedisHealth, RedisModule } from './redis.module.js';
export { DEFAULT_JOB_OPTIONS, jobId } from './queue.defaults.js';
export { bullConnection, BullRootModule } from './bull.module.js';
export { BullErrorLog } from './bull-error-log.js';
export { assertRedisReachable } from './preflight.js';
export { isRedisUnavailableError } from './redis-errors.js';
