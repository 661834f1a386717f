// Property-based fuzzing (fast-check, fixed seed, bounded runs) of the bodies the other fuzz spec does
// not reach: the vendor telephony protocols with valid credentials (AudioCodes Bot API activities,
// Twilio form webhooks with a correct signature over the fuzzed fields, Genesys Bot Connector
// messages), WebSocket frames (AudioCodes streaming mode, Twilio ConversationRelay), and the large
// admin bodies (script import as JSON or JSON Lines, threshold sweep, compliance lexicon).
// Properties: never a 5xx, every 4xx is the binding error body, a WebSocket never crashes the
// process (the socket answers or closes with a proper close code) and the gateway still answers.
import fc from 'fast-check';
import request from 'supertest';
import twilio from 'twilio';
import WebSocket from 'ws';
import { ADMIN_KEY, EDITOR_KEY } from './support/boot.js';
import {
  asJson,
  assertProperty,
  hostileBody,
  isBindingError,
  nastyText,
  SEED,
  wrongTypes,
  type RawBody,
} from './support/fuzz.js';
import { AUDIOCODES_AUTH, GENESYS_AUTH, openWs, PUBLIC_BASE, TELEPHONY_ENV } from './support/telephony-env.js';
import { gatewayForSuite } from './support/suite.js';

const PUBLIC = PUBLIC_BASE;
const ENV = TELEPHONY_ENV;
const AC = AUDIOCODES_AUTH;
const GEN = GENESYS_AUTH;
const ADMIN = { authorization: `Bearer ${ADMIN_KEY}` };
const EDITOR = { authorization: `Bearer ${EDITOR_KEY}` };
const VOICE = '/v1/telephony/twilio/voice';
const RELAY = '/v1/telephony/twilio/relay';

