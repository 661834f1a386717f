import request from 'supertest';
import twilio from 'twilio';
import WebSocket from 'ws';

/** The public URL the platforms are told to call (Twilio signs over it). */
export const PUBLIC_BASE = 'https://bot.example.test';

/** Gateway environment with every telephony adapter's credentials set. */
export const TELEPHONY_ENV = {
  GENERATOR_MODE: 'inprocess',
  PUBLIC_BASE_URL: PUBLIC_BASE,
  TWILIO_AUTH_TOKEN: 'twilio-test-token-0123456789',
  AUDIOCODES_BOT_TOKEN: 'ac-test-token-0123456789',
  GENESYS_SECRET_HEADER: 'X-Huashu-Secret',
  GENESYS_SECRET: 'genesys-test-secret-0123456789',
};
/** Headers AudioCodes and Genesys send with TELEPHONY_ENV. */
export const AUDIOCODES_AUTH = { authorization: `Bearer ${TELEPHONY_ENV.AUDIOCODES_BOT_TOKEN}` };
export const GENESYS_AUTH = { 'x-huashu-secret': TELEPHONY_ENV.GENESYS_SECRET };

/** Twilio's voice webhook (Gather and the Dial action callback). */
export const TWILIO_VOICE = '/v1/telephony/twilio/voice';

/** One event of the generic telephony route (`POST /v1/telephony/events`). */
export const genericEvent = (url: string, body: object) => request(url).post('/v1/telephony/events').send(body);

/**
 * A Twilio voice webhook for call `sid` as Twilio sends it: form-encoded, signed with TELEPHONY_ENV's
 * token over PUBLIC_BASE; `params` (From, SpeechResult, Digits, DialCallStatus …) over an inbound call's;
 * `query` (`?campaign=…`) is part of the URL Twilio signs.
 */
export function twilioVoice(url: string, sid: string, params: Record<string, string>, query = '') {
  const body = {
    AccountSid: 'AC' + '0'.repeat(32),
    CallSid: sid,
    To: '+861058880000',
    Direction: 'inbound',
    CallStatus: 'in-progress',
    ...params,
  };
  const signature = twilio.getExpectedTwilioSignature(
    TELEPHONY_ENV.TWILIO_AUTH_TOKEN,
    `${PUBLIC_BASE}${TWILIO_VOICE}${query}`,
    body,
  );
  return request(url).post(`${TWILIO_VOICE}${query}`).set('x-twilio-signature', signature).type('form').send(body);
}

/** Open a WebSocket; resolves with the socket, or rejects with the HTTP status of a refused upgrade. */
export function openWs(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Collect frames until `done(frames)` says so (bounded). */
export function frames(
  ws: WebSocket,
  send: unknown,
  done: (f: Record<string, unknown>[]) => boolean,
): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const got: Record<string, unknown>[] = [];
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error(`timeout; got ${JSON.stringify(got)}`));
    }, 10_000);
    const onMessage = (data: Buffer) => {
      got.push(JSON.parse(data.toString()) as Record<string, unknown>);
      if (done(got)) {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(got);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify(send));
  });
}

/** Sends one caller activity of an AudioCodes streaming-mode call and collects frames until `done`. */
export type AudioCodesSend = (
  id: string,
  activity: Record<string, unknown>,
  done: (f: Record<string, unknown>[]) => boolean,
) => Promise<Record<string, unknown>[]>;

/**
 * Start an AudioCodes streaming-mode call on `ws` as VoiceAI Connect does (`session.initiate`, then
 * the `start` event from `caller`); returns how to send the caller's next activities.
 */
export async function startAudioCodesCall(
  ws: WebSocket,
  conversationId: string,
  caller: string,
): Promise<AudioCodesSend> {
  const send: AudioCodesSend = (id, activity, done) =>
    frames(ws, { type: 'activities', conversationId, activities: [{ id, ...activity }] }, done);
  await frames(ws, { type: 'session.initiate', conversationId, caller }, (f) =>
    f.some((x) => x.type === 'session.accepted'),
  );
  await send('s', { type: 'event', name: 'start', parameters: { caller } }, (f) =>
    f.some((x) => x.type === 'activities'),
  );
  return send;
}
