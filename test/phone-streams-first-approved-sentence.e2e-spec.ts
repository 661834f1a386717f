// The streaming phone transports (Twilio ConversationRelay, AudioCodes Bot API streaming mode)
// against the booted gateway, the real dialogue pipeline (ONNX intent model, compliance, HNSW
// scripts) and a fake OpenAI-compatible server that streams a three-sentence answer slowly: the
// caller hears the first approved script while the model is still writing, the relay reply ends
// with exactly one `last: true`, the transcript holds exactly what was sent, and an interrupt
// mid-stream cancels the rest (nothing more is sent, the upstream request is closed, the record
// says what was heard).
import request from 'supertest';
import twilio from 'twilio';
import WebSocket from 'ws';
import { createRedis, waitReady } from '@huashu/redis';
import { ADMIN_KEY, bootGateway, type Booted } from './support/boot.js';
import { startFakeOpenAiServer, type FakeOpenAiServer, type RecordedRequest } from './support/fake-openai-server.js';
import { GENERATOR_LINES, LIBRARY_SENTENCES, slowLlmEnv, WIDE_DEADLINES } from './support/slow-llm.js';

const PUBLIC = 'https://bot.example.test';
const RELAY = '/v1/telephony/twilio/relay';
const TOKEN = 'twilio-test-token-0123456789';
const AC_TOKEN = 'ac-test-token-0123456789';
const S = LIBRARY_SENTENCES;
const SAY = GENERATOR_LINES;

type Frame = { type: string; token?: string; last?: boolean; [k: string]: unknown };

let gw: Booted;
let llm: FakeOpenAiServer;
beforeAll(async () => {
  llm = await startFakeOpenAiServer();
  gw = await bootGateway('relay-stream', {
    ...slowLlmEnv(llm.baseUrl),
    PUBLIC_BASE_URL: PUBLIC,
    TWILIO_AUTH_TOKEN: TOKEN,
    AUDIOCODES_BOT_TOKEN: AC_TOKEN,
  });
  // A wide turn budget: the slow stream must finish inside it even on a busy machine.
  await request(gw.url)
    .put('/v1/admin/campaigns/default')
    .set('authorization', `Bearer ${ADMIN_KEY}`)
    .send(WIDE_DEADLINES)
    .expect(200);
});
afterAll(async () => {
  await gw.close();
  await llm.close();
});

