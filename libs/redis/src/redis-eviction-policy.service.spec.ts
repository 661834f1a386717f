import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { RedisEvictionPolicyWatch } from './redis-eviction-policy.service.js';
import { eventually } from '../../../test/support/eventually.js';
import { policyTarget, type PolicyTarget } from '../../../test/support/eviction-policy.js';

// Real Redis (a private redis-server, test/support/eviction-policy.ts); logger and registries are
// small fakes. The server is stopped in afterAll.
let target: PolicyTarget;
const clients: Redis[] = [];
const aclUsers: string[] = [];

beforeAll(async () => {
  target = await policyTarget();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const user of aclUsers) await target.admin.acl('DELUSER', user).catch(() => undefined);
  await target.stop();
});

function setup(opts: { report?: boolean; client?: Redis } = {}) {
  const redis = opts.client ?? new Redis(target.url);
  clients.push(redis);
  const lines: string[] = [];
  const logger = {
    log: (m: string) => lines.push(`log ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    debug: (m: string) => lines.push(`debug ${m}`),
  };
  const readiness = new ReadinessRegistry();
  const metrics = new MetricsRegistry('test', { defaultMetrics: false });
  const watch = new RedisEvictionPolicyWatch(redis, { report: opts.report ?? true, logger }, readiness, metrics);
  watch.onModuleInit();
  const start = async () => {
    if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
    await watch.onApplicationBootstrap();
  };
  const ready = async () =>
    readiness
      .list()
      .find((c) => c.name === 'redisEvictionPolicy')
      ?.check();
  const gauge = async () =>
    (await metrics.registry.getSingleMetric('huashu_redis_eviction_policy_info')?.get())?.values;
  // Not debug: those are not what an operator sees.
  const seen = () => lines.filter((l) => !l.startsWith('debug'));
  /** For `eventually`: `n` lines said so far. */
  const saidLines = (n: number) => () => Promise.resolve().then(() => expect(seen()).toHaveLength(n));
  return { redis, watch, lines, seen, saidLines, start, ready, gauge };
}

/** Run `body` with the policy set, and put noeviction back at once (the next test starts from it). */
async function withPolicy<T>(policy: string, body: () => Promise<T>): Promise<T> {
  await target.setPolicy(policy);
  try {
    return await body();
  } finally {
    await target.setPolicy('noeviction');
  }
}

describe('RedisEvictionPolicyWatch', () => {
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });

  it('noeviction: no line; readiness up with the policy; the info gauge on it', async () => {
    await target.setPolicy('noeviction');
    const s = setup();
    await s.start();
    expect(s.seen()).toEqual([]);
    expect(await s.ready()).toEqual({ up: true, policy: 'noeviction', risk: 'none', maxmemory: expect.any(Number) });
    expect(await s.gauge()).toEqual([{ value: 1, labels: { policy: 'noeviction', risk: 'none' } }]);
  });

  it('allkeys-*: one error line naming the policy and the do-not-call lists, readiness still up', async () => {
    const s = setup();
    await withPolicy('allkeys-lru', async () => {
      await s.start();
      // A reconnect to the same server says nothing new.
      await s.watch.check();
    });
    expect(s.seen()).toHaveLength(1);
    expect(s.seen()[0]).toMatch(/^error Redis maxmemory-policy is allkeys-lru: .* evicts any key /);
    expect(s.seen()[0]).toContain('do-not-call lists (numbers that opted out can be called again)');
    expect(s.seen()[0]).toContain('Set maxmemory-policy noeviction');
    expect(await s.ready()).toMatchObject({ up: true, policy: 'allkeys-lru', risk: 'any_key' });
    expect(await s.gauge()).toEqual([{ value: 1, labels: { policy: 'allkeys-lru', risk: 'any_key' } }]);
  });

  it('volatile-*: one warning naming sessions and locks; re-read after a reconnect, and back to noeviction', async () => {
    const s = setup();
    await target.setPolicy('noeviction');
    await s.start();
    expect(s.seen()).toEqual([]);
    await withPolicy('volatile-ttl', async () => {
      // A reconnect (a failover lands on a server configured otherwise): ioredis 'ready' re-reads.
      s.redis.disconnect(true);
      await eventually(s.saidLines(1));
    });
    expect(s.seen()[0]).toMatch(
      /^warn Redis maxmemory-policy is volatile-ttl: .* evicts keys with a TTL before their time: sessions/,
    );
    expect(s.seen()[0]).toContain('conversation locks');
    expect(await s.ready()).toMatchObject({ up: true, policy: 'volatile-ttl', risk: 'ttl_keys' });
    s.redis.disconnect(true);
    await eventually(s.saidLines(2));
    expect(s.seen()[1]).toBe('log Redis maxmemory-policy is now noeviction (was volatile-ttl)');
    expect(await s.gauge()).toEqual([{ value: 1, labels: { policy: 'noeviction', risk: 'none' } }]);
  });

  it('a check asked for while one runs reads again after it (the policy may have changed meanwhile)', async () => {
    const s = setup();
    await target.setPolicy('noeviction');
    await s.start();
    // Hold the watch's connection with a BLPOP, so what it sends next waits behind it in order: the
    // running check's CONFIG GET, then a policy change (as if the client had reconnected to a server
    // configured otherwise after that read), then whatever a second check sends.
    const unblock = `huashu-test-evict-unblock-${randomBytes(4).toString('hex')}`;
    const blocked = s.redis.blpop(unblock, 0);
    const running = s.watch.check();
    const changed = s.redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const asked = s.watch.check();
    try {
      await target.admin.lpush(unblock, 'go');
      await Promise.all([blocked, running, changed, asked]);
      expect(await s.ready()).toMatchObject({ policy: 'allkeys-lru', risk: 'any_key' });
      expect(s.seen()).toEqual([expect.stringMatching(/^error Redis maxmemory-policy is allkeys-lru: /)]);
    } finally {
      await target.setPolicy('noeviction');
    }
  });

  it('CONFIG refused (managed Redis): read from INFO memory; both refused: unknown, said at info level', async () => {
    const user = (suffix: string) => `huashu-test-evict-${suffix}-${randomBytes(4).toString('hex')}`;
    const noConfig = user('noconfig');
    const nothing = user('nothing');
    aclUsers.push(noConfig, nothing);
    await target.admin.acl('SETUSER', noConfig, 'on', '>pw', '~*', '&*', '+@all', '-config');
    await target.admin.acl('SETUSER', nothing, 'on', '>pw', '~*', '&*', '+@all', '-config', '-info');
    // No ready check: it runs INFO, which one of them may not.
    const as = (name: string) => new Redis(target.url, { username: name, password: 'pw', enableReadyCheck: false });

    const viaInfo = setup({ client: as(noConfig) });
    await withPolicy('volatile-lru', () => viaInfo.start());
    expect(viaInfo.seen()).toEqual([expect.stringMatching(/^warn Redis maxmemory-policy is volatile-lru: /)]);
    expect(viaInfo.lines).toContainEqual(expect.stringMatching(/^debug CONFIG GET refused \(NOPERM/));

    const blind = setup({ client: as(nothing) });
    await blind.start();
    expect(blind.seen()).toEqual([
      expect.stringMatching(/^log Redis maxmemory-policy could not be read \(CONFIG GET: NOPERM.*; INFO: NOPERM/),
    ]);
    expect(await blind.ready()).toMatchObject({ up: true, policy: 'unknown', risk: 'unknown' });
    expect(await blind.gauge()).toEqual([{ value: 1, labels: { policy: 'unknown', risk: 'unknown' } }]);
  });

  it('in a turn thread: reads nothing, registers nothing', async () => {
    const s = setup({ report: false });
    await s.start();
    expect(s.lines).toEqual([]);
    expect(await s.ready()).toBeUndefined();
    expect(await s.gauge()).toBeUndefined();
  });
});
