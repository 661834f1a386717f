// Scenario: an operator points a probe and Prometheus at /health and /metrics, and an integrator
// checks the telephony platform routes (AudioCodes Bot API, Twilio webhooks, Genesys Bot Connector)
// against /docs-json. Real responses at every status the document names for them must match it: JSON
// bodies the schema (undocumented fields refused), TwiML and the Prometheus text the documented
// media type with a body; 500 and 503 provoked with a Redis that refuses keys and then is stopped.
// Every route/status pair the document names for these paths must be seen here, except the 409s only
// a concurrent delivery of a call's start answers (listed below).
// Real gateway, Redis, models and index; no LLM (retrieval generator).
import type { Response } from 'supertest';
import twilio from 'twilio';
import {
  checkedRequest,
  checkStorageFailures,
  loadDocument,
  type DocumentedRequest,
  type DocumentedResponses,
  routeOf,
  type Method,
} from './support/openapi.js';
import { gatewayForSuite } from './support/suite.js';
import { AUDIOCODES_AUTH, GENESYS_AUTH, PUBLIC_BASE, TELEPHONY_ENV } from './support/telephony-env.js';

const AC = '/v1/telephony/audiocodes';
const AC_CALL = `${AC}/conversations/{id}`;
const TWILIO = '/v1/telephony/twilio/voice';
const GENESYS = '/v1/telephony/genesys';
const EVENTS = '/v1/telephony/events';
/** What this spec checks: operations and the platform routes (the generic events are the admin spec's). */
const PLATFORM = (path: string): boolean =>
  path.startsWith('/health/') || path === '/metrics' || (path.startsWith('/v1/telephony/') && path !== EVENTS);

/** Documented pairs only a concurrent delivery of a call's start answers (ErrorBodyDto, checked at every other status). */
const ONLY_UNDER_RACE = [`POST ${AC_CALL}/activities 409`, `POST ${TWILIO} 409`];

/** A Twilio voice webhook's form for call `sid`, and its X-Twilio-Signature for `query`. */
function twilioWebhook(sid: string, params: Record<string, string> = {}, query = '') {
  const form = {
    AccountSid: 'AC' + '0'.repeat(32),
    CallSid: sid,
    From: '+8613800138401',
    Direction: 'inbound',
    ...params,
  };
  const signature = twilio.getExpectedTwilioSignature(
    TELEPHONY_ENV.TWILIO_AUTH_TOKEN,
    `${PUBLIC_BASE}${TWILIO}${query}`,
    form,
  );
  return { form, headers: { 'x-twilio-signature': signature } };
}

const FORM = 'application/x-www-form-urlencoded';
const genesysMessage = (botId: string, session: string, text: string) => ({
  botId,
  botSessionId: session,
  messageId: `${session}-${text.length}`,
  inputMessage: { type: 'Text', text },
});

