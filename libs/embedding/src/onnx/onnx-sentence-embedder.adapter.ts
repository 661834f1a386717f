import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { HfTokenizer, OnnxRuntimeAdapter, type InferenceRuntime, type TensorValue } from '@huashu/ml';
import { EmbeddingException } from '../embedding.exception.js';
import { assertTexts, l2NormalizeInPlace } from '../managed-embedder.js';
import { SessionEmbedder } from '../session-embedder.js';

export interface OnnxSentenceEmbedderOptions {
  /** Directory with `model.onnx` and `tokenizer.json` (optionally `tokenizer_config.json`). */
  modelDir: string;
  /** Longest token sequence fed to the model (default 256). */
  maxLength?: number;
  /** Texts per session run (default 32). */
  batchSize?: number;
  runtime?: InferenceRuntime;
}

/** Output names that already hold one pooled vector per text. */
const POOLED_OUTPUTS = ['sentence_embedding', 'sentence_embeddings', 'pooler_output', 'embeddings'];

/**
 * A user-supplied sentence-transformer exported to ONNX (the `optimum` / sentence-transformers
 * export): inputs `input_ids`, `attention_mask`, optional `token_type_ids` (int64 [batch, seq]);
 * output `sentence_embedding` [batch, dim] used as is, else `last_hidden_state` (or the first
 * output) [batch, seq, dim] mean-pooled over the attention mask. Vectors are L2-normalised.
 */
export class OnnxSentenceEmbedderAdapter extends SessionEmbedder {
  readonly provider = 'onnx' as const;
  private tokenizer: HfTokenizer | undefined;
  private dimension: number | undefined;
  private id = 'onnx:?';
  private outputName = '';
  private pooled = false;
  private wantsTypeIds = false;

  constructor(private readonly opts: OnnxSentenceEmbedderOptions) {
    super();
  }

  get dim(): number {
    if (this.dimension === undefined) throw new EmbeddingException('unavailable', 'ONNX embedder not loaded');
    return this.dimension;
  }

  get modelId(): string {
    return this.id;
  }

  protected loadFailure(err: Error): string {
    return `cannot load ONNX embedder: ${err.message}`;
  }

  protected knownDim(): number | undefined {
    return this.dimension;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    assertTexts(texts);
    if (texts.length === 0) return [];
    if (!this.session) await this.load();
    const size = this.opts.batchSize ?? 32;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += size) out.push(...(await this.run(texts.slice(i, i + size))));
    return out;
  }

  protected async open(): Promise<void> {
    const dir = resolve(this.opts.modelDir);
    const modelPath = join(dir, 'model.onnx');
    const [modelBytes, tokenizerBytes] = await Promise.all([
      readFile(modelPath),
      readFile(join(dir, 'tokenizer.json')),
    ]);
    this.tokenizer = await HfTokenizer.fromDir(dir, this.opts.maxLength ?? 256);
    const session = await (this.opts.runtime ?? new OnnxRuntimeAdapter()).load(modelBytes, { intraOpThreads: 1 });
    for (const name of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(name)) {
        await session.release();
        throw new Error(`model.onnx has no input "${name}" (inputs: ${session.inputNames.join(', ')})`);
      }
    }
    this.wantsTypeIds = session.inputNames.includes('token_type_ids');
    const pooledName = POOLED_OUTPUTS.find((n) => session.outputNames.includes(n));
    this.pooled = pooledName !== undefined;
    this.outputName =
      pooledName ?? (session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : session.outputNames[0]);
    this.session = session;
    const hash = createHash('sha256').update(modelBytes).update(tokenizerBytes).digest('hex').slice(0, 12);
    // Probe once: the dimension comes from the model itself, whatever its metadata says.
    const [probe] = await this.run(['ping']);
    this.dimension = probe.length;
    this.id = `onnx:${basename(dir)}:${hash}`;
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    const session = this.session;
    const tokenizer = this.tokenizer;
    if (!session || !tokenizer) throw new EmbeddingException('unavailable', 'ONNX embedder not loaded');
    const encoded = texts.map((t) => tokenizer.encode(t));
    const batch = texts.length;
    const seq = Math.max(...encoded.map((e) => e.ids.length));
    const ids = new BigInt64Array(batch * seq).fill(BigInt(tokenizer.padId));
    const mask = new BigInt64Array(batch * seq);
    const types = new BigInt64Array(batch * seq);
    encoded.forEach((e, b) => {
      for (let j = 0; j < e.ids.length; j++) {
        ids[b * seq + j] = BigInt(e.ids[j]);
        mask[b * seq + j] = 1n;
        types[b * seq + j] = BigInt(e.typeIds[j] ?? 0);
      }
    });
    const feeds: Record<string, TensorValue> = {
      input_ids: { type: 'int64', data: ids, dims: [batch, seq] },
      attention_mask: { type: 'int64', data: mask, dims: [batch, seq] },
    };
    if (this.wantsTypeIds) feeds.token_type_ids = { type: 'int64', data: types, dims: [batch, seq] };
    let result: Record<string, TensorValue>;
    try {
      result = await session.run(feeds, [this.outputName]);
    } catch (err) {
      throw new EmbeddingException('bad_response', `ONNX embedder failed: ${(err as Error).message}`, { cause: err });
    }
    const output = result[this.outputName];
    if (output.type !== 'float32')
      throw new EmbeddingException('bad_response', `output is ${output.type}, not float32`);
    const data = output.data;
    const dims = output.dims;
    if (this.pooled || dims.length === 2) {
      const dim = dims[dims.length - 1];
      return texts.map((_, b) => l2NormalizeInPlace(data.slice(b * dim, (b + 1) * dim)));
    }
    if (dims.length !== 3) throw new EmbeddingException('bad_response', `output has shape [${dims.join(',')}]`);
    const [, outSeq, dim] = dims;
    // Mean pooling over the real tokens: sentence-transformers' default pooling.
    return encoded.map((e, b) => {
      const v = new Float32Array(dim);
      const n = Math.min(e.ids.length, outSeq);
      for (let t = 0; t < n; t++) {
        const base = (b * outSeq + t) * dim;
        for (let k = 0; k < dim; k++) v[k] += data[base + k];
      }
      for (let k = 0; k < dim; k++) v[k] /= Math.max(1, n);
      return l2NormalizeInPlace(v);
    });
  }
}
