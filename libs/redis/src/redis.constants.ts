/** Injection token of the shared ioredis client (keys prefixed with REDIS_KEY_PREFIX). */
export const REDIS = Symbol('Redis');
