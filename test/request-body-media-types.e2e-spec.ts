// An empty body sent as application/json is no body (README "Errors"): a route without a body works
// and the guards answer as they would without the header; a route that needs one fails its
// validation (400 VALIDATION_FAILED), after the guards. Everything else the JSON parser refuses is
// still refused.
import request from 'supertest';
import { ADMIN_KEY, bootGateway, EDITOR_KEY, VIEWER_KEY, type Booted } from './support/boot.js';
import { createLanguageCampaign } from './support/dialogue.js';
import { expectErrorBody } from './support/errors.js';

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const JSON_TYPE = 'application/json';
const CAMPAIGN = 'bodies';

const expectError = (res: request.Response, status: number, code: string): void => {
  expect(res.status).toBe(status);
  expectErrorBody(res.body, code);
};

describe('request bodies: empty JSON is no body', () => {
  let gw: Booted;
  let conversationId: string;

  beforeAll(async () => {
    gw = await bootGateway('bodies', { GENERATOR_MODE: 'inprocess' });
    await createLanguageCampaign(gw.url, 'zh', 'default');
    conversationId = (await request(gw.url).post('/v1/conversations').send({}).expect(201)).body.conversationId;
  });
  afterAll(async () => gw.close());

  const turns = () => `/v1/conversations/${conversationId}/turns`;

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
        .send({ id: 'empty-body-publish', text: 'A script so that the draft has something to publish.' })
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
