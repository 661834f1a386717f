// Secrets and customer PII never leak: with debug logs captured, admin calls with every key role,
// telephony calls with each platform's credential and chat/telephony turns carrying a CN mobile
// number, a resident ID, an e-mail address and a bank card number must leave none of them in the
// logs, in /metrics or (unredacted) in the conversations' audit streams.
import request from 'supertest';
import twilio from 'twilio';
import { ADMIN_KEY, EDITOR_KEY, VIEWER_KEY } from './support/boot.js';
import { createLanguageCampaign } from './support/dialogue.js';
import { LogCapture } from './support/log-capture.js';
import { gatewayForSuite } from './support/suite.js';

const CHAT_KEY = 'chat-key-leak-0123456789';
const PUBLIC = 'https://bot.example.test';
const ENV = {
  LOG_LEVEL: 'debug',
  GENERATOR_MODE: 'inprocess',
  CHAT_API_KEYS: CHAT_KEY,
  PUBLIC_BASE_URL: PUBLIC,
  TWILIO_AUTH_TOKEN: 'twilio-leak-token-0123456789',
  AUDIOCODES_BOT_TOKEN: 'ac-leak-token-0123456789',
  GENESYS_SECRET_HEADER: 'X-Huashu-Secret',
  GENESYS_SECRET: 'genesys-leak-secret-0123456789',
} as const;

/** Customer PII, each valid of its kind (the resident ID's check digit, the card's Luhn digit). */
const PII = {
  mobile: '13912345678',
  residentId: '11010519491231002X',
  email: 'zhang.wei.leak@example.com',
  card: '6222021000112230',
} as const;
const SAYS = [
  `我的手机号是${PII.mobile}，你们打这个`,
  `身份证号${PII.residentId}，帮我查一下`,
  `发到我邮箱 ${PII.email} 吧`,
  `扣款用这张卡 ${PII.card}`,
];

const SECRETS = [
  ADMIN_KEY,
  EDITOR_KEY,
  VIEWER_KEY,
  CHAT_KEY,
  ENV.TWILIO_AUTH_TOKEN,
  ENV.AUDIOCODES_BOT_TOKEN,
  ENV.GENESYS_SECRET,
];

/** Every needle found in a haystack (digits also looked for without separators). */
const leaks = (where: string, haystack: string, needles: readonly string[]): string[] =>
  needles.filter((n) => haystack.includes(n)).map((n) => `${where} contains ${n}`);