describe('/health, /metrics and the telephony platform routes answer as /docs-json documents them', () => {
  const gw = gatewayForSuite('openapi-platform', TELEPHONY_ENV);
  let docs: DocumentedResponses;
  beforeAll(async () => {
    docs = await loadDocument(gw);
  });

  const call = (method: Method, path: string, status: number, req?: DocumentedRequest): Promise<Response> =>
    checkedRequest(gw.url, docs, method, path, status, req);
  const big = (): { text: string } => ({ text: 'x'.repeat(gw.config.http.bodyLimitBytes) });

  it('documents each success with its body: a schema for JSON, TwiML and the Prometheus text by media type', () => {
    for (const pair of docs.documented(PLATFORM)) {
      const { method, path, status } = routeOf(pair);
      if (status !== '200') continue;
      const types = docs.mediaTypes(method, path, 200);
      expect({ pair, types }).toEqual({ pair, types: [expect.any(String)] });
      if (types[0] === 'application/json') expect(() => docs.validator(method, path, 200)).not.toThrow();
    }
    expect(docs.mediaTypes('post', TWILIO, 200)).toEqual(['text/xml']);
    // The indicators are closed too: an unnamed one, or an unnamed field of one, fails.
    const validate = docs.validator('get', '/health/ready', 200);
    expect(validate({ status: 'ok', info: {}, error: {}, details: { redis: { status: 'up', extra: 1 } } })).toBe(false);
    expect(validate({ status: 'ok', info: {}, error: {}, details: { queue: { status: 'up' } } })).toBe(false);
    // Fields an indicator reports only after an event this spec does not cause (a data loss or rollback,
    // a data check that fails).
    const redisData = {
      status: 'up',
      lastLossAt: '2026-01-01T00:00:00.000Z',
      lastRollbackAt: '2026-01-02T00:00:00.000Z',
      checkError: 'data check failed: WRONGTYPE Operation against a key holding the wrong kind of value',
    };
    expect(validate({ status: 'ok', info: { redisData }, error: {}, details: { redisData } })).toBe(true);
  });

  it('/health/live, /health/ready (every indicator documented) and /metrics', async () => {
    await call('get', '/health/live', 200);
    const ready = await call('get', '/health/ready', 200);
    expect(Object.keys((ready.body as { details: object }).details)).toEqual(
      expect.arrayContaining(['redis', 'redisData', 'redisEvictionPolicy', 'intent-model', 'embedder', 'scriptIndex']),
    );
    const metrics = await call('get', '/metrics', 200);
    expect(metrics.text).toMatch(/^# HELP /m);
  });

  it('AudioCodes Bot API: health probe, create, activities, refresh, disconnect and their errors', async () => {
    const auth = AUDIOCODES_AUTH;
    await call('get', AC, 200, { headers: auth });
    const conv = 'openapi-ac-1';
    await call('post', AC, 200, { url: `${AC}?campaign=default`, headers: auth, body: { conversation: conv } });
    await call('post', AC, 404, { url: `${AC}?campaign=openapi-none`, headers: auth, body: { conversation: 'x' } });
    await call('post', AC, 400, { headers: auth, body: {} });
    await call('post', AC, 413, { headers: auth, body: big() });
    await call('post', AC, 415, { headers: auth, type: 'text/plain', body: 'hi' });

    const activities = `${AC_CALL}/activities`;
    const url = (what: string) => `${AC}/conversations/${conv}/${what}`;
    const act = (id: string, a: Record<string, unknown>) => ({ conversation: conv, activities: [{ id, ...a }] });
    const started = await call('post', activities, 200, {
      url: url('activities'),
      headers: auth,
      body: act('a1', { type: 'event', name: 'start', parameters: { caller: '+8613800138402' } }),
    });
    expect((started.body as { activities: { type: string }[] }).activities[0]).toMatchObject({ type: 'message' });
    await call('post', activities, 200, {
      url: url('activities'),
      headers: auth,
      body: act('a2', { type: 'event', name: 'DTMF', value: '5' }),
    });
    const bought = await call('post', activities, 200, {
      url: url('activities'),
      headers: auth,
      body: act('a3', { type: 'message', text: '那就办吧' }),
    });
    expect((bought.body as { activities: { name?: string }[] }).activities.map((a) => a.name)).toContain('transfer');
    await call('post', activities, 400, { url: url('activities'), headers: auth, body: { activities: 'none' } });
    await call('post', activities, 404, {
      url: `${AC}/conversations/openapi-never/activities`,
      headers: auth,
      body: { activities: [] },
    });
    await call('post', activities, 413, { url: url('activities'), headers: auth, body: big() });
    await call('post', activities, 415, { url: url('activities'), headers: auth, type: 'text/plain', body: 'hi' });

    for (const what of ['refresh', 'disconnect']) {
      const path = `${AC_CALL}/${what}`;
      await call('post', path, 400, { url: url(what), headers: auth, body: { conversation: 5 } });
      await call('post', path, 413, { url: url(what), headers: auth, body: big() });
      await call('post', path, 415, { url: url(what), headers: auth, type: 'text/plain', body: 'hi' });
      await call('post', path, 404, { url: `${AC}/conversations/openapi-never/${what}`, headers: auth, body: {} });
      await call('post', path, 200, { url: url(what), headers: auth, body: { conversation: conv } });
    }
  });

  it('Twilio voice webhook: TwiML for a new call and a turn; the errors', async () => {
    const sid = 'CA' + '4'.repeat(32);
    const first = twilioWebhook(sid, {}, '?campaign=default');
    const greeting = await call('post', TWILIO, 200, {
      url: `${TWILIO}?campaign=default`,
      headers: first.headers,
      type: FORM,
      body: first.form,
    });
    expect(greeting.text).toContain('<Gather');
    const turn = twilioWebhook(sid, { SpeechResult: '一个月多少钱', Confidence: '0.9' }, '?campaign=default');
    await call('post', TWILIO, 200, {
      url: `${TWILIO}?campaign=default`,
      headers: turn.headers,
      type: FORM,
      body: turn.form,
    });

    const noCampaign = twilioWebhook('CA' + '5'.repeat(32), {}, '?campaign=openapi-none');
    await call('post', TWILIO, 404, {
      url: `${TWILIO}?campaign=openapi-none`,
      headers: noCampaign.headers,
      type: FORM,
      body: noCampaign.form,
    });
    const badSid = twilioWebhook('not-a-call-sid');
    await call('post', TWILIO, 400, { headers: badSid.headers, type: FORM, body: badSid.form });
    await call('post', TWILIO, 403, { type: FORM, body: first.form });
    await call('post', TWILIO, 413, { headers: first.headers, type: FORM, body: { CallSid: sid, ...big() } });
    await call('post', TWILIO, 415, { headers: first.headers, body: first.form });
  });

  it('Genesys Bot Connector: bots, one bot, messages (MoreData, Failed) and the errors', async () => {
    const auth = GENESYS_AUTH;
    await call('get', `${GENESYS}/bots`, 200, { headers: auth });
    await call('get', `${GENESYS}/bots/{botId}`, 200, { url: `${GENESYS}/bots/default`, headers: auth });
    await call('get', `${GENESYS}/bots/{botId}`, 404, { url: `${GENESYS}/bots/openapi-none`, headers: auth });
    const messages = `${GENESYS}/messages`;
    const more = await call('post', messages, 200, {
      headers: auth,
      body: genesysMessage('default', 'openapi-g1', '你好'),
    });
    expect(more.body).toMatchObject({ botState: 'MoreData' });
    const failed = await call('post', messages, 200, {
      headers: auth,
      body: genesysMessage('openapi-none', 'openapi-g2', '你好'),
    });
    expect(failed.body).toMatchObject({ botState: 'Failed', errorInfo: { errorCode: 'UnknownBot' } });
    await call('post', messages, 400, { headers: auth, body: { botId: 'default' } });
    await call('post', messages, 413, { headers: auth, body: big() });
    await call('post', messages, 415, { headers: auth, type: 'text/plain', body: 'hi' });
  });

  it('401 without the AudioCodes token and 403 without the Genesys secret, on each of their routes', async () => {
    for (const pair of docs.documented(PLATFORM)) {
      const { method, path, status } = routeOf(pair);
      if (status !== '401' && !(status === '403' && path.startsWith(GENESYS))) continue;
      const url = path.replace('{id}', 'openapi-ac-1').replace('{botId}', 'default');
      await call(method, path, Number(status), { url, body: method === 'post' ? {} : undefined });
    }
  });

  it('500 while Redis refuses every key, 503 while it is down (readiness too), wherever documented', async () => {
    const ac = { headers: AUDIOCODES_AUTH };
    const webhook = twilioWebhook('CA' + '6'.repeat(32));
    await checkStorageFailures(
      docs,
      PLATFORM,
      {
        'GET /health/ready': { statuses: [503] },
        [`POST ${AC}`]: { ...ac, body: { conversation: 'openapi-ac-storage' } },
        [`POST ${AC_CALL}/activities`]: { ...ac, url: `${AC}/conversations/x/activities`, body: { activities: [] } },
        [`POST ${AC_CALL}/refresh`]: { ...ac, url: `${AC}/conversations/x/refresh`, body: {} },
        [`POST ${AC_CALL}/disconnect`]: { ...ac, url: `${AC}/conversations/x/disconnect`, body: {} },
        [`POST ${TWILIO}`]: { headers: webhook.headers, type: FORM, body: webhook.form },
        [`GET ${GENESYS}/bots`]: { headers: GENESYS_AUTH },
        [`GET ${GENESYS}/bots/{botId}`]: { url: `${GENESYS}/bots/default`, headers: GENESYS_AUTH },
      },
      TELEPHONY_ENV,
    );
  });

  // Last in the block: it sums up what the tests above checked.
  it('checked every documented operations and platform route at each status it documents', () => {
    docs.expectEverySeen(PLATFORM, ONLY_UNDER_RACE);
  });
});
