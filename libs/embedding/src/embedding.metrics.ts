import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { EmbeddingException } from './embedding.exception.js';
import type { EmbedderStatus, ManagedEmbedder } from './managed-embedder.js';

/**
 * An embedder that records `huashu_embedding_duration_seconds{provider}` per embed() call and
 * `huashu_embedding_failures_total{provider,failure}`, then delegates everything to the adapter
 * (life-cycle hooks included, so Nest still loads and releases the real model).
 */
export class InstrumentedEmbedder implements ManagedEmbedder, OnModuleInit, OnModuleDestroy {
  private readonly duration: Histogram<'provider'>;
  private readonly failures: Counter<'provider' | 'failure'>;

  constructor(
    private readonly inner: ManagedEmbedder,
    registry: Registry,
  ) {
    this.duration = new Histogram({
      name: 'huashu_embedding_duration_seconds',
      help: 'Time of one embed() call (featurise + model, or the remote request).',
      labelNames: ['provider'],
      // The built-in encoder answers in tens of microseconds; a remote server in tens of milliseconds.
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05, 0.25, 1, 5],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'huashu_embedding_failures_total',
      help: 'embed() calls that failed, by failure kind.',
      labelNames: ['provider', 'failure'],
      registers: [registry],
    });
  }

  get provider(): ManagedEmbedder['provider'] {
    return this.inner.provider;
  }

  get dim(): number {
    return this.inner.dim;
  }

  get modelId(): string {
    return this.inner.modelId;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const started = performance.now();
    try {
      const out = await this.inner.embed(texts);
      this.duration.observe({ provider: this.provider }, (performance.now() - started) / 1000);
      return out;
    } catch (err) {
      this.failures.inc({
        provider: this.provider,
        failure: err instanceof EmbeddingException ? err.failure : 'unknown',
      });
      throw err;
    }
  }

  load(): Promise<void> {
    return this.inner.load();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  status(): EmbedderStatus {
    return this.inner.status();
  }

  async onModuleInit(): Promise<void> {
    const hooks = this.inner as Partial<OnModuleInit>;
    await (hooks.onModuleInit ? hooks.onModuleInit() : this.inner.load());
  }

  async onModuleDestroy(): Promise<void> {
    await this.inner.close();
  }
}
