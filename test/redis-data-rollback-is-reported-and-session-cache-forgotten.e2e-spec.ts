// Scenario: Redis goes back in time without losing everything: a private redis-server restarts from an
// RDB snapshot older than its latest writes (as a failover to a replica that lagged, or a restore of a
// backup, does). The data marker is in the snapshot, so no loss shows; each gateway finds that Redis no
// longer holds its latest data check, says so in one error line, counts it, and forgets what it cached:
// a turn after the rollback reads the conversation from Redis, not from the gateway's session cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import request from 'supertest';
import { REDIS_DATA_GENERATION_KEY } from '@huashu/redis';
import { bootGateway, type Booted } from './support/boot.js';
import { eventually } from './support/eventually.js';
import { LogCapture } from './support/log-capture.js';
import { PrivateRedis } from './support/redis-server.js';

/** How long the restart takes to be noticed (on the reconnect, else on the check timer). */
const NOTICED_MS = 30_000;

const rollbackLines = (logs: LogCapture) =>
  logs.lines
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => l.level === 50 && l.msg.startsWith('Redis went back in time'));

const losses = async (url: string, kind: string): Promise<number> => {
  const text = (await request(url).get('/metrics').expect(200)).text;
  return Number(
    new RegExp(`^huashu_redis_data_losses_total\\{[^}]*kind="${kind}"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1],
  );
};

interface Turn {
  turn: number;
  intent: { name: string };
  leadStage: string;
}
const turn = async (gw: Booted, id: string, text: string): Promise<Turn> =>
  (await request(gw.url).post(`/v1/conversations/${id}/turns`).send({ text }).expect(200)).body as Turn;

describe('Redis went back in time: each gateway reports it once and forgets its session cache', () => {
  const logsA = new LogCapture();
  const logsB = new LogCapture();
  let dir: string | undefined;
  let redis: PrivateRedis | undefined;
  let a: Booted | undefined;
  let b: Booted | undefined;
  let admin: Redis | undefined;

  afterAll(async () => {
    admin?.disconnect();
    await b?.close().catch(() => undefined);
    await a?.close().catch(() => undefined);
    // The gateways' keys were on the private Redis, gone with it.
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs a rollback line and counts it in both; a turn after it builds on Redis, not on the cached session', async () => {
    dir = mkdtempSync(join(tmpdir(), 'huashu-rollback-'));
    redis = await PrivateRedis.start({ rdbDir: dir });
    const env = { REDIS_URL: redis.url, LOG_LEVEL: 'info', REDIS_DATA_CHECK_INTERVAL_MS: '200' };
    a = await bootGateway('data-rollback', env, { logStream: logsA });
    b = await bootGateway(
      'data-rollback',
      { ...env, REDIS_KEY_PREFIX: a.config.redis.keyPrefix },
      { logStream: logsB },
    );
    const generationKey = `${a.config.redis.keyPrefix}${REDIS_DATA_GENERATION_KEY}`;
    admin = new Redis(redis.url);
    /** Each gateway's latest data check, as Redis holds it. */
    const checks = async () =>
      Object.fromEntries(
        Object.entries(await admin!.hgetall(generationKey)).map(([field, v]) => [field, Number(v.split('@')[0])]),
      );

    const { conversationId: id } = (await request(a.url).post('/v1/conversations').send({}).expect(201)).body as {
      conversationId: string;
    };
    const kept = await turn(a, id, '你好');
    await admin.save();
    // Read after the snapshot: at least what it holds.
    const saved = await checks();
    expect(Object.keys(saved)).toHaveLength(2);

    // A turn the rollback takes back; gateway A keeps its session in its cache.
    const lost = await turn(a, id, '多少钱');
    expect(lost).toMatchObject({ turn: 2, intent: { name: 'ask_price' }, leadStage: 'interested' });
    expect(kept.leadStage).not.toBe('interested');
    // Both gateways check after the snapshot, so the rollback takes back a check of each.
    await eventually(async () => {
      const now = await checks();
      for (const [field, n] of Object.entries(saved)) expect(now[field]).toBeGreaterThan(n);
    });
    admin.disconnect();

    await redis.stop();
    await redis.start();

    await eventually(
      () =>
        Promise.resolve().then(() => {
          for (const logs of [logsA, logsB]) expect(rollbackLines(logs)).not.toEqual([]);
        }),
      NOTICED_MS,
    );
    for (const [gw, logs] of [
      [a, logsA],
      [b, logsB],
    ] as const) {
      const lines = rollbackLines(logs);
      expect(lines).toHaveLength(1);
      expect(lines[0].msg).toMatch(/\. Writes made after \d{4}-\d\d-\d\dT[\d:.]+Z may be gone under /);
      expect(lines[0].msg).toContain('do-not-call entries (numbers that opted out in that time can be called again)');
      expect(await losses(gw.url, 'rollback')).toBe(1);
      expect(await losses(gw.url, 'loss')).toBe(0);
      // Every cache was forgotten, the published index too: readiness is down until it is built again.
      await eventually(async () => {
        const ready = await request(gw.url).get('/health/ready').expect(200);
        expect(ready.body.info.redisData).toEqual({ status: 'up', lastRollbackAt: expect.any(String) });
      }, NOTICED_MS);
    }
    // Gateway A says it dropped the cached session.
    expect(rollbackLines(logsA)[0].msg).toContain('1 cached sessions');

    // Redis holds the conversation as of the snapshot. Gateway B takes turn 2 again from there, which
    // brings the session's revision back to the one A's cached copy has: A's next turn must read Redis.
    const retaken = await turn(b, id, '你好');
    expect(retaken).toMatchObject({ turn: 2, leadStage: kept.leadStage });
    const next = await turn(a, id, '你好');
    expect(next).toMatchObject({ turn: 3, leadStage: kept.leadStage });
  });
});
