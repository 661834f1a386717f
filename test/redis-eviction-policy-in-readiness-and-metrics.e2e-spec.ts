// Scenario: Redis runs with a maxmemory-policy that may evict huashu's data. The gateway and the worker
// read it at start-up and after every reconnect, show it in /health/ready (without failing readiness)
// and in huashu_redis_eviction_policy_info. The policy is set on a private redis-server
// (test/support/eviction-policy.ts), stopped in afterAll.
import type { Redis } from 'ioredis';
import request from 'supertest';
import { REDIS } from '@huashu/redis';
import { bootHttpStack, bootWorker, type Booted } from './support/boot.js';
import { eventually } from './support/eventually.js';
import { policyTarget, type PolicyTarget } from './support/eviction-policy.js';

const infoLine = (text: string) => /^huashu_redis_eviction_policy_info\{[^}]*\} 1$/m.exec(text)?.[0];

describe('Redis eviction policy: in /health/ready and /metrics of the gateway and the worker', () => {
  let target: PolicyTarget;
  let gw: Booted | undefined;
  let worker: Booted | undefined;

  beforeAll(async () => {
    target = await policyTarget();
    await target.setPolicy('noeviction');
  });

  afterAll(async () => {
    try {
      await worker?.close();
      await gw?.close();
    } finally {
      await target.stop();
    }
  });

  it('shows the policy read at start-up, and re-reads it after a reconnect; readiness stays up', async () => {
    // The shared HTTP stack (OpsModule: what the gateway and the worker host) on the target Redis.
    gw = await bootHttpStack('eviction-policy', [], { REDIS_URL: target.url });
    worker = await bootWorker(gw.config, { listen: true });
    for (const app of [gw, worker]) {
      const { body } = await request(app.url).get('/health/ready').expect(200);
      expect(body.details.redisEvictionPolicy).toEqual({
        status: 'up',
        policy: 'noeviction',
        risk: 'none',
        maxmemory: expect.any(Number),
      });
      const metrics = (await request(app.url).get('/metrics').expect(200)).text;
      expect(infoLine(metrics)).toMatch(/policy="noeviction",risk="none"/);
    }

    await target.setPolicy('volatile-lru');
    // A reconnect (a failover to a server configured otherwise): the gateway's shared client.
    gw.app.get<Redis>(REDIS).disconnect(true);
    await eventually(async () => {
      const { body } = await request(gw!.url).get('/health/ready').expect(200);
      expect(body.details.redisEvictionPolicy).toMatchObject({
        status: 'up',
        policy: 'volatile-lru',
        risk: 'ttl_keys',
      });
    });
    const metrics = (await request(gw.url).get('/metrics').expect(200)).text;
    expect(infoLine(metrics)).toMatch(/policy="volatile-lru",risk="ttl_keys"/);
  });
});
