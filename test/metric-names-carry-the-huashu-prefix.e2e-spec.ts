import { collectDefaultMetrics, Registry } from 'prom-client';
import request from 'supertest';
import { bootWorker, type Booted } from './support/boot.js';
import { gatewayForSuite } from './support/suite.js';

/** The families prom-client's default collectors register (process_*, nodejs_*): standard names, kept. */
async function defaultFamilies(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
}

/** Every metric family a /metrics page declares (`# TYPE <name> <type>`). */
const families = (text: string): string[] => [...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]);

describe('metric names: every application metric carries the huashu_ prefix', () => {
  const gw = gatewayForSuite('metric-names');
  let worker: Booted | undefined;

  afterAll(async () => worker?.close());

  it('on the gateway and the worker, /metrics has no family without it besides the default process metrics', async () => {
    worker = await bootWorker(gw.config, { listen: true });
    // A turn, so that lazily registered families (per-stage, per-intent) are there too.
    const { body } = await request(gw.url).post('/v1/conversations').send({}).expect(201);
    await request(gw.url).post(`/v1/conversations/${body.conversationId}/turns`).send({ text: '多少钱' }).expect(200);
    const standard = await defaultFamilies();
    for (const target of [gw, worker]) {
      const names = families((await request(target.url).get('/metrics').expect(200)).text);
      const own = names.filter((n) => !standard.has(n));
      // Sanity: the page is parsed and the application registers metrics of its own on it.
      expect(own.length).toBeGreaterThan(3);
      expect(own.filter((n) => !n.startsWith('huashu_'))).toEqual([]);
    }
  });
});