describe('no secrets or PII in logs, metrics or audit', () => {
  const logs = new LogCapture();
  const conversations: string[] = [];
  const twilioSignatures: string[] = [];

  // The capturing gateway is the only app of this file, so every line captured is its own.
  const gw = gatewayForSuite('leaks', ENV, { logStream: logs });
  beforeAll(async () => {
    await createLanguageCampaign(gw.url, 'zh', 'default');
  });

  it('drives admin, telephony and chat traffic carrying keys, tokens and PII', async () => {
    // Admin: every role, plus a wrong key and a compliance check of PII text.
    for (const key of [ADMIN_KEY, EDITOR_KEY, VIEWER_KEY]) {
      await request(gw.url).get('/v1/admin/whoami').set('authorization', `Bearer ${key}`).expect(200);
    }
    await request(gw.url).get('/v1/admin/whoami').set('authorization', `Bearer ${ADMIN_KEY}x`).expect(401);
    await request(gw.url)
      .post('/v1/admin/compliance/check')
      .set('authorization', `Bearer ${VIEWER_KEY}`)
      .send({ text: SAYS.join(' '), direction: 'input' })
      .expect(200);

    // Chat with a key; the customer's own number on the start, PII in the turns.
    const chat = { authorization: `Bearer ${CHAT_KEY}` };
    // One conversation per PII kind: a turn may end the conversation (e.g. a transfer).
    for (const text of SAYS) {
      const started = await request(gw.url)
        .post('/v1/conversations')
        .set(chat)
        .send({ customer: { name: '张伟', phone: PII.mobile } })
        .expect(201);
      const chatId = started.body.conversationId as string;
      conversations.push(chatId);
      await request(gw.url).post(`/v1/conversations/${chatId}/turns`).set(chat).send({ text }).expect(200);
    }

    // Generic events with the chat key.
    const ev = (body: object) => request(gw.url).post('/v1/telephony/events').set(chat).send(body).expect(200);
    for (const [i, text] of SAYS.entries()) {
      const evStart = await ev({ callId: `leak-${i}`, event: { type: 'start', phone: `+86${PII.mobile}` } });
      conversations.push(evStart.body.conversationId as string);
      await ev({ callId: `leak-${i}`, eventId: 'e1', event: { type: 'user_text', text } });
    }

    // AudioCodes with its bearer token.
    const ac = { authorization: `Bearer ${ENV.AUDIOCODES_BOT_TOKEN}` };
    await request(gw.url)
      .post('/v1/telephony/audiocodes')
      .set(ac)
      .send({ conversation: 'ac-leak', id: 'c1' })
      .expect(200);
    const acts = [
      { type: 'event', name: 'start', parameters: { caller: `+86${PII.mobile}` } },
      ...SAYS.map((text) => ({ type: 'message', text })),
    ];
    for (const [i, a] of acts.entries()) {
      await request(gw.url)
        .post('/v1/telephony/audiocodes/conversations/ac-leak/activities')
        .set(ac)
        .send({ conversation: 'ac-leak', activities: [{ id: `a${i}`, timestamp: new Date().toISOString(), ...a }] })
        .expect(200);
    }

    // Twilio with a valid signature; the caller's number in From, PII in SpeechResult.
    const voice = async (params: Record<string, string>) => {
      const body = {
        AccountSid: 'AC' + '0'.repeat(32),
        CallSid: 'CA' + 'e'.repeat(32),
        From: `+86${PII.mobile}`,
        To: '+861058880000',
        Direction: 'inbound',
        CallStatus: 'in-progress',
        ...params,
      };
      const signature = twilio.getExpectedTwilioSignature(
        ENV.TWILIO_AUTH_TOKEN,
        `${PUBLIC}/v1/telephony/twilio/voice`,
        body,
      );
      twilioSignatures.push(signature);
      await request(gw.url)
        .post('/v1/telephony/twilio/voice')
        .set('x-twilio-signature', signature)
        .type('form')
        .send(body)
        .expect(200);
    };
    await voice({ CallStatus: 'ringing' });
    for (const text of SAYS) await voice({ SpeechResult: text, Confidence: '0.9' });

    // Genesys with its connection secret header.
    for (const [i, text] of SAYS.entries()) {
      const res = await request(gw.url)
        .post('/v1/telephony/genesys/messages')
        .set(ENV.GENESYS_SECRET_HEADER, ENV.GENESYS_SECRET)
        .send({
          botId: 'default',
          botVersion: '1',
          botSessionId: `gs-leak-${i}`,
          messageId: 'm1',
          inputMessage: { type: 'Text', text },
          languageCode: 'zh-cn',
          botSessionTimeout: 720,
          genesysConversationId: 'g-leak',
          parameters: { customerPhone: `+86${PII.mobile}` },
        })
        .expect(200);
      const id = (res.body as { parameters?: { conversationId?: string } }).parameters?.conversationId;
      if (id && !conversations.includes(id)) conversations.push(id);
    }
    expect(conversations.length).toBe(12);
    // Let pino flush the last lines.
    await new Promise((r) => setTimeout(r, 100));
    expect(logs.lines.length).toBeGreaterThan(20);
  });

  it('no key, token, signature or PII in the captured logs', () => {
    // The log would be worth nothing if the traffic had not been logged at all.
    expect(logs.text).toContain('/v1/telephony/genesys/messages');
    expect(logs.text).toContain('[redacted]');
    expect([
      ...leaks('logs', logs.text, [...SECRETS, ...twilioSignatures]),
      ...leaks('logs', logs.text, Object.values(PII)),
    ]).toEqual([]);
  });

  it('no key, token or PII in /metrics', async () => {
    const metrics = (await request(gw.url).get('/metrics').expect(200)).text;
    expect(metrics).toContain('http_');
    expect([...leaks('metrics', metrics, SECRETS), ...leaks('metrics', metrics, Object.values(PII))]).toEqual([]);
  });

  it('audit streams keep PII redacted', async () => {
    const viewer = { authorization: `Bearer ${VIEWER_KEY}` };
    const found: string[] = [];
    let records = 0;
    for (const id of conversations) {
      const res = await request(gw.url).get(`/v1/admin/conversations/${id}/audit`).set(viewer).expect(200);
      const n = (res.body as { records: unknown[] }).records.length;
      if (n < 1) found.push(`audit ${id} has no record of the PII turn`);
      records += n;
      const text = JSON.stringify(res.body);
      found.push(...leaks(`audit ${id}`, text, [...SECRETS, ...Object.values(PII)]));
    }
    expect(records).toBeGreaterThanOrEqual(12);
    expect(found).toEqual([]);
  });
});