const activity = fc.record(
  {
    id: fc.oneof(fc.uuid(), nastyText(60)),
    timestamp: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      nastyText(30),
    ),
    type: fc.constantFrom('message', 'event', 'x'),
    name: fc.constantFrom('start', 'noUserInput', 'DTMF', 'hangup', 'transferStatus', 'speechHypothesis', 'nope'),
    text: nastyText(2100),
    value: fc.jsonValue({ maxDepth: 2 }),
    parameters: fc.oneof(
      wrongTypes({ caller: fc.constantFrom('+8613800009901', 'x'), confidence: fc.double(), callee: nastyText(20) }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  },
  { requiredKeys: [] },
);

/** A WebSocket frame: JSON of the right shape with hostile values, any JSON, broken text, or binary. */
const wsFrame = (shape: fc.Arbitrary<unknown>): fc.Arbitrary<string | Buffer> =>
  fc.oneof(
    shape.map((v) => JSON.stringify(v)),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
    nastyText(300),
    fc.integer({ min: 100, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    fc
      .integer({ min: 70_000, max: 200_000 })
      .map((n) => JSON.stringify({ type: 'prompt', voicePrompt: 'x'.repeat(n) })),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  );

describe('fuzzing vendor telephony bodies, WebSocket frames and admin bodies', () => {
  const gw = gatewayForSuite('fuzz-vendor', ENV);
  const tried: Record<string, number> = {};

  beforeAll(async () => {
    await request(gw.url)
      .post('/v1/telephony/audiocodes')
      .set(AC)
      .send({ conversation: 'ac-fuzz', id: 'c1' })
      .expect(200);
  });
  afterAll(() => {
    process.stdout.write(`fuzz cases tried: ${JSON.stringify(tried)}\n`);
  });

  const checkResponse = (label: string, res: request.Response): void => {
    if (res.status >= 500) throw new Error(`${label}: ${res.status} ${res.text.slice(0, 300)}`);
    if (res.status >= 400 && !isBindingError(res.body)) {
      throw new Error(`${label}: ${res.status} without the binding error body: ${res.text.slice(0, 300)}`);
    }
  };
  const send = (path: string, headers: Record<string, string>, raw: RawBody, method: 'post' | 'put' = 'post') =>
    request(gw.url)[method](path).set(headers).set('content-type', raw.contentType).send(raw.body);

  interface Case {
    name: string;
    runs: number;
    body: fc.Arbitrary<RawBody>;
    request: (raw: RawBody) => request.Test;
  }
  const cases = (): Case[] => [
    {
      name: 'AudioCodes POST /conversations/{id}/activities',
      runs: 80,
      body: hostileBody(
        {
          conversation: fc.constantFrom('ac-fuzz', 'ac-other'),
          activities: fc.oneof(fc.array(activity, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
        },
        'conversation',
      ),
      request: (raw) => send('/v1/telephony/audiocodes/conversations/ac-fuzz/activities', AC, raw),
    },
    {
      name: 'AudioCodes POST / (create), refresh, disconnect',
      runs: 60,
      body: hostileBody(
        { conversation: nastyText(80), id: nastyText(40), timestamp: nastyText(30), expiresSeconds: fc.integer() },
        'conversation',
      ),
      request: (raw) =>
        send(
          ['/v1/telephony/audiocodes', '/v1/telephony/audiocodes/conversations/ac-other/refresh'][raw.body.length % 2],
          AC,
          raw,
        ),
    },
    {
      name: 'Genesys POST /messages',
      runs: 80,
      body: hostileBody(
        {
          botId: fc.constantFrom('default', 'nope'),
          botVersion: fc.constantFrom('1', ''),
          botSessionId: fc.oneof(fc.constantFrom('gs-fuzz-1', 'gs-fuzz-2'), nastyText(80)),
          messageId: nastyText(60),
          inputMessage: wrongTypes({ type: fc.constantFrom('Text', 'Structured', 'x'), text: nastyText(2100) }),
          languageCode: fc.constantFrom('zh-cn', 'en-us', 'xx'),
          botSessionTimeout: fc.integer(),
          genesysConversationId: nastyText(40),
          parameters: fc.dictionary(nastyText(10), nastyText(40), { maxKeys: 3 }),
        },
        'botSessionId',
      ),
      request: (raw) => send('/v1/telephony/genesys/messages', GEN, raw),
    },
    {
      name: 'POST /v1/admin/scripts/import (JSON, JSON Lines)',
      runs: 80,
      body: fc.oneof(
        hostileBody(
          {
            id: fc.oneof(fc.constantFrom('fuzz-1', 'fuzz-2'), nastyText(120)),
            text: nastyText(3000),
            intent: fc.constantFrom('ask_price', 'greeting', 'nope'),
            stage: fc.constantFrom('new', 'engaged', 'x'),
            tags: fc.array(nastyText(30), { maxLength: 5 }),
            fallback: fc.boolean(),
            threshold: fc.double(),
            enabled: fc.boolean(),
          },
          'text',
        ).map((raw) => (raw.contentType === 'application/json' ? { ...raw, body: `[${raw.body.toString()}]` } : raw)),
        fc
          .array(
            fc.oneof(
              wrongTypes({ id: nastyText(60), text: nastyText(500), intent: fc.constantFrom('ask_price', 'x') }).map(
                (v) => JSON.stringify(v),
              ),
              nastyText(200),
            ),
            { maxLength: 20 },
          )
          .map((lines) => ({ contentType: 'application/x-ndjson', body: lines.join('\n') })),
      ),
      // A separate campaign, so the import never disturbs the one the telephony cases talk to.
      request: (raw) => send('/v1/admin/scripts/import?campaign=fuzz-import&mode=upsert', EDITOR, raw),
    },
    {
      name: 'POST /v1/admin/scripts/threshold-sweep',
      runs: 60,
      body: hostileBody(
        {
          pairs: fc.oneof(
            fc.array(wrongTypes({ text: nastyText(300), expected: fc.constantFrom(null, 'zh-price-basic', 'nope') }), {
              maxLength: 30,
            }),
            fc.jsonValue({ maxDepth: 2 }),
          ),
          targetPrecision: fc.double(),
          version: fc.oneof(fc.constant('draft'), fc.integer()),
        },
        'pairs',
      ),
      request: (raw) => send('/v1/admin/scripts/threshold-sweep', EDITOR, raw),
    },
    {
      name: 'PUT /v1/admin/compliance/lexicons',
      runs: 40,
      body: fc.oneof(
        hostileBody(
          {
            categories: fc.dictionary(
              fc.oneof(fc.constantFrom('guaranteed_return', 'abuse'), nastyText(20)),
              wrongTypes({
                patterns: fc.array(nastyText(40), { maxLength: 20 }),
                exceptions: fc.array(nastyText(40), { maxLength: 5 }),
                negatable: fc.boolean(),
              }),
              { maxKeys: 4 },
            ),
            negations: fc.array(nastyText(20), { maxLength: 5 }),
            version: fc.integer(),
          },
          'negations',
        ),
        // Many patterns: the automaton build must stay bounded by the body limit.
        fc.integer({ min: 500, max: 6000 }).map((n) =>
          asJson({
            categories: { abuse: { patterns: Array.from({ length: n }, (_, i) => `词${i}`) } },
            negations: [],
          }),
        ),
      ),
      request: (raw) => send('/v1/admin/compliance/lexicons?campaign=fuzz-lexicon', ADMIN, raw, 'put'),
    },
  ];

  it.each(cases().map((c) => [c.name, c] as const))('%s: never a 5xx, always the binding error body', async (_n, c) => {
    await assertProperty(
      fc.asyncProperty(c.body, async (raw) => {
        tried[c.name] = (tried[c.name] ?? 0) + 1;
        checkResponse(c.name, await c.request(raw));
      }),
      { seed: SEED, numRuns: c.runs, endOnFailure: true },
    );
  });

  it('Twilio voice webhook, correctly signed hostile form fields: never a 5xx, always TwiML or the binding error body', async () => {
    const field = fc.oneof(nastyText(300), fc.constantFrom('', '0.9', 'NaN', '-1', 'CA' + '0'.repeat(32)));
    await assertProperty(
      fc.asyncProperty(
        fc.record(
          {
            CallSid: fc.oneof(fc.constantFrom('CA' + '1'.repeat(32), 'CA' + '2'.repeat(32)), field),
            AccountSid: field,
            From: fc.oneof(fc.constantFrom('+8613800009902'), field),
            To: field,
            CallStatus: fc.constantFrom('ringing', 'in-progress', 'completed', 'x'),
            SpeechResult: field,
            Confidence: field,
            Digits: fc.constantFrom('1', '#', 'zz', ''),
            DialCallStatus: fc.constantFrom('completed', 'failed', 'x'),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom('', '?campaign=default', '?campaign=nope', '?mode=relay', '?campaign=%00'),
        async (form, query) => {
          tried.twilioForm = (tried.twilioForm ?? 0) + 1;
          // Strings the form encoder can carry (lone surrogates cannot be URL-encoded).
          const body = Object.fromEntries(
            Object.entries(form).map(([k, v]) => [k, v.replace(/[\ud800-\udfff]/gu, '\ufffd')]),
          );
          const signature = twilio.getExpectedTwilioSignature(ENV.TWILIO_AUTH_TOKEN, `${PUBLIC}${VOICE}${query}`, body);
          const res = await request(gw.url)
            .post(`${VOICE}${query}`)
            .set('x-twilio-signature', signature)
            .type('form')
            .send(body);
          checkResponse('twilio voice', res);
          if (res.status === 200 && !/^<\?xml[^>]*\?><Response>[\s\S]*<\/Response>$/.test(res.text)) {
            throw new Error(`twilio voice: 200 without TwiML: ${res.text.slice(0, 200)}`);
          }
        },
      ),
      { seed: SEED, numRuns: 40, endOnFailure: true },
    );
  });

  /**
   * Send frames on one socket, then see that the socket is either still usable (a ping is answered)
   * or was closed with a close code other than 1006 (abnormal), and that the gateway still answers.
   */
  const fuzzSocket = async (
    label: string,
    url: string,
    headers: () => Record<string, string>,
    opening: () => string,
    frame: fc.Arbitrary<string | Buffer>,
  ) => {
    await assertProperty(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 6 }), async (frames) => {
        tried[label] = (tried[label] ?? 0) + 1;
        const ws = await openWs(url, headers());
        let closeCode: number | undefined;
        const closed = new Promise<void>((r) =>
          ws.once('close', (code) => {
            closeCode = code;
            r();
          }),
        );
        ws.on('error', () => undefined);
        try {
          ws.send(opening());
          for (const f of frames) if (ws.readyState === WebSocket.OPEN) ws.send(f);
          const alive = await Promise.race([
            new Promise<boolean>((r) => {
              if (ws.readyState !== WebSocket.OPEN) return r(false);
              ws.once('pong', () => r(true));
              ws.ping();
            }),
            closed.then(() => false),
            new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
          ]);
          if (!alive) {
            await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
            if (closeCode === undefined) throw new Error(`${label}: socket neither answered nor closed`);
            if (closeCode === 1006) throw new Error(`${label}: socket dropped without a close frame (1006)`);
          }
        } finally {
          ws.terminate();
        }
        await request(gw.url).get('/health/live').expect(200);
      }),
      { seed: SEED, numRuns: 40, endOnFailure: true },
    );
  };

  it('AudioCodes WebSocket frames: the socket answers or closes properly, the gateway lives on', async () => {
    let n = 0;
    await fuzzSocket(
      'audiocodesWs',
      `${gw.url.replace('http', 'ws')}/v1/telephony/audiocodes/ws`,
      () => AC,
      () =>
        JSON.stringify({ type: 'session.initiate', conversationId: `ac-ws-fuzz-${n++}`, expectAudioMessages: false }),
      wsFrame(
        fc.record(
          {
            type: fc.constantFrom('activities', 'session.resume', 'session.end', 'session.initiate', 'x'),
            conversationId: fc.oneof(fc.constant('ac-ws-fuzz-0'), nastyText(60)),
            activities: fc.oneof(fc.array(activity, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
          },
          { requiredKeys: [] },
        ),
      ),
    );
  });

  it('ConversationRelay frames: the socket answers or closes properly, the gateway lives on', async () => {
    let n = 0;
    const headers = () => ({
      'x-twilio-signature': twilio.getExpectedTwilioSignature(
        ENV.TWILIO_AUTH_TOKEN,
        `wss://bot.example.test${RELAY}`,
        {},
      ),
    });
    await fuzzSocket(
      'conversationRelay',
      `${gw.url.replace('http', 'ws')}${RELAY}`,
      headers,
      () =>
        JSON.stringify({
          type: 'setup',
          sessionId: 'VX' + '0'.repeat(32),
          callSid: `CA${String(n++).padStart(32, '0')}`,
          from: '+8613800009903',
          to: '+861058880000',
          customParameters: { campaign: 'default' },
        }),
      wsFrame(
        fc.record(
          {
            type: fc.constantFrom('prompt', 'interrupt', 'dtmf', 'error', 'setup', 'x'),
            voicePrompt: nastyText(2100),
            lang: fc.constantFrom('zh-CN', 'en-US', 'xx'),
            last: fc.boolean(),
            utteranceUntilInterrupt: nastyText(200),
            durationUntilInterruptMs: fc.integer(),
            digit: fc.constantFrom('1', '#', 'zz'),
            description: nastyText(100),
          },
          { requiredKeys: [] },
        ),
      ),
    );
  });
});
