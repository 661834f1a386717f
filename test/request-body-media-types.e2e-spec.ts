// Which bodies each route takes (README "Errors"). Routes take JSON, except Twilio's voice webhook
// (form-encoded) and the script import (a JSON array, or JSON Lines as text): any other Content-Type
// is 415 UNSUPPORTED_MEDIA_TYPE with the binding body, decided from the header before the body is
// read and before credentials are checked. An empty body sent as application/json is no body: a
// route without a body works and the guards answer as they would without the header; a route that
// needs one fails its validation (400 VALIDATION_FAILED), after the guards.
import request from 'supertest';
import twilio from 'twilio';
import { ADMIN_KEY, EDITOR_KEY, VIEWER_KEY } from './support/boot.js';
import { createLanguageCampaign } from './support/dialogue.js';
import { expectError } from './support/errors.js';
import { PUBLIC_BASE, TELEPHONY_ENV } from './support/telephony-env.js';
import { gatewayForSuite } from './support/suite.js';

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const CAMPAIGN = 'bodies';

describe('request bodies: media types per route, empty JSON is no body', () => {
  let conversationId: string;

  const gw = gatewayForSuite('bodies', TELEPHONY_ENV);
  beforeAll(async () => {
    await createLanguageCampaign(gw.url, 'zh', 'default');
    conversationId = (await request(gw.url).post('/v1/conversations').send({}).expect(201)).body.conversationId;
  });

  const turns = () => `/v1/conversations/${conversationId}/turns`;

  describe('JSON routes answer 415 to other media types', () => {
    /** [label, method, path, credentials, a body the route would take as JSON, written as a form]. */
    const routes: [string, 'post' | 'put', () => string, Record<string, string>, string][] = [
      ['chat turn', 'post', turns, {}, 'text=月费多少钱'],
      [
        'script create',
        'post',
        () => `/v1/admin/scripts?campaign=${CAMPAIGN}`,
        as(EDITOR_KEY),
        'id=form1&text=form+script',
      ],
      ['compliance check', 'post', () => '/v1/admin/compliance/check', as(VIEWER_KEY), 'text=保本保息&direction=input'],
      ['rollback', 'post', () => `/v1/admin/scripts/rollback?campaign=${CAMPAIGN}`, as(ADMIN_KEY), 'version=1'],
    ];

    it.each(routes)('%s: form-encoded, text/plain and XML → 415', async (_label, method, path, auth, form) => {
      for (const [type, body] of [
        [FORM, form],
        ['text/plain', '月费多少钱'],
        ['text/plain; charset=utf-8', '{"text":"月费多少钱"}'],
        ['application/xml', '<text>月费多少钱</text>'],
      ]) {
        const res = await request(gw.url)[method](path()).set(auth).set('content-type', type).send(body);
        expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
        expect(res.body.error.details).toEqual([{ field: 'content-type', accepted: [JSON_TYPE] }]);
      }
    });

    it('writes nothing: the form-encoded script was not created', async () => {
      await request(gw.url)
        .post(`/v1/admin/scripts?campaign=${CAMPAIGN}`)
        .set(as(EDITOR_KEY))
        .type('form')
        .send({ id: 'form1', text: 'form script' })
        .expect(415);
      expectError(
        await request(gw.url).get(`/v1/admin/scripts/form1?campaign=${CAMPAIGN}`).set(as(VIEWER_KEY)),
        404,
        'NOT_FOUND',
      );
    });

    it('JSON with parameters and in any letter case is JSON', async () => {
      const res = await request(gw.url)
        .post('/v1/admin/compliance/check')
        .set(as(VIEWER_KEY))
        .set('content-type', 'Application/JSON; Charset=UTF-8')
        .send(JSON.stringify({ text: 'hi', direction: 'input' }))
        .expect(200);
      expect(res.body.verdict).toBe('allow');
    });

    it('the media type is checked before credentials: 415 without a key, as 413 and malformed JSON are', async () => {
      expectError(
        await request(gw.url).post('/v1/admin/compliance/check').type('form').send({ text: 'x' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(
        await request(gw.url).post('/v1/admin/compliance/check').send({ text: 'x', direction: 'input' }),
        401,
        'UNAUTHORIZED',
      );
    });
  });

  describe('routes that take other media types', () => {
    const VOICE = '/v1/telephony/twilio/voice';
    const twilioBody = {
      AccountSid: 'AC' + '0'.repeat(32),
      CallSid: 'CA' + 'e'.repeat(32),
      From: '+8613800000309',
      To: '+861058880000',
      Direction: 'inbound',
      CallStatus: 'ringing',
    };
    const signature = (query: string) =>
      twilio.getExpectedTwilioSignature(TELEPHONY_ENV.TWILIO_AUTH_TOKEN, `${PUBLIC_BASE}${VOICE}${query}`, twilioBody);

    it("Twilio's voice webhook takes its signed form, and refuses JSON with 415", async () => {
      const q = '?campaign=default';
      const greet = await request(gw.url)
        .post(`${VOICE}${q}`)
        .set('x-twilio-signature', signature(q))
        .type('form')
        .send(twilioBody)
        .expect(200);
      expect(greet.headers['content-type']).toMatch(/text\/xml/);
      expect(greet.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Gather /);
      const json = await request(gw.url).post(`${VOICE}${q}`).set('x-twilio-signature', signature(q)).send(twilioBody);
      expectError(json, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(json.body.error.details).toEqual([{ field: 'content-type', accepted: [FORM] }]);
    });

    it('the script import takes a JSON array and JSON Lines under each of its names, not a form', async () => {
      const importAs = (type: string, body: string) =>
        request(gw.url)
          .post(`/v1/admin/scripts/import?campaign=${CAMPAIGN}`)
          .set(as(EDITOR_KEY))
          .set('content-type', type)
          .send(body);
      const line = (id: string) => JSON.stringify({ id, text: `Script ${id} about the broadband bundle.` });
      const types = [
        'application/x-ndjson',
        'application/jsonl',
        'application/x-jsonlines',
        'text/plain',
        'text/plain; charset=utf-8',
      ];
      for (const [i, type] of types.entries()) {
        const res = await importAs(type, `${line(`jl-${i}a`)}\n${line(`jl-${i}b`)}\n`).expect(200);
        expect(res.body).toMatchObject({ created: 2 });
      }
      const array = await importAs(JSON_TYPE, `[${line('arr-1')}]`).expect(200);
      expect(array.body).toMatchObject({ created: 1 });
      const form = await importAs(FORM, 'id=f&text=form');
      expectError(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(form.body.error.details[0].accepted).toEqual([JSON_TYPE, ...types.filter((t) => !t.includes(';'))]);
    });
  });

  describe('an empty body sent as application/json is no body', () => {
    /** A request with `Content-Type: application/json` and nothing after the headers. */
    const empty = (method: 'post' | 'delete', path: string, headers: Record<string, string> = {}) =>
      request(gw.url)[method](path).set(headers).set('content-type', JSON_TYPE);

    it('DELETE a script: 401 without a key, 403 for a viewer, 204 for an editor', async () => {
      await request(gw.url)
        .post(`/v1/admin/scripts?campaign=${CAMPAIGN}`)
        .set(as(EDITOR_KEY))
        .send({ id: 'empty-body-delete', text: 'A script to delete with an empty JSON body.' })
        .expect(201);
      const path = `/v1/admin/scripts/empty-body-delete?campaign=${CAMPAIGN}`;
      expectError(await empty('delete', path), 401, 'UNAUTHORIZED');
      expectError(await empty('delete', path, as(VIEWER_KEY)), 403, 'FORBIDDEN');
      await empty('delete', path, as(EDITOR_KEY)).expect(204);
      await request(gw.url).get(path).set(as(VIEWER_KEY)).expect(404);
    });

    it('publish: 401 without a key, 403 for an editor, 201 for an admin', async () => {
      await request(gw.url)
        .post(`/v1/admin/scripts?campaign=${CAMPAIGN}`)
        .set(as(EDITOR_KEY))
        // A catch-all fallback: what the draft needs to be publishable.
        .send({ id: 'empty-body-publish', text: 'Sorry, could you say that again?', fallback: true })
        .expect(201);
      const path = `/v1/admin/scripts/publish?campaign=${CAMPAIGN}`;
      expectError(await empty('post', path), 401, 'UNAUTHORIZED');
      expectError(await empty('post', path, as(EDITOR_KEY)), 403, 'FORBIDDEN');
      const res = await empty('post', path, as(ADMIN_KEY)).expect(201);
      expect(res.body.version).toBeGreaterThanOrEqual(1);
    });

    it('a route that needs a body: 401 first, then 400 VALIDATION_FAILED naming the missing field', async () => {
      expectError(await empty('post', '/v1/admin/compliance/check'), 401, 'UNAUTHORIZED');
      const check = await empty('post', '/v1/admin/compliance/check', as(VIEWER_KEY));
      expectError(check, 400, 'VALIDATION_FAILED');
      expect(check.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'text' })]));
      const turn = await empty('post', turns());
      expectError(turn, 400, 'VALIDATION_FAILED');
      expect(turn.body.error.details).toEqual([expect.objectContaining({ field: 'text' })]);
    });

    it('start and end a conversation', async () => {
      const started = await empty('post', '/v1/conversations').expect(201);
      const id = started.body.conversationId as string;
      const ended = await empty('post', `/v1/conversations/${id}/end`).expect(200);
      expect(ended.body).toMatchObject({ conversationId: id, status: 'ended' });
    });

    it('everything else the JSON parser refuses is still refused: whitespace, prototype keys, deep nesting', async () => {
      const post = (body: string) => empty('post', turns()).send(body);
      expectError(await post(' '), 400, 'MALFORMED_BODY');
      expectError(await post('{"text":"hi","__proto__":{"admin":true}}'), 400, 'MALFORMED_BODY');
      expectError(await post('{"text":"hi","constructor":{"prototype":{"admin":true}}}'), 400, 'MALFORMED_BODY');
      expectError(await post('{"text":' + '['.repeat(40) + ']'.repeat(40) + '}'), 400, 'VALIDATION_FAILED');
    });
  });
});
