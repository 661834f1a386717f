// Turn threads (DIALOGUE_TURN_THREADS): plain REST turns run in worker threads that each host the
// whole pipeline, while starts, ends and streamed turns stay in the event loop. The client sees the
// same API; the threads share state with the event loop (and with other gateways) only through Redis.
import request from 'supertest';
import { MetricsRegistry } from '@huashu/common';
import { DialogueService, threadOf, TurnThreadPool, type TurnResult } from '@huashu/dialogue';
import type { Booted } from './support/boot.js';
import { Chat, createLanguageCampaign, expectTurnResult } from './support/dialogue.js';
import type { FakeOpenAiServer } from './support/fake-openai-server.js';
import { bootWithFakeLlm } from './support/generator-gateway.js';

const THREADS = 2;

/** Sum of a metric's samples in Prometheus text, optionally only those whose labels match. */
function sum(metrics: string, name: string, labels = ''): number {
  return metrics
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(labels))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

const until = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('turn threads', () => {
  let gw: Booted;
  let llm: FakeOpenAiServer;
  let pool: TurnThreadPool;
  const chat = () => new Chat(gw.url);
  const metrics = async () => (await request(gw.url).get('/metrics').expect(200)).text;

  beforeAll(async () => {
    ({ gw, llm } = await bootWithFakeLlm('turn-threads', { DIALOGUE_TURN_THREADS: String(THREADS) }));
    pool = gw.app.get(TurnThreadPool);
  }, 120_000);
  afterAll(async () => {
    await gw.close();
    await llm.close();
  }, 60_000);

  it('starts its threads with the app and runs plain turns in them, with the same results', async () => {
    expect(pool.readyThreads).toBe(THREADS);
    const before = sum(await metrics(), 'huashu_dialogue_thread_turns_total');
    const c = chat();
    const { conversationId } = await c.start();
    const hello = await c.say(conversationId, '你好');
    expect(hello).toMatchObject({ conversationId, turn: 1, intent: { name: 'greeting' }, route: 'script' });
    expect(hello.reply.fallback).toBe(false);
    const res = await request(gw.url).post(`/v1/conversations/${conversationId}/turns`).send({ text: 'who are you' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expectTurnResult(res.body);
    expect(res.body.turn).toBe(2);

    const view = await c.view(conversationId);
    expect(view.turns).toBe(2);
    expect(view.transcript.filter((e) => e.turn > 0).map((e) => `${e.turn}:${e.role}`)).toEqual([
      '1:customer',
      '1:bot',
      '2:customer',
      '2:bot',
    ]);
    const [first] = await c.audit(conversationId);
    expect(first).toMatchObject({ turn: 1, route: 'script' });

    // /metrics merges the threads' registries: their turn counters, the event loop's count of turns
    // handed to each thread, and the process metrics once (the threads do not report them).
    const text = await metrics();
    const thread = threadOf(conversationId, THREADS);
    expect(sum(text, 'huashu_dialogue_thread_turns_total', `thread="${thread}"`)).toBeGreaterThanOrEqual(2);
    expect(sum(text, 'huashu_dialogue_thread_turns_total') - before).toBe(2);
    expect(sum(text, 'huashu_dialogue_turns_total')).toBeGreaterThanOrEqual(2);
    expect(sum(text, 'huashu_dialogue_stage_duration_seconds_count', 'stage="total"')).toBeGreaterThanOrEqual(2);
    expect(text.split('\n').filter((l) => l.startsWith('process_cpu_user_seconds_total'))).toHaveLength(1);
    // A gauge every copy reports alike (the published index's size) is not multiplied by the merge.
    const own = await gw.app.get(MetricsRegistry).registry.getSingleMetric('huashu_script_index_size')!.get();
    const indexed = own.values.find((v) => v.labels.campaign === 'default')!.value;
    expect(indexed).toBeGreaterThan(0);
    expect(sum(text, 'huashu_script_index_size', 'campaign="default"')).toBe(indexed);
  });

  it('serves a campaign published after the threads started', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'en');
    const c = chat();
    const { conversationId } = await c.start({ campaignId });
    const turn = await c.say(conversationId, 'which company is this?');
    expect(turn.reply.scriptId).toMatch(/^en-/);
    expect(turn.degraded).toBe(false);
  });

  it('answers errors from a thread with the binding body and status', async () => {
    const missing = await request(gw.url).post('/v1/conversations/c_AAAAAAAAAAAAAAAA/turns').send({ text: 'hi' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });

    const c = chat();
    const { conversationId } = await c.start();
    await c.say(conversationId, '你好');
    await request(gw.url).post(`/v1/conversations/${conversationId}/end`).send({}).expect(200);
    const ended = await request(gw.url).post(`/v1/conversations/${conversationId}/turns`).send({ text: '你好' });
    expect(ended.status).toBe(409);
    expect(ended.body.error.code).toBe('CONVERSATION_ENDED');

    const invalid = await request(gw.url).post(`/v1/conversations/${conversationId}/turns`).send({ text: 42 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('loses no update when the event loop and a thread take turns on one conversation', async () => {
    const dialogue = gw.app.get(DialogueService);
    const c = chat();
    const { conversationId } = await c.start();
    // Alternating (each side's cached session goes stale every turn and is refreshed), then at once.
    for (let i = 0; i < 6; i++) {
      const r: TurnResult =
        i % 2 === 0
          ? await dialogue.turn(conversationId, { text: `你好 ${i}` })
          : await c.say(conversationId, `你好 ${i}`);
      expect(r.turn).toBe(i + 1);
    }
    const together = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? dialogue.turn(conversationId, { text: `你好 ${i + 6}` }) : c.say(conversationId, `你好 ${i + 6}`),
      ),
    );
    expect(together.map((r) => r.turn).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 7));
    const view = await c.view(conversationId);
    expect(view.turns).toBe(26);
    const lines = view.transcript.filter((e) => e.turn > 0);
    expect(lines.map((e) => e.turn)).toEqual(Array.from({ length: 52 }, (_, i) => Math.floor(i / 2) + 1));
  });

  it('fails the turns of a thread that dies with 503, runs turns in the event loop meanwhile, and restarts it', async () => {
    const c = chat();
    const { conversationId } = await c.start();
    // A first turn, so the thread holds the session and the slow turn runs without the Redis lock.
    await c.say(conversationId, '你好');
    llm.behave({ delayMs: 4000, text: 'late' });
    const asked = llm.requests.length;
    const inFlight = request(gw.url).post(`/v1/conversations/${conversationId}/turns`).send({ text: '一个月多少钱' });
    const pending = inFlight.then((r) => r);
    await until(() => llm.requests.length > asked, 10_000);
    const localBefore = sum(await metrics(), 'huashu_dialogue_thread_turns_total', 'thread="event-loop"');
    await pool.workers[threadOf(conversationId, THREADS)].terminate();

    const failed = await pending;
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId: expect.any(String) });

    // Meanwhile the event loop answers that conversation (its turn did not commit: still turn 2).
    llm.behave({ text: '千兆宽带家庭套餐的月费是每月199元。' });
    const next = await c.say(conversationId, '你好');
    expect(next.turn).toBe(2);
    expect(sum(await metrics(), 'huashu_dialogue_thread_turns_total', 'thread="event-loop"')).toBe(localBefore + 1);

    await until(() => pool.readyThreads === THREADS, 60_000);
    const after = await c.say(conversationId, 'who are you');
    expect(after.turn).toBe(3);
  }, 90_000);
});