/** A platform socket that queues every frame and lets the test wait for the next one. */
async function socket(path: string, headers: Record<string, string>) {
  const ws = new WebSocket(`${gw.url.replace('http', 'ws')}${path}`, { headers });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const queue: Frame[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (data: Buffer) => {
    queue.push(JSON.parse(data.toString()) as Frame);
    wake?.();
  });
  const next = async (): Promise<Frame> => {
    const deadline = Date.now() + 15_000;
    while (queue.length === 0) {
      if (Date.now() > deadline) throw new Error('no frame within 15 s');
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 250);
      });
    }
    return queue.shift()!;
  };
  /** Frames up to and including the reply's `last: true`. */
  const reply = async (): Promise<Frame[]> => {
    const got: Frame[] = [];
    for (;;) {
      const f = await next();
      got.push(f);
      if (f.type === 'text' && f.last === true) return got;
    }
  };
  return { ws, next, reply, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

const relay = () =>
  socket(RELAY, {
    'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `wss://bot.example.test${RELAY}`, {}),
  });

const settledFlag = (r: RecordedRequest) => {
  const flag = { settled: false };
  void r.settled.then(() => (flag.settled = true));
  return flag;
};

/** The conversation the platform's call is bound to. */
async function conversationOf(platform: string, callSid: string): Promise<string> {
  const redis = createRedis(gw.config.redis, { name: 'test-relay-stream', prefixed: true });
  try {
    await waitReady(redis, 5000);
    const raw = await redis.get(`telephony:call:${platform}:${callSid}`);
    return (JSON.parse(raw ?? '{}') as { conversationId: string }).conversationId;
  } finally {
    redis.disconnect();
  }
}

async function transcriptOf(platform: string, callSid: string): Promise<{ role: string; text: string }[]> {
  const conversationId = await conversationOf(platform, callSid);
  return (await request(gw.url).get(`/v1/conversations/${conversationId}`).expect(200)).body.transcript;
}

describe('ConversationRelay streams the first approved sentence early', () => {
  it('sends the first approved script before the model has finished, one last:true, transcript = what was sent; an interrupt cancels the rest', async () => {
    const callSid = 'CA' + 'a1'.repeat(16);
    const r = await relay();
    try {
      r.send({ type: 'setup', callSid, from: '+8613800000701', to: '+861058880000', direction: 'inbound' });
      await r.reply();

      // Turn 1: the model writes three library sentences, one chunk each, with pauses between.
      llm.behave({ text: S.product + S.install + S.data, chunkChars: S.product.length, chunkDelayMs: 600 });
      const before = llm.requests.length;
      r.send({ type: 'prompt', voicePrompt: SAY.interest, lang: 'zh-CN', last: true });
      const first = await r.next();
      const upstream = llm.requests[before];
      const flag = settledFlag(upstream);
      await Promise.resolve();
      // The caller already hears an approved script while the model's stream is still open.
      expect(flag.settled).toBe(false);
      expect(first).toMatchObject({ type: 'text', token: S.product, last: false, lang: 'zh-CN' });
      const rest = await r.reply();
      const frames = [first, ...rest];
      expect(frames.filter((f) => f.last === true)).toHaveLength(1);
      expect(frames.at(-1)).toMatchObject({ type: 'text', last: true });
      const sent = frames.map((f) => f.token ?? '').join('');
      expect(frames.filter((f) => f.token).length).toBeGreaterThanOrEqual(2);
      let transcript = await transcriptOf('twilio-relay', callSid);
      expect(transcript.filter((e) => e.role === 'bot').at(-1)?.text).toBe(sent);

      // Turn 2: interrupted after the first script was sent.
      llm.behave({ text: S.price + S.promo + S.install, chunkChars: S.price.length, chunkDelayMs: 1500 });
      const before2 = llm.requests.length;
      r.send({ type: 'prompt', voicePrompt: SAY.price, lang: 'zh-CN', last: true });
      const heardFirst = await r.next();
      expect(heardFirst).toMatchObject({ type: 'text', last: false });
      const heard = (heardFirst.token ?? '').slice(0, 8);
      r.send({ type: 'interrupt', utteranceUntilInterrupt: heard, durationUntilInterruptMs: 900 });
      // The cancellation reaches the model server: it sees the socket close before its answer ends.
      await llm.requests[before2].settled;
      expect(llm.requests[before2].clientClosedEarly).toBe(true);
      for (let i = 0; i < 50; i++) {
        transcript = await transcriptOf('twilio-relay', callSid);
        if (transcript.some((e) => e.role === 'event' && e.text.includes(heard))) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      // What was sent is the bot line; what was heard is recorded after it.
      expect(transcript.filter((e) => e.role === 'bot').at(-1)?.text).toBe(heardFirst.token);
      expect(transcript.at(-1)).toMatchObject({ role: 'event', text: expect.stringContaining(heard) });
      // Nothing more of the interrupted reply was sent: the next frames answer the next event.
      r.send({ type: 'dtmf', digit: '5' });
      const reprompt = await r.reply();
      expect(reprompt.map((f) => f.token).join('')).toBe(sent);
    } finally {
      r.ws.close();
    }
  });
});

describe('AudioCodes streaming mode sends each approved script as its own frame', () => {
  it('the first message frame arrives while the model still writes; the frames are what the transcript says', async () => {
    const conversationId = 'ac-stream-1';
    const s = await socket('/v1/telephony/audiocodes/ws', { authorization: `Bearer ${AC_TOKEN}` });
    const activity = (id: string, a: Record<string, unknown>) =>
      s.send({ type: 'activities', conversationId, activities: [{ id, ...a }] });
    const messages = (f: Frame) =>
      ((f.activities as { type: string; text?: string }[] | undefined) ?? []).filter((a) => a.type === 'message');
    try {
      s.send({ type: 'session.initiate', conversationId, expectAudioMessages: false, caller: '+8613800000702' });
      expect(await s.next()).toEqual({ type: 'session.accepted' });
      activity('a1', { type: 'event', name: 'start' });
      await s.next(); // greeting

      llm.behave({ text: S.product + S.install + S.data, chunkChars: S.product.length, chunkDelayMs: 600 });
      const before = llm.requests.length;
      activity('a2', { type: 'message', text: SAY.interest });
      const first = await s.next();
      const flag = settledFlag(llm.requests[before]);
      await Promise.resolve();
      expect(flag.settled).toBe(false);
      expect(messages(first)).toEqual([expect.objectContaining({ text: S.product })]);
      await llm.requests[before].settled;
      let transcript: { role: string; text: string }[] = [];
      for (let i = 0; i < 50; i++) {
        transcript = await transcriptOf('audiocodes', conversationId);
        if (transcript.filter((e) => e.role === 'bot').length >= 2) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      // A DTMF key without meaning repeats the last reply: every frame before it belongs to the streamed one.
      activity('a3', { type: 'event', name: 'DTMF', value: '5' });
      const streamed = [first];
      for (;;) {
        const f = await s.next();
        const repeat = messages(f)
          .map((m) => m.text)
          .join('');
        if (f.type === 'activities' && repeat === transcript.filter((e) => e.role === 'bot').at(-1)?.text) break;
        streamed.push(f);
      }
      const sent = streamed.flatMap(messages).map((m) => m.text);
      expect(sent.length).toBeGreaterThanOrEqual(2);
      expect(streamed.every((f) => messages(f).length === 1)).toBe(true);
      expect(transcript.filter((e) => e.role === 'bot').at(-1)?.text).toBe(sent.join(''));
    } finally {
      s.ws.close();
    }
  });
});

describe('ConversationRelay: a streamed answer is screened and matched sentence by sentence as it reads in one piece', () => {
  /** The audit record of the relay call's last turn. */
  async function lastAudit(callSid: string): Promise<{ generator?: { candidate?: string } }> {
    const conversationId = await conversationOf('twilio-relay', callSid);
    const audit = await request(gw.url)
      .get(`/v1/admin/conversations/${conversationId}/audit`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .expect(200);
    return (audit.body as { records: { generator?: { candidate?: string } }[] }).records.at(-1)!;
  }

  it('marks after a sentence end in later pieces are no sentence of their own; ； and …… do not end one', async () => {
    const callSid = 'CA' + 'b2'.repeat(16);
    const r = await relay();
    try {
      r.send({ type: 'setup', callSid, from: '+8613800000703', to: '+861058880000', direction: 'inbound' });
      await r.reply();
      // One character per piece: the ？ completes its sentence before the ！ and the ” arrive.
      const contract =
        '合约期24个月，期间可以升级套餐，不能降级；到期后自动转为同价位的普通套餐，您也可以随时办理变更。';
      llm.behave({ text: `您是说“${S.product}”真的吗？！等等……${contract}`, chunkChars: 1 });
      r.send({ type: 'prompt', voicePrompt: SAY.interest, lang: 'zh-CN', last: true });
      const frames = await r.reply();
      // What the caller hears: the two scripts the answer quotes, as before.
      expect(frames.map((f) => f.token)).toEqual([S.product, contract, '']);
      // Each checked sentence has something to say (no lone ！ or ”), the ； and …… are inside theirs.
      expect((await lastAudit(callSid)).generator?.candidate).toBe(`您是说“${S.product} 真的吗？ 等等……${contract}`);
    } finally {
      r.ws.close();
    }
  });
});
