import { join } from 'node:path';
import type { AppConfig } from '@huashu/config';
import { BuiltinEmbedderAdapter } from './builtin/builtin-embedder.adapter.js';
import { EmbeddingException } from './embedding.exception.js';
import type { ManagedEmbedder } from './managed-embedder.js';
import { OnnxSentenceEmbedderAdapter } from './onnx/onnx-sentence-embedder.adapter.js';
import { OpenAiEmbedderAdapter } from './openai/openai-embedder.adapter.js';

/** Directory of the shipped built-in encoder under MODELS_DIR. */
export const BUILTIN_EMBEDDER_DIR = 'embedding';

/**
 * The adapter EMBEDDER_PROVIDER selects, not yet loaded. Usable outside Nest (CLI, benchmarks):
 * `const e = createEmbedder(config); await e.load(); … await e.close();`.
 */
export function createEmbedder(config: Pick<AppConfig, 'embedder' | 'paths'>): ManagedEmbedder {
  const e = config.embedder;
  switch (e.provider) {
    case 'builtin':
      return new BuiltinEmbedderAdapter({ modelDir: join(config.paths.models, BUILTIN_EMBEDDER_DIR) });
    case 'onnx':
      if (!e.modelPath) throw new EmbeddingException('unavailable', 'EMBEDDER_MODEL_PATH is required for onnx');
      return new OnnxSentenceEmbedderAdapter({ modelDir: e.modelPath });
    case 'openai':
      if (!e.baseUrl || !e.model) {
        throw new EmbeddingException('unavailable', 'EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL are required for openai');
      }
      return new OpenAiEmbedderAdapter({
        baseUrl: e.baseUrl,
        apiKey: e.apiKey,
        model: e.model,
        timeoutMs: e.timeoutMs,
        maxRetries: e.maxRetries,
        batchSize: e.batchSize,
        dim: e.dim,
      });
  }
}
