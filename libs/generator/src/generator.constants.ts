/** Queue, job and channel names of the generation queue (one place, no literals at call sites). */
export const GENERATION_QUEUE = {
  name: 'generation',
  jobs: { generate: 'generate' },
  /** Pub/sub channel (after REDIS_KEY_PREFIX) on which a gateway asks workers to cancel a job. */
  cancelChannel: 'generation:cancel',
  /** Pub/sub channel prefix (after REDIS_KEY_PREFIX) on which workers answer one gateway instance. */
  replyChannel: 'generation:reply',
} as const;

/** Token of the provider that actually generates (OpenAI-compatible or retrieval), without the queue. */
export const GENERATOR_BACKEND = Symbol('GeneratorBackend');

/** Names of the two providers (GENERATOR_PROVIDER). */
export const GENERATOR_PROVIDERS = { retrieval: 'retrieval', openai: 'openai' } as const;
