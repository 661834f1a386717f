import type { DiscoveryService } from '@nestjs/core';
import { Redis } from 'ioredis';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { loadConfig, type AppConfig } from '@huashu/config';
import {
  REDIS_DATA_GENERATION_KEY,
  REDIS_DATA_MARKER_KEY,
  RedisDataWatch,
  type OnRedisDataLost,
} from './redis-data-watch.service.js';
import { eventually } from '../../../test/support/eventually.js';
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

function setup(
  report = true,
  hooks: OnRedisDataLost[] = [],
  providers?: () => { instance: unknown }[],
  { client = redis, now }: { client?: Redis; now?: () => number } = {},
) {
  const events: Event[] = [];
  /** Debug lines, apart: most checks write some. */
  const debugs: string[] = [];
  const logger = {
    debug: (m: string) => debugs.push(m),
    log: (m: string) => events.push(`log ${m}`),
    error: (m: string) => events.push(`error ${m}`),
    warn: (m: string) => events.push(`warn ${m}`),
  };
  const discovery = {
    // A provider twice (an alias shares its instance) and providers without hooks or instance.
    getProviders: providers ?? (() => [...hooks, ...hooks, {}, null, 'x'].map((instance) => ({ instance }))),
  } as unknown as DiscoveryService;
  const readiness = new ReadinessRegistry();
  const metrics = new MetricsRegistry('test', { defaultMetrics: false });
  const watch = new RedisDataWatch(client, config, { report, logger, now }, discovery, readiness, metrics);
  watch.onModuleInit();
  const ready = async () => readiness.list()[0].check();
  /** huashu_redis_data_losses_total by kind, or undefined where the watch registers no counter. */
  const losses = async () => {
    const values = (await metrics.registry.getSingleMetric('huashu_redis_data_losses_total')?.get())?.values;
    return values && Object.fromEntries(values.map((v) => [v.labels.kind, v.value]));
  };
  /** huashu_redis_data_check_errors_total. */
  const checkErrors = async () =>
    (await metrics.registry.getSingleMetric('huashu_redis_data_check_errors_total')?.get())?.values[0]?.value;
  return { watch, events, debugs, ready, losses, checkErrors };
}

