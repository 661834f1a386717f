import { Global, Module } from '@nestjs/common';
import {
  AggregatorRegistry,
  collectDefaultMetrics,
  Registry,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';

/** One other thread's metrics, as `Registry#getMetricsAsJSON()` returns them. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/**
 * One Prometheus registry per process. Libs register their own metrics on it
 * (`new Histogram({ ..., registers: [metrics.registry] })`) so a test can boot two apps in one
 * process without "metric already registered" errors.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly sources = new Set<() => Promise<MetricsSnapshot>>();

  /** `defaultMetrics: false` in a worker thread: the process metrics are the main thread's to report. */
  constructor(app: string, opts: { defaultMetrics?: boolean } = {}) {
    this.registry.setDefaultLabels({ app });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Metrics another thread of this process keeps (turn threads): each scrape merges them in, summing
   * counters and histograms of the same name and labels. Returns the function that removes the source.
   */
  addSource(read: () => Promise<MetricsSnapshot>): () => void {
    this.sources.add(read);
    return () => this.sources.delete(read);
  }

  /** The Prometheus text of this registry plus every source (a source that fails is left out). */
  async scrape(): Promise<string> {
    if (this.sources.size === 0) return this.registry.metrics();
    const parts = await Promise.all([
      this.registry.getMetricsAsJSON(),
      ...[...this.sources].map((read) => read().catch(() => [] as MetricsSnapshot)),
    ]);
    return AggregatorRegistry.aggregate(parts).metrics();
  }
}

@Global()
@Module({})
export class MetricsModule {
  static forRoot(app: string, opts: { defaultMetrics?: boolean } = {}) {
    return {
      module: MetricsModule,
      providers: [{ provide: MetricsRegistry, useFactory: () => new MetricsRegistry(app, opts) }],
      exports: [MetricsRegistry],
    };
  }
}
