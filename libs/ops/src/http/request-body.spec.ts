import Fastify, { type FastifyInstance } from 'fastify';
import request from 'supertest';
import { toErrorBody, type ErrorBody } from './error-body.js';
import { emptyAsUndefinedJsonParser, installRouteBodyConfig, MEDIA_TYPES } from './request-body.js';

interface Served {
  close(): Promise<void>;
  /**
   * One request over HTTP with supertest, as in the e2e specs: Fastify's inject loads an ESM-only
   * module Jest cannot require here, and fetch's keep-alive pool kept a Jest worker from exiting.
   */
  post(url: string, type: string, body?: string, method?: 'GET' | 'POST'): Promise<{ status: number; body: unknown }>;
}

/** A bare Fastify with the JSON parser, a form parser, the check and the binding error body. */
async function serve(register: (f: FastifyInstance) => void): Promise<Served> {
  const f = Fastify();
  f.removeContentTypeParser('application/json');
  f.addContentTypeParser(MEDIA_TYPES.json, { parseAs: 'buffer' }, emptyAsUndefinedJsonParser(f));
  f.addContentTypeParser(MEDIA_TYPES.form, { parseAs: 'string' }, (_req, body, done) => done(null, { form: body }));
  f.setErrorHandler((err, request, reply) => {
    const { status, body } = toErrorBody(err, String(request.id));
    void reply.status(status).send(body);
  });
  installRouteBodyConfig(f);
  register(f);
  const base = await f.listen({ port: 0, host: '127.0.0.1' });
  return {
    close: () => f.close(),
    post: async (url, type, body, method = 'POST') => {
      const res = await request(base)[method === 'GET' ? 'get' : 'post'](url).set('content-type', type).send(body);
      return { status: res.status, body: res.body as unknown };
    },
  };
}

/** A route answering with the body it got (`"none"` for undefined). */
const echo = (f: FastifyInstance, url: string, config?: object) =>
  f.route({ method: 'POST', url, config, handler: (req, reply) => reply.send({ body: req.body ?? 'none' }) });

const codeOf = (body: unknown): string => (body as ErrorBody).error.code;

describe('emptyAsUndefinedJsonParser', () => {
  let app: Served;
  beforeAll(async () => {
    app = await serve((f) => echo(f, '/e'));
  });
  afterAll(async () => app.close());

  it('parses JSON, and an empty body is no body', async () => {
    expect((await app.post('/e', MEDIA_TYPES.json, '{"a":1}')).body).toEqual({ body: { a: 1 } });
    expect((await app.post('/e', MEDIA_TYPES.json, '')).body).toEqual({ body: 'none' });
    expect((await app.post('/e', MEDIA_TYPES.json)).body).toEqual({ body: 'none' });
  });

  it('still refuses whitespace, broken JSON and prototype keys', async () => {
    for (const body of [' ', '{"a":', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}']) {
      const res = await app.post('/e', MEDIA_TYPES.json, body);
      expect([res.status, codeOf(res.body)]).toEqual([400, 'MALFORMED_BODY']);
    }
  });
});

describe('installRouteBodyConfig', () => {
  let app: Served;
  beforeAll(async () => {
    app = await serve((f) => {
      echo(f, '/json');
      echo(f, '/form', { bodyTypes: [MEDIA_TYPES.form] });
      f.get('/get', (_req, reply) => reply.send({ ok: true }));
    });
  });
  afterAll(async () => app.close());

  it('takes JSON only unless the route config names other types', async () => {
    expect((await app.post('/json', 'Application/JSON; charset=utf-8', '{"a":1}')).body).toEqual({ body: { a: 1 } });
    expect((await app.post('/form', MEDIA_TYPES.form, 'a=1')).body).toEqual({ body: { form: 'a=1' } });
    expect((await app.post('/form', MEDIA_TYPES.json, '{}')).status).toBe(415);
  });

  it('answers 415 with the binding body listing the accepted types', async () => {
    const form = await app.post('/json', MEDIA_TYPES.form, 'a=1');
    expect(form.status).toBe(415);
    expect(form.body).toEqual({
      error: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'application/x-www-form-urlencoded is not accepted here; send application/json',
        details: [{ field: 'content-type', accepted: [MEDIA_TYPES.json] }],
        requestId: expect.any(String),
      },
    });
    // Not a media type at all.
    expect(codeOf((await app.post('/json', 'json', '{}')).body)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('leaves routes without a body alone', async () => {
    expect((await app.post('/get', MEDIA_TYPES.form, undefined, 'GET')).body).toEqual({ ok: true });
  });

  it('refuses at start-up a route naming a type nothing parses', async () => {
    await expect(serve((f) => echo(f, '/xml', { bodyTypes: ['application/xml'] }))).rejects.toThrow(
      '/xml: body type application/xml has no content type parser',
    );
  });
});
