import type { InferenceSession } from '@huashu/ml';
import { EmbeddingException } from './embedding.exception.js';
import type { EmbedderProvider, EmbedderStatus, ManagedEmbedder } from './managed-embedder.js';

/**
 * The life cycle every ONNX-session embedder shares: one idempotent `load()` that callers can race,
 * the Nest hooks, `close()`, and the readiness status. Subclasses open their model in `open()`
 * (setting `session`) and embed.
 */
export abstract class SessionEmbedder implements ManagedEmbedder {
  abstract readonly provider: EmbedderProvider;
  abstract readonly dim: number;
  abstract readonly modelId: string;
  protected session: InferenceSession | undefined;
  private loading: Promise<void> | undefined;
  private lastError: string | undefined;

  /** Open the model and set `session`; throw to report a load failure. */
  protected abstract open(): Promise<void>;
  /** The message of a load failure (what the operator should do). */
  protected abstract loadFailure(err: Error): string;
  /** The dimension once known, for status (never throws). */
  protected abstract knownDim(): number | undefined;
  abstract embed(texts: string[]): Promise<Float32Array[]>;

  load(): Promise<void> {
    this.loading ??= this.open().then(
      () => {
        this.lastError = undefined;
      },
      (err: unknown) => {
        this.loading = undefined;
        this.lastError = (err as Error).message;
        throw new EmbeddingException('unavailable', this.loadFailure(err as Error), { cause: err });
      },
    );
    return this.loading;
  }

  async onModuleInit(): Promise<void> {
    await this.load();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.loading = undefined;
    if (s) await s.release();
  }

  status(): EmbedderStatus {
    return {
      up: this.session !== undefined,
      provider: this.provider,
      modelId: this.modelId,
      dim: this.knownDim(),
      error: this.lastError,
    };
  }
}
