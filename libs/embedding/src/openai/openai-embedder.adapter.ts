import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { EmbeddingException } from '../embedding.exception.js';
import { assertTexts, l2NormalizeInPlace, type EmbedderStatus, type ManagedEmbedder } from '../managed-embedder.js';

export interface OpenAiEmbedderOptions {
  /** Base URL ending in /v1 (OpenAI, TEI, vLLM, Ollama …). */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Retries of a failed request (connection error, timeout, 408/409/429/5xx), with exponential backoff. */
  maxRetries: number;
  /** Texts per request. */
  batchSize: number;
  /** Expected dimension; probed with one request at load when unset. */
  dim?: number;
  /** Requests in flight at once for one large embed() call. */
  concurrency?: number;
}

/**
 * Embeddings from an OpenAI-compatible `POST /v1/embeddings` server through the official `openai`
 * client, which already implements the protocol, the per-request timeout and retries with
 * exponential backoff honouring `retry-after(-ms)`. This adapter adds batching, a check of every
 * response (count, indexes, dimension, finite numbers) and typed errors.
 * https://platform.openai.com/docs/api-reference/embeddings/create
 */
export class OpenAiEmbedderAdapter implements ManagedEmbedder {
  readonly provider = 'openai' as const;
  private readonly client: OpenAI;
  private knownDim: number | undefined;
  private loading: Promise<void> | undefined;
  private lastError: string | undefined;
  private closed = false;

  constructor(private readonly opts: OpenAiEmbedderOptions) {
    this.knownDim = opts.dim;
    this.client = new OpenAI({
      baseURL: opts.baseUrl,
      // Local servers (TEI, vLLM, Ollama) usually need no key, but the client insists on one.
      apiKey: opts.apiKey ?? 'none',
      timeout: opts.timeoutMs,
      maxRetries: opts.maxRetries,
      fetch: sameRealmFetch,
    });
  }

  get dim(): number {
    if (this.knownDim === undefined) {
      throw new EmbeddingException(
        'unavailable',
        'embedding dimension unknown: the embeddings server was not reached yet',
      );
    }
    return this.knownDim;
  }

  get modelId(): string {
    return `openai:${this.opts.model}:${this.knownDim ?? '?'}`;
  }

  /** Probe the server once so `dim` is known; a failure is kept for readiness and retried on the next call. */
  load(): Promise<void> {
    this.loading ??= this.request(['ping']).then(
      () => {
        this.lastError = undefined;
      },
      (err: unknown) => {
        this.loading = undefined;
        this.lastError = (err as Error).message;
        throw err;
      },
    );
    return this.loading;
  }

