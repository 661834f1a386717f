import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per process. Libs register their own metrics on it
 * (`new Histogram({ ..., registers: [metrics.registry] })`) so a test can boot two apps in one
 * process without "metric already registered" errors.
 */
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor(app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
  }
}

@Global()
@Module({})
export class MetricsModule {
  static forRoot(app: string) {
    return {
      module: MetricsModule,
      providers: [{ provide: MetricsRegistry, useFactory: () => new MetricsRegistry(app) }],
      exports: [MetricsRegistry],
    };
  }
}
