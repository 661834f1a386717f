// Early first sentence: how soon the caller hears something when the LLM writes slowly. The real
// gateway (ONNX intent model, compliance, HNSW scripts, real Redis under its own prefix) with a fake
// OpenAI-compatible server that streams a three-sentence answer, one sentence per `chunkDelayMs`.
// ConversationRelay (streamed turn): prompt → first `text` token and → the closing `last: true`.
// Generic events (whole turn): request → answer, with the same model answering in one piece after
// the time the stream takes (sentences × chunkDelayMs). Each sample is a new call.
// `npm run -s build && node dist/bench/relay-stream.bench.js [samples] [chunkDelayMs]`.
import 'reflect-metadata';
import twilio from 'twilio';
import WebSocket from 'ws';
import { loadConfig } from '@huashu/config';
import { createGateway } from '../apps/gateway/src/gateway.factory.js';
import { startFakeOpenAiServer } from '../test/support/fake-openai-server.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../test/support/redis-prefix.js';
import { GENERATOR_LINES, LIBRARY_SENTENCES, slowLlmEnv, WIDE_DEADLINES } from '../test/support/slow-llm.js';
import { percentile, writeResult } from './lib/results.js';

const SAMPLES = Number(process.argv[2] ?? 15);
const CHUNK_DELAY_MS = Number(process.argv[3] ?? 400);
const TOKEN = 'bench-twilio-token-0123456789';
const ADMIN = 'bench-admin-key-0123456789';
const PUBLIC = 'https://bot.example.test';
const RELAY = '/v1/telephony/twilio/relay';
/** Three library scripts of the sample campaign, slots filled: an aligned model's answer. */
const SENTENCES = [LIBRARY_SENTENCES.product, LIBRARY_SENTENCES.install, LIBRARY_SENTENCES.data];
const INTERESTED = GENERATOR_LINES.interest;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { p50: r(percentile(s, 50)), p90: r(percentile(s, 90)), min: r(s[0]), max: r(s[s.length - 1]) };
};

async function relaySample(wsUrl: string, callSid: string): Promise<{ firstMs: number; lastMs: number }> {
  const ws = new WebSocket(wsUrl, {
    headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `wss://bot.example.test${RELAY}`, {}) },
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  try {
    let phase: 'greeting' | 'reply' = 'greeting';
    let sentAt = 0;
    let firstMs = -1;
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply within 30 s')), 30_000);
      ws.on('message', (data: Buffer) => {
        const f = JSON.parse(data.toString()) as { type: string; last?: boolean };
        if (f.type !== 'text') return;
        if (phase === 'greeting') {
          if (!f.last) return;
          phase = 'reply';
          sentAt = performance.now();
          ws.send(JSON.stringify({ type: 'prompt', voicePrompt: INTERESTED, lang: 'zh-CN', last: true }));
          return;
        }
        if (firstMs < 0) firstMs = performance.now() - sentAt;
        if (f.last) {
          clearTimeout(timer);
          resolve({ firstMs, lastMs: performance.now() - sentAt });
        }
      });
      ws.send(JSON.stringify({ type: 'setup', callSid, from: '+8613800009999', to: '+861058880000' }));
    });
  } finally {
    ws.close();
  }
}

async function wholeSample(base: string, callId: string): Promise<number> {
  const post = (body: unknown) =>
    fetch(`${base}/v1/telephony/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await post({ callId, event: { type: 'start', phone: '+8613800009998' } });
  const t0 = performance.now();
  const res = await post({ callId, event: { type: 'user_text', text: INTERESTED } });
  await res.json();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const llm = await startFakeOpenAiServer();
  const prefix = uniquePrefix('bench-relay-stream');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ADMIN_API_KEYS: `${ADMIN}:admin`,
    ...slowLlmEnv(llm.baseUrl),
    PUBLIC_BASE_URL: PUBLIC,
    TWILIO_AUTH_TOKEN: TOKEN,
    PORT: '0',
    WORKER_PORT: '0',
  });
  const app = await createGateway(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  try {
    // A turn budget wide enough for the whole slow stream, so both paths see the same answer.
    await fetch(`${base}/v1/admin/campaigns/default`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify(WIDE_DEADLINES),
    });
    const text = SENTENCES.join('');
    const streamed = { text, chunkChars: SENTENCES[0].length, chunkDelayMs: CHUNK_DELAY_MS };
    const oneShot = { text, delayMs: SENTENCES.length * CHUNK_DELAY_MS };
    const first: number[] = [];
    const last: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      process.stdout.write(`sample ${i + 1}/${SAMPLES}\n`);
      llm.behave(streamed);
      const r = await relaySample(`${base.replace('http', 'ws')}${RELAY}`, `CA${i.toString(16).padStart(32, '0')}`);
      first.push(r.firstMs);
      last.push(r.lastMs);
      llm.behave(oneShot);
      whole.push(await wholeSample(base, `bench-whole-${i}`));
    }
    const [loadAvg1] = (await import('node:os')).loadavg();
    const result = {
      samples: SAMPLES,
      llm: {
        sentences: SENTENCES.length,
        chunkDelayMs: CHUNK_DELAY_MS,
        note: 'streamed: one sentence per chunk; whole turn: the full answer after sentences × chunkDelayMs',
      },
      relayFirstTokenMs: stats(first),
      relayLastTokenMs: stats(last),
      wholeTurnGenericEventsMs: stats(whole),
      loadAverage1m: Math.round(loadAvg1 * 10) / 10,
    };
    const file = writeResult('relay-stream', result);
    process.stdout.write(
      `first token p50 ${result.relayFirstTokenMs.p50} ms, last:true p50 ${result.relayLastTokenMs.p50} ms, whole turn p50 ${result.wholeTurnGenericEventsMs.p50} ms (load ${result.loadAverage1m}) → ${file}\n`,
    );
  } finally {
    await app.close();
    await llm.close();
    await deletePrefix(prefix);
  }
}

void main();
