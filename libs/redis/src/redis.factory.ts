import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '@huashu/config';

export type RedisClient = Redis;

/**
 * Creates ioredis connections for the app. `prefixed` clients put REDIS_KEY_PREFIX on every key;
 * BullMQ and pub/sub connections must not (BullMQ takes its own `prefix`, and ioredis does not
 * prefix channels).
 */
export function createRedis(
  config: AppConfig['redis'],
  opts: { name: string; prefixed: boolean; lazy?: boolean },
): Redis {
  const options: RedisOptions = {
    connectionName: `huashu-${opts.name}`,
    connectTimeout: config.connectTimeoutMs,
    // Reconnect with capped exponential backoff; the client keeps retrying while the app runs
    // and readiness reports the outage.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 7), 5000),
    maxRetriesPerRequest: 2,
    // The shared (prefixed) client fails fast while disconnected, so a turn degrades instead of
    // queueing behind an outage; auxiliary connections (pub/sub) may queue until they connect.
    enableOfflineQueue: !opts.prefixed,
    lazyConnect: opts.lazy ?? false,
    // No auto-pipelining: a turn sends one command at a time (its commit), and each flush built a new
    // ioredis Pipeline (-3.7 % of a sequential turn's instructions without it, callgrind). Turns that
    // resume together from a shared model run do commit in one tick; sending those commits in one
    // writev (socket corking) cut the write syscalls 15-fold at 50 connections but moved neither CPU
    // per turn nor turns/s (README, bench:turns). Commands are still pipelined on the socket: ioredis
    // never waits for a reply to send the next.
    enableAutoPipelining: false,
    ...(opts.prefixed ? { keyPrefix: config.keyPrefix } : {}),
  };
  return new Redis(config.url, options);
}

/** BullMQ `prefix` derived from REDIS_KEY_PREFIX ("huashu:" → "huashu:bull"). */
export const bullPrefix = (keyPrefix: string): string => `${keyPrefix}bull`;

/** Wait until a client is ready or fail after `timeoutMs`. */
export async function waitReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
