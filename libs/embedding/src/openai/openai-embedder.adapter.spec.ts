import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dot } from '../managed-embedder.js';
import { OpenAiEmbedderAdapter, type OpenAiEmbedderOptions } from './openai-embedder.adapter.js';

/**
 * A local server speaking the OpenAI `POST /v1/embeddings` protocol
 * (https://platform.openai.com/docs/api-reference/embeddings/create), with switchable faults.
 */
type Mode =
  'ok' | 'slow' | 'flaky' | 'down' | 'unauthorized' | 'wrong-count' | 'bad-value' | 'wrong-dim' | 'not-json' | 'stall';

interface Seen {
  auth?: string;
  body: { model: string; input: string[]; encoding_format?: string };
}

/** A deterministic 3-d vector per text, not unit length (the adapter must normalise). */
const vectorOf = (t: string): number[] => [t.length + 1, [...t].reduce((s, c) => s + c.codePointAt(0)!, 0) % 97, 3];

describe('OpenAiEmbedderAdapter against a local /v1/embeddings server', () => {
  let server: Server;
  let baseUrl: string;
  let mode: Mode = 'ok';
  let failuresLeft = 0;
  let seen: Seen[] = [];
  const adapters: OpenAiEmbedderAdapter[] = [];

  const respond = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    if (req.method !== 'POST' || req.url !== '/v1/embeddings')
      return respond(res, 404, { error: { message: 'not found' } });
    const body = JSON.parse(raw) as Seen['body'];
    seen.push({ auth: req.headers.authorization, body });
    const data = body.input.map((t, index) => ({ object: 'embedding', index, embedding: vectorOf(t) }));
    // Real servers may answer out of order; `index` says where each vector belongs.
    const ok = {
      object: 'list',
      model: body.model,
      data: [...data].reverse(),
      usage: { prompt_tokens: 1, total_tokens: 1 },
    };
    switch (mode) {
      case 'ok':
        return respond(res, 200, ok);
      case 'slow':
        setTimeout(() => respond(res, 200, ok), 1500).unref();
        return;
      case 'flaky':
        if (failuresLeft-- > 0)
          return respond(res, 500, { error: { message: 'overloaded' } }, { 'retry-after-ms': '5' });
        return respond(res, 200, ok);
      case 'down':
        return respond(res, 503, { error: { message: 'model loading' } }, { 'retry-after-ms': '5' });
      case 'unauthorized':
        return respond(res, 401, { error: { message: 'bad key', type: 'invalid_request_error' } });
      case 'wrong-count':
        return respond(res, 200, { ...ok, data: data.slice(1) });
      case 'bad-value':
        return respond(res, 200, { ...ok, data: data.map((d) => ({ ...d, embedding: [1, 'x', 2] })) });
      case 'wrong-dim':
        return respond(res, 200, { ...ok, data: data.map((d) => ({ ...d, embedding: [1, 2, 3, 4] })) });
      case 'not-json':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>gateway</html>');
        return;
      case 'stall':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"object":"list","data":[');
        return;
    }
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => handle(req, res, raw));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.close()));
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  beforeEach(() => {
    mode = 'ok';
    seen = [];
  });

  const make = (o: Partial<OpenAiEmbedderOptions> = {}): OpenAiEmbedderAdapter => {
    const a = new OpenAiEmbedderAdapter({
      baseUrl,
      model: 'bge-m3',
      timeoutMs: 3000,
      maxRetries: 2,
      batchSize: 4,
      apiKey: 'sk-test',
      ...o,
    });
    adapters.push(a);
    return a;
  };

  it('probes the dimension at load, batches large inputs, keeps order and normalises', async () => {
    const a = make();
    await a.load();
    expect(a.dim).toBe(3);
    expect(a.modelId).toBe('openai:bge-m3:3');
    expect(a.status()).toMatchObject({ up: true, provider: 'openai', dim: 3 });
    seen = [];
    const texts = Array.from({ length: 10 }, (_, i) => `句子 ${i} sentence`);
    const out = await a.embed(texts);
    expect(seen.map((s) => s.body.input.length)).toEqual([4, 4, 2]);
    expect(
      seen.every((s) => s.auth === 'Bearer sk-test' && s.body.model === 'bge-m3' && s.body.encoding_format === 'float'),
    ).toBe(true);
    out.forEach((v, i) => {
      const want = vectorOf(texts[i]);
      const n = Math.hypot(...want);
      expect(dot(v, v)).toBeCloseTo(1, 5);
      want.forEach((x, k) => expect(v[k]).toBeCloseTo(x / n, 5));
    });
    expect(await a.embed([])).toEqual([]);
  });

  it('retries a failing server with backoff and then succeeds', async () => {
    const a = make({ dim: 3 });
    mode = 'flaky';
    failuresLeft = 2;
    const [v] = await a.embed(['hello']);
    expect(v).toHaveLength(3);
    expect(seen).toHaveLength(3);
  });

  it('gives up after the retries with a typed error, and readiness shows it', async () => {
    const a = make({ dim: 3, maxRetries: 1 });
    mode = 'down';
    await expect(a.embed(['hello'])).rejects.toMatchObject({
      name: 'EmbeddingException',
      failure: 'bad_response',
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(seen).toHaveLength(2);
    expect(a.status()).toMatchObject({ up: false, error: expect.stringContaining('503') });
    mode = 'ok';
    await a.embed(['back']);
    expect(a.status().up).toBe(true);
  });

  it('times out a slow server (each attempt) with a timeout error', async () => {
    const a = make({ dim: 3, timeoutMs: 100, maxRetries: 1 });
    mode = 'slow';
    const err = await a.embed(['slow']).catch((e: unknown) => e);
    expect(err).toMatchObject({ failure: 'timeout', code: 'UPSTREAM_TIMEOUT' });
    expect(seen).toHaveLength(2);
  });

  it('bounds a response whose body stalls half-way', async () => {
    const a = make({ dim: 3, timeoutMs: 100, maxRetries: 0 });
    mode = 'stall';
    await expect(a.embed(['stall'])).rejects.toMatchObject({ failure: 'timeout' });
  });

  it('does not retry a 401', async () => {
    const a = make({ dim: 3 });
    mode = 'unauthorized';
    await expect(a.embed(['x'])).rejects.toMatchObject({ failure: 'bad_response' });
    expect(seen).toHaveLength(1);
  });

  it.each<[Mode, RegExp]>([
    ['wrong-count', /1 embeddings for 2 inputs/],
    ['bad-value', /non-finite/],
    ['wrong-dim', /dimension 4, expected 3/],
    ['not-json', /no data array/],
  ])('rejects a bad response (%s)', async (m, why) => {
    const a = make({ dim: 3 });
    mode = m;
    const err = await a.embed(['a', 'b']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ failure: 'bad_response' });
    expect((err as Error).message).toMatch(why);
  });

  it('starts even when the server is unreachable, reports it, and rejects embed with unavailable', async () => {
    const a = new OpenAiEmbedderAdapter({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
      timeoutMs: 100,
      maxRetries: 0,
      batchSize: 8,
    });
    await a.onModuleInit();
    expect(a.status()).toMatchObject({ up: false, error: expect.any(String) });
    expect(() => a.dim).toThrow(/dimension unknown/);
    await expect(a.embed(['x'])).rejects.toMatchObject({ failure: 'unavailable' });
    await a.onModuleDestroy();
  });
});
