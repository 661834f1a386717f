import { Inject, Injectable, Module, Optional, type OnModuleInit } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { EmbeddingModule } from '@huashu/embedding';
import { GENERATION_QUEUE, GENERATOR_BACKEND } from './generator.constants.js';
import { GeneratorBackendLoader } from './generator-backend.loader.js';
import { GeneratorMetrics } from './generator.metrics.js';
import { GENERATOR } from './generator.port.js';
import { GenerationQueueFacade } from './queue/generation-queue.facade.js';
import { GenerationProcessor } from './queue/generation.processor.js';

const metricsProvider = {
  provide: GeneratorMetrics,
  inject: [MetricsRegistry],
  useFactory: (m: MetricsRegistry) => new GeneratorMetrics(m.registry),
};

/** Set in the worker: this process runs the provider, so readiness reports it. */
const RUNS_GENERATION = Symbol('RunsGeneration');

/** Provider + metrics, shared by the gateway-side module and the worker-side module. */
@Module({
  imports: [EmbeddingModule],
  providers: [metricsProvider, GeneratorBackendLoader],
  exports: [GeneratorMetrics, GeneratorBackendLoader],
})
export class GeneratorBackendModule {}

@Injectable()
class GeneratorReadiness implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly loader: GeneratorBackendLoader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(RUNS_GENERATION) private readonly processes?: boolean,
  ) {}

  onModuleInit(): void {
    const mode = this.config.generator.mode;
    this.readiness.register({
      name: 'generator',
      check: () => {
        // The gateway in queue mode holds no model: the worker's own readiness reports the provider.
        if (mode === 'queue' && !this.processes) return Promise.resolve({ up: true, mode });
        const d = this.loader.describe();
        return Promise.resolve({ up: d !== undefined && d.breaker !== 'open', mode, ...d });
      },
    });
  }
}

/**
 * Binds GENERATOR to what the dialogue pipeline calls: in GENERATOR_MODE=queue a facade that
 * enqueues on `generation` and awaits the worker, in `inprocess` the provider itself.
 * GENERATOR_BACKEND is always the provider (for callers that must bypass the queue).
 */
@Module({
  imports: [GeneratorBackendModule, BullModule.registerQueue({ name: GENERATION_QUEUE.name })],
  providers: [
    GenerationQueueFacade,
    GeneratorReadiness,
    {
      provide: GENERATOR_BACKEND,
      inject: [GeneratorBackendLoader],
      useFactory: (l: GeneratorBackendLoader) => ({ get: () => l.get() }),
    },
    {
      provide: GENERATOR,
      inject: [APP_CONFIG, GeneratorBackendLoader, GenerationQueueFacade],
      useFactory: async (config: AppConfig, loader: GeneratorBackendLoader, facade: GenerationQueueFacade) =>
        config.generator.mode === 'inprocess' ? loader.get() : facade,
    },
  ],
  exports: [GENERATOR, GENERATOR_BACKEND, GeneratorBackendModule],
})
export class GeneratorModule {}

/** apps/worker: runs the `generation` queue with the configured provider. */
@Module({
  imports: [GeneratorBackendModule],
  providers: [GenerationProcessor, GeneratorReadiness, { provide: RUNS_GENERATION, useValue: true }],
})
export class GenerationProcessorModule {}
