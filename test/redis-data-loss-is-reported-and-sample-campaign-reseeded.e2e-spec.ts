import type { INestApplication } from '@nestjs/common';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { REDIS } from '@huashu/redis';
import { ADMIN_KEY, bootGateway, bootWorker, type Booted } from './support/boot.js';
import { LogCapture } from './support/log-capture.js';
import { SAMPLE } from './support/sample-campaign.js';
import { eventually } from './support/eventually.js';
import { deletePrefix } from './support/redis-prefix.js';
import { PrivateRedis } from './support/redis-server.js';

/** How long a publish takes to reach both gateways, and a loss to be noticed (after a reconnect or on a timer). */
const NOTICED_MS = 30_000;

const logLines = (logs: LogCapture): { level: number; msg: string }[] =>
  logs.lines.map((l) => JSON.parse(l) as { level: number; msg: string });
const lossLines = (logs: LogCapture) =>
  logLines(logs).filter((l) => l.level === 50 && l.msg.startsWith('Redis lost its data'));

const losses = async (url: string): Promise<number> => {
  const text = (await request(url).get('/metrics').expect(200)).text;
  return Number(/^huashu_redis_data_losses_total\{[^}]*kind="loss"[^}]*\} (\d+)$/m.exec(text)?.[1] ?? NaN);
};

/** The campaigns whose published index a gateway holds, as its readiness reports them. */
const indexed = async (url: string): Promise<string[]> => {
  const res = await request(url).get('/health/ready');
  return Object.keys(
    (res.body as { info?: { scriptIndex?: { campaigns?: object } } }).info?.scriptIndex?.campaigns ?? {},
  ).sort();
};

const reconnect = (app: INestApplication) => app.get<Redis>(REDIS).disconnect(true);

const publishedVersions = async (url: string): Promise<number[]> =>
  (
    (await request(url).get('/v1/admin/scripts/versions').set('authorization', `Bearer ${ADMIN_KEY}`).expect(200))
      .body as { versions: { version: number }[] }
  ).versions.map((v) => v.version);

