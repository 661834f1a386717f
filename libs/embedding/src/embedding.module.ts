import { Global, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { EMBEDDER } from './embedder.port.js';
import { createEmbedder } from './embedder.factory.js';
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
    { provide: EMBEDDER, useFactory: (config: AppConfig) => createEmbedder(config), inject: [APP_CONFIG] },
    EmbedderReadiness,
  ],
  exports: [EMBEDDER],
})
export class EmbeddingModule {}