describe('RedisDataWatch', () => {
  beforeEach(async () => {
    await redis.del(REDIS_DATA_MARKER_KEY, REDIS_DATA_GENERATION_KEY);
  });

  it('writes the marker on an empty Redis without calling it a loss, and stays quiet while it is there', async () => {
    const { watch, events, losses } = setup();
    await watch.check();
    await watch.check();
    expect(await redis.get(REDIS_DATA_MARKER_KEY)).toEqual(expect.any(String));
    expect(events).toEqual([`log no data marker under ${prefix}: wrote one (a new deployment, or an empty Redis)`]);
    expect(await losses()).toEqual({ loss: 0, rollback: 0 });
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
    expect(await s.losses()).toEqual({ loss: 1, rollback: 0 });
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
    expect(await losses()).toEqual({ loss: 1, rollback: 0 });
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

  it('a rollback: the main thread whose check Redis lost says so, counts it, tells the others through the marker', async () => {
    const hook = (name: string, calls: string[]): OnRedisDataLost => ({
      forgetRedisData: () => (calls.push(`${name} forget`), `${name} cache`),
      restoreRedisData: () => Promise.resolve(void calls.push(`${name} restore`)),
    });
    const calls: string[] = [];
    // Two processes' main threads and a turn thread of the first.
    const a = setup(true, [hook('a', calls)]);
    const b = setup(true, [hook('b', calls)]);
    const thread = setup(false, [hook('thread', calls)]);
    await a.watch.check();
    const aField = (await redis.hkeys(REDIS_DATA_GENERATION_KEY))[0];
    await Promise.all([b.watch.check(), thread.watch.check(), a.watch.check()]);
    // Only main threads keep a generation.
    expect(await redis.hlen(REDIS_DATA_GENERATION_KEY)).toBe(2);
    const held = await redis.hget(REDIS_DATA_GENERATION_KEY, aField);
    expect(held).toMatch(/^2@\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    // Redis goes back to the state before a's latest check (b's checks are all kept).
    const snapshot = await redis.dumpBuffer(REDIS_DATA_GENERATION_KEY);
    await a.watch.check();
    const lost = (await redis.hget(REDIS_DATA_GENERATION_KEY, aField))!;
    await redis.restore(REDIS_DATA_GENERATION_KEY, 0, snapshot, 'REPLACE');
    const marker = await redis.get(REDIS_DATA_MARKER_KEY);

    a.events.length = 0;
    // b's own writes are all there: nothing to see yet.
    await b.watch.check();
    expect(b.events).toEqual([]);
    await a.watch.check();
    const [lostAt, heldAt] = [lost.split('@')[1], held!.split('@')[1]];
    expect(a.events.map((e) => e.replace(/ in \d+ ms$/, ''))).toEqual([
      `error Redis went back in time: this process's data check #3 of ${lostAt} is gone from ${prefix}` +
        `${REDIS_DATA_GENERATION_KEY} (field ${aField}), which holds #2 of ${heldAt} (a failover to a replica ` +
        `that lagged, or a restart from or restore of an older snapshot). Writes made after ${heldAt} may be ` +
        `gone under ${prefix}: do-not-call entries (numbers that opted out in that time can be called again), ` +
        'changes to campaigns, script libraries, compliance lexicons and policies, publishes, conversation turns ' +
        '(a conversation goes on from an earlier turn), transcript and audit entries, scheduled callbacks and ' +
        'queued jobs. Dropped from this process, to be read again from Redis: a cache. Re-apply what changed ' +
        "since then from its source (do-not-call requests from the dialer's suppression list).",
      'log recovered from the Redis rollback',
    ]);
    expect(await a.losses()).toEqual({ loss: 0, rollback: 1 });
    expect(await a.ready()).toEqual({ up: true, lastRollbackAt: expect.any(String) });
    // The marker now says so; b and the turn thread take it for the rollback it is, not a loss.
    const replaced = JSON.parse((await redis.get(REDIS_DATA_MARKER_KEY))!) as Record<string, unknown>;
    expect(replaced).toMatchObject({ rollback: { since: heldAt } });
    expect(JSON.stringify(replaced)).not.toBe(marker);
    await Promise.all([b.watch.check(), thread.watch.check()]);
    expect(b.events.filter((e) => e.startsWith('error'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error Redis went back in time: process [^ ]+ found so at ${replaced.at as string} and replaced the ` +
            `data marker ${prefix}${REDIS_DATA_MARKER_KEY} \\(.*\\)\\. Writes made after ${heldAt} may be gone .*` +
            'Dropped from this process, to be read again from Redis: b cache\\.',
        ),
      ),
    ]);
    expect(await b.losses()).toEqual({ loss: 0, rollback: 1 });
    expect(thread.events).toEqual([]);
    expect(calls).toEqual(['a forget', 'a restore', 'b forget', 'b restore', 'thread forget', 'thread restore']);

    // Once each: the next checks are quiet.
    await Promise.all([a.watch.check(), b.watch.check(), thread.watch.check()]);
    expect(calls).toHaveLength(6);
    expect(await a.losses()).toEqual({ loss: 0, rollback: 1 });
  });

  it('a rollback to before the process first checked (its generation gone) is one too; shutdown removes it', async () => {
    const { watch, events, losses } = setup();
    await watch.check();
    const [field] = await redis.hkeys(REDIS_DATA_GENERATION_KEY);
    await redis.hdel(REDIS_DATA_GENERATION_KEY, field);
    await watch.check();
    expect(events.filter((e) => e.startsWith('error'))).toEqual([
      expect.stringMatching(/, which holds none of its checks \(.*\)\. Writes made after an unknown time may be gone /),
    ]);
    expect(await losses()).toEqual({ loss: 0, rollback: 1 });
    expect(await redis.hexists(REDIS_DATA_GENERATION_KEY, field)).toBe(1);
    await watch.beforeApplicationShutdown();
    await eventually(async () => expect(await redis.hexists(REDIS_DATA_GENERATION_KEY, field)).toBe(0));
  });

  it('a process cut off (or suspended) longer than the prune age finds its field removed: registered again, no rollback', async () => {
    const day = 24 * 3600_000;
    // The process's clock: it last checked a day and a minute ago, then Redis stopped hearing from it.
    let now = Date.now() - day - 60_000;
    const away = setup(true, [], undefined, { now: () => now });
    await away.watch.check();
    const [field] = await redis.hkeys(REDIS_DATA_GENERATION_KEY);
    const marker = await redis.get(REDIS_DATA_MARKER_KEY);
    // Another process's main thread removes its field as a gone process's.
    const other = setup();
    await other.watch.check();
    expect(await redis.hexists(REDIS_DATA_GENERATION_KEY, field)).toBe(0);
    // Back: its field is gone, as after a rollback to before its first check, but it only was pruned.
    away.events.length = 0;
    now = Date.now();
    await away.watch.check();
    expect(away.events).toEqual([
      expect.stringMatching(
        new RegExp(
          `^log this process's data generation \\(field ${field} of .*\\) was removed as a gone process's .*registered again$`,
        ),
      ),
    ]);
    expect(await away.losses()).toEqual({ loss: 0, rollback: 0 });
    expect(await redis.hget(REDIS_DATA_GENERATION_KEY, field)).toMatch(/^2@/);
    expect(await redis.get(REDIS_DATA_MARKER_KEY)).toBe(marker);
    // From then on it checks as any process: quiet, and a rollback is one again.
    await Promise.all([away.watch.check(), other.watch.check()]);
    expect(away.events).toHaveLength(1);
    expect(other.events.filter((e) => e.startsWith('error'))).toEqual([]);
    await redis.hdel(REDIS_DATA_GENERATION_KEY, field);
    await away.watch.check();
    expect(await away.losses()).toEqual({ loss: 0, rollback: 1 });
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
      'error forgetting state from before the Redis data loss failed: boom',
      expect.stringMatching(/^error Redis lost its data/),
      'error restoring after the Redis data loss failed: seed failed',
    ]);
    expect((await ready()).up).toBe(true);
  });

  it('logs a check started by a reconnect that fails (no unhandled rejection)', async () => {
    const { watch, events } = setup(true, [], () => {
      throw new Error('discovery failed');
    });
    await watch.onApplicationBootstrap();
    try {
      await redis.del(REDIS_DATA_MARKER_KEY);
      redis.emit('ready');
      await eventually(() =>
        Promise.resolve().then(() => expect(events).toContain('error data check failed: discovery failed')),
      );
    } finally {
      await watch.beforeApplicationShutdown();
    }
  });

  it('a check that fails other than by Redis going away (a marker of the wrong type) is reported, not taken for an outage', async () => {
    const { watch, events, ready, losses, checkErrors } = setup();
    await redis.hset(REDIS_DATA_MARKER_KEY, 'not', 'a marker');
    await watch.check();
    await watch.check();
    // One line while it lasts, every failed check counted, in readiness (still up: no outage).
    expect(events).toEqual([expect.stringMatching(/^error data check failed: WRONGTYPE /)]);
    expect(await checkErrors()).toBe(2);
    expect(await ready()).toEqual({ up: true, checkError: expect.stringMatching(/^data check failed: WRONGTYPE /) });
    expect(await losses()).toEqual({ loss: 0, rollback: 0 });
    // Fixed: the next check reads again and readiness no longer says so.
    await redis.del(REDIS_DATA_MARKER_KEY);
    await watch.check();
    expect(events.slice(1)).toEqual([
      `log no data marker under ${prefix}: wrote one (a new deployment, or an empty Redis)`,
    ]);
    expect(await ready()).toEqual({ up: true });
    expect(await checkErrors()).toBe(2);
  });

  it('a check cut off by Redis going away stays quiet: the next reconnect checks', async () => {
    const client = new Redis(config.redis.url, { keyPrefix: prefix, enableOfflineQueue: false });
    await new Promise((resolve) => client.once('ready', resolve));
    const { watch, events, debugs, ready, checkErrors } = setup(true, [], undefined, { client });
    const checked = watch.check();
    client.disconnect();
    await checked;
    // Whichever way ioredis says so (the pipeline sent before or after the disconnect).
    expect(debugs).toEqual([
      expect.stringMatching(/^data check failed: (Connection is closed|Stream isn't writeable)/),
    ]);
    expect(events).toEqual([]);
    expect(await checkErrors()).toBe(0);
    expect(await ready()).toEqual({ up: true });
  });

  it('once shutdown began, a check (the timer, a reconnect) neither reports a rollback nor replaces the marker', async () => {
    const { watch, events, losses } = setup();
    const listeners = redis.listenerCount('ready');
    await watch.onApplicationBootstrap();
    expect(redis.listenerCount('ready')).toBe(listeners + 1);
    const [field] = await redis.hkeys(REDIS_DATA_GENERATION_KEY);
    const marker = await redis.get(REDIS_DATA_MARKER_KEY);
    await watch.beforeApplicationShutdown();
    expect(redis.listenerCount('ready')).toBe(listeners);
    await eventually(async () => expect(await redis.hexists(REDIS_DATA_GENERATION_KEY, field)).toBe(0));
    // What a timer tick or a 'ready' left over would run: its own field is gone, which is no rollback.
    await watch.check();
    expect(events.filter((e) => e.startsWith('error'))).toEqual([]);
    expect(await losses()).toEqual({ loss: 0, rollback: 0 });
    expect(await redis.get(REDIS_DATA_MARKER_KEY)).toBe(marker);
    expect(await redis.hexists(REDIS_DATA_GENERATION_KEY, field)).toBe(0);
  });

  it("a main thread removes the generations of processes gone for a day (at most hourly), never a live process's", async () => {
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const day = 24 * 3600_000;
    // Killed a while ago; checked a minute ago (alive); hand-written (its age unknown).
    const gone = { 'gone/1/0a0a0a0a': `41@${ago(day + 60_000)}` };
    const alive = { 'alive/2/0b0b0b0b': `7@${ago(60_000)}` };
    const odd = { 'odd/3/0c0c0c0c': 'not a generation' };
    await redis.hset(REDIS_DATA_GENERATION_KEY, { ...gone, ...alive, ...odd });
    // A turn thread keeps no generation, and leaves pruning to its main thread.
    await setup(false).watch.check();
    expect(await redis.hlen(REDIS_DATA_GENERATION_KEY)).toBe(3);

    const { watch, events } = setup();
    await watch.check();
    const held = await redis.hgetall(REDIS_DATA_GENERATION_KEY);
    const [own] = Object.keys(held).filter((f) => !['alive/2/0b0b0b0b', 'odd/3/0c0c0c0c'].includes(f));
    expect(held).toEqual({ ...alive, ...odd, [own]: expect.stringMatching(/^1@/) });
    // Not on every check: one gone since waits for the next hour.
    await redis.hset(REDIS_DATA_GENERATION_KEY, gone);
    await watch.check();
    expect(await redis.hexists(REDIS_DATA_GENERATION_KEY, 'gone/1/0a0a0a0a')).toBe(1);
    expect(events.filter((e) => e.startsWith('error'))).toEqual([]);
  });
});