// Two gateways and a worker share one prefix, as a deployment shares one Redis. The data loss is the
// deletion of every key under that prefix (the shared Redis is neither flushed nor restarted); gateway
// A and the worker see it on the reconnect their clients are forced into, gateway B (no reconnect) on
// its check timer.
describe('Redis lost its data: reported once per process, sample campaign re-seeded once, served again', () => {
  const logsA = new LogCapture();
  const logsB = new LogCapture();
  const logsWorker = new LogCapture();
  let a: Booted;
  let b: Booted;
  let worker: Booted;

  beforeAll(async () => {
    // Generation through the worker's queue: its BullMQ keys are lost too, and it must keep serving.
    a = await bootGateway('data-loss', { LOG_LEVEL: 'info', GENERATOR_MODE: 'queue' }, { logStream: logsA });
    const shared = { LOG_LEVEL: 'info', GENERATOR_MODE: 'queue', REDIS_KEY_PREFIX: a.config.redis.keyPrefix };
    b = await bootGateway('data-loss', { ...shared, REDIS_DATA_CHECK_INTERVAL_MS: '300' }, { logStream: logsB });
    worker = await bootWorker(a.config, { listen: true, logStream: logsWorker });
  });

  afterAll(async () => {
    await worker?.close();
    await b?.close();
    await a?.close();
    // B's close deleted the prefix while A still ran: A may have written its marker again.
    if (a) await deletePrefix(a.config.redis.keyPrefix);
  });

  it('logs one error line naming what was lost, counts it, re-seeds and serves new conversations without a restart', async () => {
    const before = await request(a.url).post('/v1/conversations').send({}).expect(201);
    expect(await publishedVersions(a.url)).toEqual([1]);
    // A second campaign, not the sample: after the loss nothing brings it back.
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    await request(a.url)
      .post('/v1/admin/scripts/import?campaign=acme&mode=replace')
      .set(admin)
      .send(SAMPLE)
      .expect(200);
    await request(a.url).post('/v1/admin/scripts/publish?campaign=acme').set(admin).send({}).expect(201);
    await eventually(async () => {
      expect(await indexed(a.url)).toEqual(['acme', 'default']);
      expect(await indexed(b.url)).toEqual(['acme', 'default']);
    }, NOTICED_MS);
    expect(lossLines(logsA)).toEqual([]);

    await deletePrefix(a.config.redis.keyPrefix);
    reconnect(a.app);
    reconnect(worker.app);

    await eventually(async () => {
      for (const logs of [logsA, logsB, logsWorker]) expect(lossLines(logs)).not.toEqual([]);
      for (const target of [a, b]) await request(target.url).post('/v1/conversations').send({}).expect(201);
    }, NOTICED_MS);

    // One line per process, saying what is gone, the do-not-call lists among it.
    for (const logs of [logsA, logsB, logsWorker]) {
      const lines = lossLines(logs);
      expect(lines).toHaveLength(1);
      expect(lines[0].msg).toContain(`${a.config.redis.keyPrefix}ops:data-marker`);
      for (const what of ['campaigns', 'script libraries', 'do-not-call lists', 'sessions', 'queued callbacks']) {
        expect(lines[0].msg).toContain(what);
      }
    }
    // A gateway says which published index it dropped.
    expect(lossLines(logsA)[0].msg).toContain('published script indexes of default version 1');
    for (const target of [a, b, worker]) expect(await losses(target.url)).toBe(1);

    // Re-seeded by one of the gateways (the lock), and only once: one published version again.
    expect(await publishedVersions(a.url)).toEqual([1]);

    // New conversations are served with turns on both gateways; the lost one is gone for good (404).
    for (const target of [a, b]) {
      const { body } = await request(target.url).post('/v1/conversations').send({}).expect(201);
      const turn = await request(target.url)
        .post(`/v1/conversations/${body.conversationId}/turns`)
        .send({ text: '多少钱' })
        .expect(200);
      expect(turn.body).toMatchObject({ route: 'generator', degraded: false, reply: { libraryVersion: 1 } });
    }
    await request(a.url)
      .post(`/v1/conversations/${before.body.conversationId}/turns`)
      .send({ text: '你好' })
      .expect(404);

    // The lost campaign's index is dropped, not served from memory: it is gone until restored.
    for (const target of [a, b]) expect(await indexed(target.url)).toEqual(['default']);
    await request(a.url).post('/v1/conversations').send({ campaignId: 'acme' }).expect(404);

    // Ready again, and readiness says when the loss was seen.
    const ready = await request(a.url).get('/health/ready').expect(200);
    expect(ready.body.info.redisData).toEqual({ status: 'up', lastLossAt: expect.any(String) });
  });
});

// The real thing on a private redis-server without persistence: killed and started again, empty. With a
// turn thread, which notices on its own connection, forgets and restores, but neither logs nor counts.
describe('Redis restarted without persistence', () => {
  let redis: PrivateRedis | undefined;
  let gw: Booted | undefined;

  afterAll(async () => {
    await gw?.close().catch(() => undefined);
    // The gateway's keys were on the private Redis, gone with it.
    await redis?.stop();
  });

  it('is noticed on the reconnect, and new conversations are served again', async () => {
    redis = await PrivateRedis.start();
    const logs = new LogCapture();
    gw = await bootGateway(
      'data-loss-restart',
      { REDIS_URL: redis.url, LOG_LEVEL: 'info', DIALOGUE_TURN_THREADS: '1' },
      { logStream: logs },
    );
    const url = gw.url;
    await request(url).post('/v1/conversations').send({}).expect(201);
    await redis.stop();
    await redis.start();
    await eventually(async () => {
      expect(lossLines(logs)).not.toEqual([]);
      await request(url).post('/v1/conversations').expect(201);
    }, NOTICED_MS);
    expect(lossLines(logs)).toHaveLength(1);
    // /metrics merges the thread's registry: counted once for the process.
    expect(await losses(url)).toBe(1);
    const { body } = await request(url).post('/v1/conversations').send({}).expect(201);
    await request(url).post(`/v1/conversations/${body.conversationId}/turns`).send({ text: '多少钱' }).expect(200);
  });
});
