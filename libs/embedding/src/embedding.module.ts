import { Global, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { EMBEDDER } from './embedder.port.js';
import { createEmbedder } from './embedder.factory.js';
import { InstrumentedEmbedder } from './embedding.metrics.js';
import type { ManagedEmbedder } from './managed-embedder.js';

/** Reports the embedder on `/health/ready`. */
@Injectable()
export class EmbedderReadiness implements OnModuleInit {
  constructor(
    @Inject(EMBEDDER) private readonly embedder: ManagedEmbedder,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register({ name: 'embedder', check: () => Promise.resolve({ ...this.embedder.status() }) });
  }
}

/**
 * Binds EMBEDDER to the adapter EMBEDDER_PROVIDER selects. The adapter loads its model in
 * onModuleInit and releases it in onModuleDestroy (Nest calls both on factory providers); `embed()`
 * also waits for the load, so a module that embeds during its own start-up cannot race it.
 */
@Global()
@Module({
  providers: [
    {
      provide: EMBEDDER,
      // Metrics when the host has a registry (every app does through OpsModule; bare test modules may not).
      useFactory: (config: AppConfig, metrics?: MetricsRegistry): ManagedEmbedder => {
        const embedder = createEmbedder(config);
        return metrics ? new InstrumentedEmbedder(embedder, metrics.registry) : embedder;
      },
      inject: [APP_CONFIG, { token: MetricsRegistry, optional: true }],
    },
    EmbedderReadiness,
  ],
  exports: [EMBEDDER],
})
export class EmbeddingModule {}
