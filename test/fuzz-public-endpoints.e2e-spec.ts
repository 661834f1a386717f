// Property-based fuzzing (fast-check, fixed seed, bounded runs) of the gateway's public bodies:
// arbitrary JSON, wrong types, strings near and over the 64 KiB body limit, deep JSON, control,
// zero-width and bidi characters, lone surrogates, invalid UTF-8 and prompt-injection text.
// Properties: never a 5xx, every 4xx is the binding error body, the app still answers afterwards,
// and a turn that succeeds always speaks a script of the library (text = script with slots filled).
import fc from 'fast-check';
import request from 'supertest';
import { fillSlots } from '@huashu/scripts';
import { ADMIN_KEY, VIEWER_KEY } from './support/boot.js';
import { createLanguageCampaign } from './support/dialogue.js';
import {
  assertProperty,
  hostileBody,
  isBindingError,
  nastyText,
  percentEncode,
  PROMPT_INJECTIONS,
  SEED,
  wrongTypes,
  type RawBody,
} from './support/fuzz.js';
import { gatewayForSuite } from './support/suite.js';

interface Case {
  name: string;
  method: 'post' | 'put';
  path: () => string;
  headers: Record<string, string>;
  body: fc.Arbitrary<RawBody>;
  runs: number;
}

describe('fuzzing the public endpoints', () => {
  const gw = gatewayForSuite('fuzz', { GENERATOR_MODE: 'inprocess' });
  let conversationId = '';
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const viewer = { authorization: `Bearer ${VIEWER_KEY}` };
  const tried: Record<string, number> = {};

  beforeAll(async () => {
    await createLanguageCampaign(gw.url, 'zh', 'default');
    // The campaign the settings PUT is fuzzed on: it exists, so each body is validated (a PUT creates nothing).
    await request(gw.url)
      .put('/v1/admin/campaigns/fuzz')
      .set({ ...admin, 'if-none-match': '*' })
      .send({})
      .expect(200);
    conversationId = (await request(gw.url).post('/v1/conversations').send({}).expect(201)).body.conversationId;
  });
  afterAll(() => {
    // The closing figure: fuzz cases tried per endpoint (shown when the suite runs verbose).
    process.stdout.write(`fuzz cases tried: ${JSON.stringify(tried)}\n`);
  });

  const send = (c: Pick<Case, 'method' | 'headers'>, path: string, raw: RawBody): request.Test =>
    request(gw.url)[c.method](path).set(c.headers).set('content-type', raw.contentType).send(raw.body);

  /** The response property every endpoint shares. */
  const checkResponse = (label: string, res: request.Response): void => {
    if (res.status >= 500) throw new Error(`${label}: ${res.status} ${res.text.slice(0, 300)}`);
    if (res.status >= 400 && !isBindingError(res.body)) {
      throw new Error(`${label}: ${res.status} without the binding error body: ${res.text.slice(0, 300)}`);
    }
  };

  const cases = (): Case[] => [
    {
      name: 'POST /v1/conversations',
      method: 'post',
      path: () => '/v1/conversations',
      headers: {},
      runs: 120,
      body: hostileBody(
        {
          campaignId: fc.constantFrom('default', 'nope', '../x'),
          channel: fc.constantFrom('rest', 'phone'),
          customer: fc.record(
            { name: nastyText(120), phone: fc.constantFrom('+8613812345678', '12') },
            { requiredKeys: [] },
          ),
          metadata: fc.dictionary(nastyText(10), nastyText(100), { maxKeys: 5 }),
        },
        'metadata',
      ),
    },
    {
      name: 'POST /v1/conversations/{id}/turns',
      method: 'post',
      path: () => `/v1/conversations/${conversationId}/turns`,
      headers: {},
      runs: 80,
      body: hostileBody({ text: nastyText(2100) }, 'text'),
    },
    {
      name: 'POST /v1/admin/compliance/check',
      method: 'post',
      path: () => '/v1/admin/compliance/check',
      headers: viewer,
      runs: 120,
      body: hostileBody({ text: nastyText(3000), direction: fc.constantFrom('input', 'output') }, 'text'),
    },
    {
      name: 'POST /v1/admin/intents/classify',
      method: 'post',
      path: () => '/v1/admin/intents/classify',
      headers: viewer,
      runs: 100,
      body: hostileBody({ text: nastyText(1100) }, 'text'),
    },
    {
      name: 'POST /v1/admin/scripts/match',
      method: 'post',
      path: () => '/v1/admin/scripts/match',
      headers: viewer,
      runs: 100,
      body: hostileBody(
        {
          text: nastyText(2000),
          k: fc.integer({ min: -5, max: 100 }),
          version: fc.oneof(fc.constant('draft'), fc.integer()),
        },
        'text',
      ),
    },
    {
      name: 'PUT /v1/admin/campaigns/fuzz',
      method: 'put',
      path: () => '/v1/admin/campaigns/fuzz',
      headers: admin,
      runs: 100,
      body: hostileBody(
        {
          name: nastyText(300),
          language: fc.constantFrom('zh', 'en', 'xx'),
          slots: fc.dictionary(nastyText(20), nastyText(200), { maxKeys: 4 }),
          transferTarget: nastyText(100),
          openingScriptId: fc.constantFrom('zh-opening', 'nope'),
          generator: fc.jsonValue({ maxDepth: 3 }),
        },
        'name',
      ),
    },
    {
      name: 'POST /v1/telephony/events',
      method: 'post',
      path: () => '/v1/telephony/events',
      headers: {},
      runs: 100,
      body: hostileBody(
        {
          callId: fc.oneof(fc.constantFrom('fuzz-call-1', 'fuzz-call-2'), nastyText(80)),
          eventId: nastyText(80),
          event: wrongTypes({
            type: fc.constantFrom('start', 'user_text', 'barge_in', 'dtmf', 'no_input', 'hangup', 'transfer_result'),
            text: nastyText(2100),
            campaignId: fc.constantFrom('default', 'nope'),
            phone: fc.constantFrom('+8613812345678', 'x'),
            digits: fc.constantFrom('0', '12#', 'zz'),
            final: fc.boolean(),
            confidence: fc.double(),
            count: fc.integer(),
            heard: nastyText(200),
            status: fc.constantFrom('answered', 'failed'),
            metadata: fc.dictionary(nastyText(10), nastyText(40), { maxKeys: 3 }),
          }),
        },
        'callId',
      ),
    },
  ];

  it.each(cases().map((c) => [c.name, c] as const))('%s: never a 5xx, always the binding error body', async (_n, c) => {
    await assertProperty(
      fc.asyncProperty(c.body, async (raw) => {
        tried[c.name] = (tried[c.name] ?? 0) + 1;
        const res = await send(c, c.path(), raw);
        if (res.status === 409 && c.name.includes('turns')) {
          // The conversation ended (e.g. a hangup intent): carry on with a fresh one.
          conversationId = (await request(gw.url).post('/v1/conversations').send({}).expect(201)).body.conversationId;
        }
        checkResponse(c.name, res);
      }),
      { seed: SEED, numRuns: c.runs, endOnFailure: true },
    );
  });

  it('path and query parameters: never a 5xx, always the binding error body', async () => {
    await assertProperty(
      fc.asyncProperty(
        fc.oneof(nastyText(300).map(percentEncode), fc.uint8Array({ minLength: 1, maxLength: 60 }).map(percentEncode)),
        fc.constantFrom('turns', 'end', ''),
        async (id, tail) => {
          tried.params = (tried.params ?? 0) + 1;
          const path = `/v1/conversations/${id}${tail ? `/${tail}` : ''}`;
          const res = tail ? await request(gw.url).post(path).send({ text: 'hi' }) : await request(gw.url).get(path);
          checkResponse(path, res);
          const q = await request(gw.url)
            .post(`/v1/admin/scripts/match?campaign=${id}`)
            .set(viewer)
            .send({ text: '多少钱' });
          checkResponse('match ?campaign', q);
          const s = await request(gw.url).get(`/v1/admin/scripts/${id}`).set(viewer);
          checkResponse('GET script', s);
        },
      ),
      { seed: SEED, numRuns: 60, endOnFailure: true },
    );
  });

  it('headers: never a 5xx, always the binding error body, a hostile request id never echoed', async () => {
    // Header values a client can put on the wire: visible ASCII and Latin-1, tabs, very long values.
    const headerValue = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 }),
      fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 50 }),
      fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'r'.repeat(n)),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic', 'application/json; charset=latin1', 'application/json\tx'),
    );
    await assertProperty(
      fc.asyncProperty(
        fc.record(
          {
            'x-request-id': headerValue,
            authorization: headerValue,
            'content-type': headerValue,
            'accept-language': headerValue,
            'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x'),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom('/v1/conversations', '/v1/admin/compliance/check', '/v1/telephony/events'),
        async (headers, path) => {
          tried.headers = (tried.headers ?? 0) + 1;
          const res = await request(gw.url).post(path).set(headers).send('{"text":"多少钱","direction":"input"}');
          checkResponse(`${path} ${JSON.stringify(Object.keys(headers))}`, res);
          const echoed = res.headers['x-request-id'];
          const sent = headers['x-request-id'];
          if (sent !== undefined && echoed === sent && !/^[A-Za-z0-9._-]{1,128}$/.test(sent)) {
            throw new Error(`unsafe request id echoed: ${JSON.stringify(sent.slice(0, 80))}`);
          }
        },
      ),
      { seed: SEED, numRuns: 80, endOnFailure: true },
    );
  });

  it('a successful turn always speaks a library script, prompt injection included', async () => {
    const campaign = (await request(gw.url).get('/v1/admin/campaigns/default').set(viewer).expect(200)).body as {
      slots: Record<string, string>;
    };
    const scriptText = new Map<string, string>();
    const libraryText = async (scriptId: string, version: number): Promise<string> => {
      const key = `${version}:${scriptId}`;
      if (!scriptText.has(key)) {
        const res = await request(gw.url)
          .get(`/v1/admin/scripts/${encodeURIComponent(scriptId)}?version=${version}`)
          .set(viewer);
        if (res.status !== 200)
          throw new Error(`reply script ${scriptId} v${version} is not in the library (${res.status})`);
        scriptText.set(key, (res.body as { text: string }).text);
      }
      return scriptText.get(key)!;
    };
    let answered = 0;
    await assertProperty(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...PROMPT_INJECTIONS),
          nastyText(500).filter((t) => /\S/.test(t)),
        ),
        async (text) => {
          tried.injection = (tried.injection ?? 0) + 1;
          const c = (await request(gw.url).post('/v1/conversations').send({}).expect(201)).body.conversationId;
          const res = await request(gw.url).post(`/v1/conversations/${c}/turns`).send({ text });
          checkResponse('turn', res);
          if (res.status !== 200) return;
          answered += 1;
          const reply = (res.body as { reply: { text: string; scriptId: string; libraryVersion: number } }).reply;
          const expected = fillSlots(await libraryText(reply.scriptId, reply.libraryVersion), campaign.slots).text;
          if (reply.text !== expected) {
            throw new Error(`reply is not library script ${reply.scriptId}: ${JSON.stringify(reply.text)}`);
          }
        },
      ),
      { seed: SEED, numRuns: 60, endOnFailure: true, examples: PROMPT_INJECTIONS.map((t): [string] => [t]) },
    );
    // Most hostile-but-valid texts are answered, so the property above is not vacuous.
    expect(answered).toBeGreaterThanOrEqual(40);
  });

  it('still answers afterwards', async () => {
    await request(gw.url).get('/health/live').expect(200);
    await request(gw.url).get('/health/ready').expect(200);
  });
});
