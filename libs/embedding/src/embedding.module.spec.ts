import { Test } from '@nestjs/testing';
import { MetricsModule, MetricsRegistry, ReadinessModule, ReadinessRegistry } from '@huashu/common';
import { ConfigModule, loadConfig } from '@huashu/config';
import { EMBEDDER } from './embedder.port.js';
import { createEmbedder } from './embedder.factory.js';
import { EmbeddingModule } from './embedding.module.js';
import type { ManagedEmbedder } from './managed-embedder.js';

describe('EmbeddingModule', () => {
  it('binds EMBEDDER to the configured adapter, loads it on init, reports readiness and releases it on close', async () => {
    const config = loadConfig({ NODE_ENV: 'test', EMBEDDER_PROVIDER: 'builtin', MODELS_DIR: 'models' });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), ReadinessModule, EmbeddingModule],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const embedder = app.get<ManagedEmbedder>(EMBEDDER);
    expect(embedder.provider).toBe('builtin');
    expect(embedder.status().up).toBe(true);
    const check = app
      .get(ReadinessRegistry)
      .list()
      .find((c) => c.name === 'embedder');
    await expect(check?.check()).resolves.toMatchObject({ up: true, provider: 'builtin', dim: embedder.dim });
    const [v] = await embedder.embed(['您好，请问现在方便吗']);
    expect(v).toHaveLength(embedder.dim);
    await app.close();
    await expect(check?.check()).resolves.toMatchObject({ up: false });
  });

  it('records embed latency and failures on the Prometheus registry when the app has one', async () => {
    const config = loadConfig({ NODE_ENV: 'test', EMBEDDER_PROVIDER: 'builtin', MODELS_DIR: 'models' });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), ReadinessModule, MetricsModule.forRoot('test'), EmbeddingModule],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    try {
      const embedder = app.get<ManagedEmbedder>(EMBEDDER);
      await embedder.embed(['你好', 'hello']);
      await embedder.embed(['再见']);
      await expect(embedder.embed([1] as unknown as string[])).rejects.toMatchObject({ failure: 'invalid_input' });
      const registry = app.get(MetricsRegistry).registry;
      const duration = await registry.getSingleMetric('huashu_embedding_duration_seconds')!.get();
      // Histogram values carry the series name (`…_count`) though prom-client's type omits it.
      const count = (duration.values as { metricName?: string }[]).find(
        (v) => v.metricName === 'huashu_embedding_duration_seconds_count',
      );
      expect(count).toMatchObject({ value: 2, labels: { provider: 'builtin' } });
      const failures = await registry.getSingleMetric('huashu_embedding_failures_total')!.get();
      expect(failures.values).toEqual([
        expect.objectContaining({ value: 1, labels: { provider: 'builtin', failure: 'invalid_input' } }),
      ]);
      expect(embedder.status().up).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('createEmbedder picks the adapter EMBEDDER_PROVIDER names', () => {
    const base = { NODE_ENV: 'test' };
    expect(createEmbedder(loadConfig(base)).provider).toBe('builtin');
    expect(
      createEmbedder(loadConfig({ ...base, EMBEDDER_PROVIDER: 'onnx', EMBEDDER_MODEL_PATH: '/models/st' })).provider,
    ).toBe('onnx');
    const openai = createEmbedder(
      loadConfig({
        ...base,
        EMBEDDER_PROVIDER: 'openai',
        EMBEDDINGS_BASE_URL: 'http://127.0.0.1:1/v1',
        EMBEDDINGS_MODEL: 'bge-m3',
        EMBEDDINGS_DIM: '1024',
      }),
    );
    expect(openai.provider).toBe('openai');
    expect(openai.dim).toBe(1024);
  });
});