  async onModuleInit(): Promise<void> {
    // A remote server being down must not stop the gateway from starting: readiness reports it and
    // matching degrades to fallback scripts until it answers.
    await this.load().catch(() => undefined);
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  status(): EmbedderStatus {
    const up = this.knownDim !== undefined && this.lastError === undefined && !this.closed;
    return { up, provider: this.provider, modelId: this.modelId, dim: this.knownDim, error: this.lastError };
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    assertTexts(texts);
    if (texts.length === 0) return [];
    if (this.knownDim === undefined) await this.load();
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += this.opts.batchSize) batches.push(texts.slice(i, i + this.opts.batchSize));
    const out: Float32Array[][] = new Array<Float32Array[]>(batches.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const i = next++;
        out[i] = await this.request(batches[i]);
      }
    };
    const lanes = Math.min(batches.length, Math.max(1, this.opts.concurrency ?? 4));
    await Promise.all(Array.from({ length: lanes }, worker));
    return out.flat();
  }

  private async request(input: string[]): Promise<Float32Array[]> {
    if (this.closed) throw new EmbeddingException('unavailable', 'embedder is closed');
    let body: unknown;
    try {
      // `float` explicitly: the client asks for base64 by default, which TEI and Ollama do not all speak.
      body = await this.client.embeddings.create(
        { model: this.opts.model, input, encoding_format: 'float' },
        // The client's timeout stops at the response headers; this bounds the whole exchange
        // (every attempt, its backoff and a body that stalls half-way).
        { signal: AbortSignal.timeout(this.overallBudgetMs()) },
      );
    } catch (err) {
      this.lastError = (err as Error).message;
      throw toEmbeddingException(err);
    }
    const vectors = this.parse(body, input.length);
    this.lastError = undefined;
    return vectors;
  }

  /**
   * Per-attempt timeouts plus the client's worst-case backoff (0.5 s doubling, at most 8 s) plus
   * slack, so this outer bound only ever cuts a stalled body, never a healthy retry.
   */
  private overallBudgetMs(): number {
    let ms = this.opts.timeoutMs * (this.opts.maxRetries + 2) + 500;
    for (let i = 0; i < this.opts.maxRetries; i++) ms += Math.min(500 * 2 ** i, 8000);
    return ms;
  }

  /** Check the response against the protocol: one finite vector per input, each index once. */
  private parse(body: unknown, expected: number): Float32Array[] {
    const bad = (why: string): never => {
      this.lastError = `bad response: ${why}`;
      throw new EmbeddingException('bad_response', `embeddings server sent a bad response: ${why}`);
    };
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) return bad('no data array');
    if (data.length !== expected) return bad(`${data.length} embeddings for ${expected} inputs`);
    const out = new Array<Float32Array | undefined>(expected);
    for (const [pos, item] of (data as unknown[]).entries()) {
      const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
      // Some servers omit `index`; then the position is the index.
      const at = index === undefined ? pos : index;
      if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at >= expected || out[at]) {
        return bad(`invalid or repeated index ${JSON.stringify(at) ?? 'undefined'}`);
      }
      if (!Array.isArray(embedding) || embedding.length === 0) return bad(`item ${at} has no embedding array`);
      const v = Float32Array.from(embedding as number[]);
      if (v.some((x) => !Number.isFinite(x))) return bad(`item ${at} has a non-finite value`);
      this.knownDim ??= v.length;
      if (v.length !== this.knownDim) return bad(`item ${at} has dimension ${v.length}, expected ${this.knownDim}`);
      out[at] = l2NormalizeInPlace(v);
    }
    return out as Float32Array[];
  }
}

function toEmbeddingException(err: unknown): EmbeddingException {
  if (err instanceof EmbeddingException) return err;
  // An abort while the body is read surfaces as the DOM AbortError/TimeoutError of our signal.
  const name = (err as Error | undefined)?.name;
  const causeName = ((err as Error | undefined)?.cause as Error | undefined)?.name;
  if (
    causeName === 'AbortError' ||
    causeName === 'TimeoutError' ||
    err instanceof APIConnectionTimeoutError ||
    err instanceof APIUserAbortError ||
    name === 'AbortError' ||
    name === 'TimeoutError'
  ) {
    return new EmbeddingException('timeout', 'embeddings server timed out', { cause: err });
  }
  if (err instanceof APIError && err.status !== undefined) {
    return new EmbeddingException('bad_response', `embeddings server answered HTTP ${err.status}`, { cause: err });
  }
  return new EmbeddingException('unavailable', `embeddings server unreachable: ${(err as Error).message}`, {
    cause: err,
  });
}

/**
 * `fetch` whose failures are Errors of this module's realm. Under a vm context (Jest, some
 * sandboxes) the global fetch throws errors of the host realm; the client's `instanceof Error`
 * check then fails, the abort it uses for its timeout loses its name, and a timeout is reported as
 * a plain connection error. Re-wrapping keeps name, message and cause.
 */
async function sameRealmFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (err) {
    if (err instanceof Error) throw err;
    const foreign = err as { name?: unknown; message?: unknown };
    const local = new Error(typeof foreign.message === 'string' ? foreign.message : 'fetch failed', { cause: err });
    if (typeof foreign.name === 'string') local.name = foreign.name;
    throw local;
  }
}
