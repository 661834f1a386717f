// Telephony adapter overhead: `npm run bench:telephony` → bench/results/telephony.json.
// Per adapter, the time from a platform payload in to the platform answer out (mapping, call state
// and de-duplication in Redis, outcome mapping) around a zero-latency DialoguePort, so the figure
// is what the adapters add to a turn, not the dialogue pipeline itself. Real Redis, own prefix.
import { Logger } from '@nestjs/common';
import { SingleBar, Presets } from 'cli-progress';
import { MetricsRegistry } from '@huashu/common';
import { loadConfig } from '@huashu/config';
import type { DialoguePort, TurnResult, TurnStreamEvent } from '@huashu/dialogue';
import { createRedis, waitReady } from '@huashu/redis';
import {
  AudioCodesBotService,
  CallSessionStore,
  GenericEventsService,
  GenesysBotService,
  RelayConnection,
  TelephonyService,
  TwilioVoiceService,
} from '@huashu/telephony';
import { deletePrefix } from '../test/support/redis-prefix.js';
import { percentile, writeResult } from './lib/results.js';

const CALLS = Number(process.argv[2] ?? 200);
const TURNS = 4;
const prefix = `huashu-bench:telephony:${process.pid}:`;

/** Answers at once with a fixed script: the bench measures the adapters, not the pipeline. */
class InstantDialogue implements DialoguePort {
  private n = 0;
  start() {
    return Promise.resolve({
      conversationId: `c_bench${++this.n}`,
      reply: {
        text: '您好，我是小李。耽误您一分钟可以吗？',
        scriptId: 'o',
        libraryVersion: 1,
        similarity: 1,
        fallback: false,
      },
    });
  }
  async *turnStream(conversationId: string): AsyncGenerator<TurnStreamEvent> {
    yield { type: 'result', result: await this.turn(conversationId) };
  }
  turn(conversationId: string): Promise<TurnResult> {
    return Promise.resolve({
      conversationId,
      turn: 1,
      reply: {
        text: '套餐每月199元。三个月八折！',
        scriptId: 'p',
        libraryVersion: 1,
        similarity: 0.9,
        fallback: false,
      },
      intent: { name: 'ask_price', confidence: 0.9 },
      route: 'script',
      action: 'continue',
      leadStage: 'engaged',
      degraded: false,
      compliance: { input: { verdict: 'allow' }, output: { verdict: 'allow', hits: [] } },
      timingsMs: { classify: 0, generate: 0, comply: 0, match: 0, total: 0 },
    });
  }
  end() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve(undefined);
  }
  reopen() {
    return Promise.resolve(undefined);
  }
}

async function main() {
  const config = loadConfig({ ...process.env, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const redis = createRedis(config.redis, { name: 'bench-telephony', prefixed: true });
  await waitReady(redis, 5000);
  Logger.overrideLogger(false);
  const campaigns = {
    get: (id: string) => Promise.resolve({ id, name: id, language: 'zh' as const, transferTarget: 'tel:+861000' }),
    list: () => Promise.resolve(['default']),
    exists: () => Promise.resolve(true),
  };
  const service = new TelephonyService(
    new InstantDialogue(),
    campaigns,
    new CallSessionStore(redis, config),
    config,
    new MetricsRegistry('bench'),
  );
  const ac = new AudioCodesBotService(service, config);
  const tw = new TwilioVoiceService(service, config);
  const gen = new GenesysBotService(service);
  const generic = new GenericEventsService(service);

  type Step = (call: number, turn: number) => Promise<unknown>;
  const adapters: Record<string, { start: Step; turn: Step }> = {
    audiocodes: {
      start: async (c) => {
        await ac.create({ conversation: `ac-${c}` }, undefined);
        return ac.activities(`ac-${c}`, {
          activities: [{ id: 's', type: 'event', name: 'start', parameters: { caller: '+8613800000000' } }],
        });
      },
      turn: (c, t) =>
        ac.activities(`ac-${c}`, {
          activities: [{ id: `m${t}`, type: 'message', text: '多少钱', parameters: { confidence: 0.9 } }],
        }),
    },
    twilio: {
      start: (c) =>
        tw.webhook({ CallSid: `CA${String(c).padStart(32, '0')}`, From: '+8613800000000', CallStatus: 'ringing' }, {}),
      turn: (c, t) =>
        tw.webhook(
          { CallSid: `CA${String(c).padStart(32, '0')}`, SpeechResult: '多少钱', Confidence: '0.9' },
          {},
          `idem-${c}-${t}`,
        ),
    },
    'twilio-relay': (() => {
      const conns = new Map<number, RelayConnection>();
      const sink = () => undefined;
      return {
        start: (c: number) => {
          const conn = new RelayConnection(service, sink, new Logger('bench'));
          conns.set(c, conn);
          return conn.receive(JSON.stringify({ type: 'setup', callSid: `CR${c}`, from: '+8613800000000' }));
        },
        turn: (c: number) =>
          conns.get(c)!.receive(JSON.stringify({ type: 'prompt', voicePrompt: '多少钱', lang: 'zh-CN', last: true })),
      };
    })(),
    genesys: {
      start: (c) =>
        gen.message({
          botId: 'default',
          botSessionId: `gs-${c}`,
          messageId: 'm0',
          inputMessage: { type: 'Text', text: '' },
        }),
      turn: (c, t) =>
        gen.message({
          botId: 'default',
          botSessionId: `gs-${c}`,
          messageId: `m${t}`,
          inputMessage: { type: 'Text', text: '多少钱' },
        }),
    },
    generic: {
      start: (c) => generic.handle({ callId: `g-${c}`, event: { type: 'start', phone: '+8613800000000' } }),
      turn: (c, t) =>
        generic.handle({ callId: `g-${c}`, eventId: `e${t}`, event: { type: 'user_text', text: '多少钱' } }),
    },
  };

  const results: Record<string, unknown> = {};
  const bar = new SingleBar({ format: '{adapter} [{bar}] {value}/{total} calls' }, Presets.shades_classic);
  for (const [name, a] of Object.entries(adapters)) {
    const starts: number[] = [];
    const turns: number[] = [];
    bar.start(CALLS, 0, { adapter: name.padEnd(12) });
    for (let c = 0; c < CALLS; c++) {
      let t0 = performance.now();
      await a.start(c, 0);
      starts.push(performance.now() - t0);
      for (let t = 1; t <= TURNS; t++) {
        t0 = performance.now();
        await a.turn(c, t);
        turns.push(performance.now() - t0);
      }
      bar.update(c + 1);
    }
    bar.stop();
    starts.sort((x, y) => x - y);
    turns.sort((x, y) => x - y);
    const r = (xs: number[]) => ({
      p50: +percentile(xs, 50).toFixed(3),
      p99: +percentile(xs, 99).toFixed(3),
      n: xs.length,
    });
    results[name] = { startMs: r(starts), turnMs: r(turns) };
  }
  await deletePrefix(prefix, config.redis.url);
  redis.disconnect();
  const file = writeResult('telephony', {
    description:
      'Adapter overhead per platform event around a zero-latency DialoguePort (mapping + Redis call state/dedup), sequential, real Redis',
    calls: CALLS,
    turnsPerCall: TURNS,
    adapters: results,
  });
  console.log(JSON.stringify(results, null, 2));
  console.log(`→ ${file}`);
}

void main();
