import type { DiscoveryService } from '@nestjs/core';
import { Redis } from 'ioredis';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { loadConfig, type AppConfig } from '@huashu/config';
import { REDIS_DATA_MARKER_KEY, RedisDataWatch, type OnRedisDataLost } from './redis-data-watch.service.js';
import { deletePrefix, uniquePrefix } from '../../../test/support/redis-prefix.js';

// Real Redis under a prefix of this run alone; discovery, logger and hooks are small fakes.
const prefix = uniquePrefix('data-watch');
const config: AppConfig = loadConfig({
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: prefix,
});
const redis = new Redis(config.redis.url, { keyPrefix: prefix });

afterAll(async () => {
  redis.disconnect();
  await deletePrefix(prefix, config.redis.url);
});

/** What happened, in order: hook calls and log lines. */
type Event = string;

function setup(report = true, hooks: OnRedisDataLost[] = []) {
  const events: Event[] = [];
  const logger = {
    log: (m: string) => events.push(`log ${m}`),
    error: (m: string) => events.push(`error ${m}`),
    warn: (m: string) => events.push(`warn ${m}`),
  };
  const discovery = {
    // A provider twice (an alias shares its instance) and providers without hooks or instance.
    getProviders: () => [...hooks, ...hooks, {}, null, 'x'].map((instance) => ({ instance })),
  } as unknown as DiscoveryService;
  const readiness = new ReadinessRegistry();
  const metrics = new MetricsRegistry('test', { defaultMetrics: false });
  const watch = new RedisDataWatch(redis, config, { report, logger }, discovery, readiness, metrics);
  watch.onModuleInit();
  const ready = async () => readiness.list()[0].check();
  const losses = async () => (await metrics.registry.getSingleMetric('huashu_redis_data_losses_total')?.get())?.values;
  return { watch, events, ready, losses };
}

describe('RedisDataWatch', () => {
  beforeEach(async () => {
    await redis.del(REDIS_DATA_MARKER_KEY);
  });

  it('writes the marker on an empty Redis without calling it a loss, and stays quiet while it is there', async () => {
    const { watch, events, losses } = setup();
    await watch.check();
    await watch.check();
    expect(await redis.get(REDIS_DATA_MARKER_KEY)).toEqual(expect.any(String));
    expect(events).toEqual([`log no data marker under ${prefix}: wrote one (a new deployment, or an empty Redis)`]);
    expect(await losses()).toEqual([{ value: 0, labels: {} }]);
  });

  it('on a lost marker: forgets everywhere, then logs one error line and counts, then restores, down meanwhile', async () => {
    // The hooks are made before the watch whose readiness the restore reads.
    const probe: { ready?: () => Promise<{ up: boolean }> } = {};
    const hooks: OnRedisDataLost[] = [
      { forgetRedisData: () => (events.push('forget index'), 'published script indexes of default version 3') },
      {
        restoreRedisData: async () => {
          events.push(`restore (ready: ${(await probe.ready!()).up})`);
        },
      },
      { forgetRedisData: () => (events.push('forget sessions'), undefined) },
    ];
    const s = setup(true, hooks);
    const { watch, events } = s;
    probe.ready = s.ready;
    await watch.check();
    events.length = 0;
    await redis.del(REDIS_DATA_MARKER_KEY);
    // A reconnect and the timer at once: one check after the other, one loss.
    await Promise.all([watch.check(), watch.check(), watch.check()]);
    expect(events.map((e) => e.replace(/ (\(Redis restarted|in \d+ ms).*$/, ''))).toEqual([
      'forget index',
      'forget sessions',
      `error Redis lost its data: the data marker ${prefix}${REDIS_DATA_MARKER_KEY} is gone`,
      'restore (ready: false)',
      'log recovered from the Redis data loss',
    ]);
    const line = events[2];
    expect(line).toContain('do-not-call lists');
    expect(line).toContain('Dropped from this process: published script indexes of default version 3.');
    expect(await s.losses()).toEqual([{ value: 1, labels: {} }]);
    expect(await s.ready()).toEqual({ up: true, lastLossAt: expect.any(String) });
  });

  it('takes a marker another process wrote after finding it gone for a loss too', async () => {
    const { watch, events, losses } = setup();
    await watch.check();
    await redis.set(REDIS_DATA_MARKER_KEY, 'written by another gateway');
    await watch.check();
    expect(events.filter((e) => e.startsWith('error'))).toEqual([
      expect.stringContaining('was replaced by another process that found it gone'),
    ]);
    expect(await losses()).toEqual([{ value: 1, labels: {} }]);
  });

  it('in a turn thread: forgets and restores without a line or a counter of its own', async () => {
    const calls: string[] = [];
    const hook: OnRedisDataLost = {
      forgetRedisData: () => (calls.push('forget'), undefined),
      restoreRedisData: () => Promise.resolve(void calls.push('restore')),
    };
    const { watch, events, losses } = setup(false, [hook]);
    await watch.check();
    await redis.del(REDIS_DATA_MARKER_KEY);
    await watch.check();
    expect(calls).toEqual(['forget', 'restore']);
    expect(events).toEqual([]);
    expect(await losses()).toBeUndefined();
  });

  it('a failing hook is logged and neither stops the others nor keeps readiness down', async () => {
    const calls: string[] = [];
    const hooks: OnRedisDataLost[] = [
      {
        forgetRedisData: () => {
          throw new Error('boom');
        },
        restoreRedisData: () => Promise.reject(new Error('seed failed')),
      },
      { restoreRedisData: () => Promise.resolve(void calls.push('restored')) },
    ];
    const { watch, events, ready } = setup(true, hooks);
    await watch.check();
    await redis.del(REDIS_DATA_MARKER_KEY);
    await watch.check();
    expect(calls).toEqual(['restored']);
    expect(events.filter((e) => e.startsWith('error'))).toEqual([
      'error forgetting pre-loss state failed: boom',
      expect.stringMatching(/^error Redis lost its data/),
      'error restoring after the Redis data loss failed: seed failed',
    ]);
    expect((await ready()).up).toBe(true);
  });
});
