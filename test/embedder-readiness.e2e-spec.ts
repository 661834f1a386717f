import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { bootGateway, type Booted } from './support/boot.js';

describe('embedder on the booted gateway (real ONNX model, real Redis)', () => {
  it('reports the built-in encoder on /health/ready and its latency on /metrics', async () => {
    const gw: Booted = await bootGateway('embedder-ready');
    try {
      const ready = await request(gw.url).get('/health/ready').expect(200);
      expect(ready.body.info.embedder).toMatchObject({
        status: 'up',
        provider: 'builtin',
        dim: 256,
        modelId: expect.stringMatching(/^builtin:huashu-encoder-[0-9a-f]{12}$/),
      });
      const metrics = await request(gw.url).get('/metrics').expect(200);
      expect(metrics.text).toContain('# TYPE huashu_embedding_duration_seconds histogram');
    } finally {
      await gw.close();
    }
  });

  it('starts with an OpenAI-compatible embeddings server that is down, and reports it not ready', async () => {
    // A real /v1/embeddings endpoint answering 503 (model still loading), as TEI does at start-up.
    const server: Server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after-ms': '1' });
      res.end(JSON.stringify({ error: { message: 'model is loading' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const gw = await bootGateway('embedder-down', {
      EMBEDDER_PROVIDER: 'openai',
      EMBEDDINGS_BASE_URL: `http://127.0.0.1:${port}/v1`,
      EMBEDDINGS_MODEL: 'bge-m3',
      EMBEDDINGS_MAX_RETRIES: '0',
      EMBEDDINGS_TIMEOUT_MS: '500',
    });
    try {
      await request(gw.url).get('/health/live').expect(200);
      const ready = await request(gw.url).get('/health/ready').expect(503);
      // The binding error body carries terminus' report in details[0].
      expect(ready.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(ready.body.error.details[0].error.embedder).toMatchObject({
        status: 'down',
        provider: 'openai',
        error: expect.stringContaining('503'),
      });
    } finally {
      await gw.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
