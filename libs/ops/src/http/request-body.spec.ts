import Fastify, { type FastifyInstance } from 'fastify';
import { toErrorBody, type ErrorBody } from './error-body.js';
import { emptyAsUndefinedJsonParser, MEDIA_TYPES } from './request-body.js';

interface Served {
  close(): Promise<void>;
  /** One request over HTTP (Fastify's inject loads an ESM-only module that Jest cannot require here). */
  post(url: string, type: string, body?: string): Promise<{ status: number; body: unknown }>;
}

/** A bare Fastify with the JSON parser and the binding error body. */
async function serve(register: (f: FastifyInstance) => void): Promise<Served> {
  const f = Fastify();
  f.removeContentTypeParser('application/json');
  f.addContentTypeParser(MEDIA_TYPES.json, { parseAs: 'buffer' }, emptyAsUndefinedJsonParser(f));
  f.setErrorHandler((err, request, reply) => {
    const { status, body } = toErrorBody(err, String(request.id));
    void reply.status(status).send(body);
  });
  register(f);
  const base = await f.listen({ port: 0, host: '127.0.0.1' });
  return {
    close: () => f.close(),
    post: async (url, type, body) => {
      const res = await fetch(base + url, { method: 'POST', headers: { 'content-type': type }, body });
      return { status: res.status, body: await res.json() };
    },
  };
}

/** A route answering with the body it got (`"none"` for undefined). */
const echo = (f: FastifyInstance, url: string) =>
  f.route({ method: 'POST', url, handler: (req, reply) => reply.send({ body: req.body ?? 'none' }) });

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
