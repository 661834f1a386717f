import { join } from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { EMBEDDER, type Embedder } from '@huashu/embedding';
import { loadDialogueCorpus } from './corpus/dialogue-corpus.js';
import { GENERATOR_PROVIDERS } from './generator.constants.js';
import { GeneratorMetrics } from './generator.metrics.js';
import type { Generator } from './generator.port.js';
import { OpenAiCompatibleProvider } from './providers/openai-compatible.provider.js';
import { RetrievalProvider } from './providers/retrieval.provider.js';

/**
 * Builds the configured provider on first use. Lazy so a gateway in queue mode never loads the
 * retrieval corpus it will not use; the worker and in-process mode load it at start-up.
 */
@Injectable()
export class GeneratorBackendLoader {
  private loading?: Promise<Generator>;
  private loaded?: Generator;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: GeneratorMetrics,
    @Optional() @Inject(EMBEDDER) private readonly embedder?: Embedder,
  ) {}

  get(): Promise<Generator> {
    this.loading ??= this.create().then((g) => (this.loaded = g));
    return this.loading;
  }

  /** Readiness details of the loaded provider (undefined until loaded). */
  describe(): Record<string, unknown> | undefined {
    const g = this.loaded;
    if (g instanceof RetrievalProvider) return { provider: 'retrieval', pairs: g.size, model: g.model };
    if (g instanceof OpenAiCompatibleProvider)
      return { provider: 'openai', backend: g.backendLabel, breaker: g.breakerState };
    return undefined;
  }

  private async create(): Promise<Generator> {
    const g = this.config.generator;
    if (g.provider === GENERATOR_PROVIDERS.openai) {
      // env.schema guarantees both when the provider is openai.
      return new OpenAiCompatibleProvider(
        {
          baseUrl: g.baseUrl!,
          apiKey: g.apiKey,
          model: g.model!,
          backend: g.backend,
          disableThinking: g.disableThinking,
          thinking: g.thinking,
        },
        this.metrics,
      );
    }
    if (!this.embedder) throw new Error('GENERATOR_PROVIDER=retrieval needs an Embedder (EMBEDDER) bound in the app');
    const pairs = await loadDialogueCorpus(join(this.config.paths.data, 'dialogues'));
    const provider = new RetrievalProvider(this.embedder, pairs, this.metrics);
    await provider.init();
    return provider;
  }
}
