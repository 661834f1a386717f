import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as hfTokenizers from '@huggingface/tokenizers';
import { softmax, type InferenceRuntime, type InferenceSession, type TensorValue } from '@huashu/ml';
import { isIntentName, type IntentName } from '../intents.js';
import type { LoadedIntentModel } from './intent-model.js';

/** The part of @huggingface/tokenizers' Tokenizer used here. */
interface Tokenizer {
  encode(
    text: string,
    options: { add_special_tokens: boolean; return_token_type_ids: boolean },
  ): { ids: number[]; token_type_ids?: number[] };
  token_to_id(token: string): number | undefined;
}

// The package's .d.ts files import each other without extensions, which `moduleResolution: NodeNext`
// cannot follow (its types resolve to errors); this is the constructor's real shape.
const HfTokenizer = (hfTokenizers as unknown as { Tokenizer: new (json: object, config: object) => Tokenizer })
  .Tokenizer;

/**
 * Files of a user-supplied ONNX text classifier directory (e.g. a BERT fine-tuned and exported with
 * Optimum: `optimum-cli export onnx --task text-classification`). See README "Intent classifier".
 */
export const TRANSFORMER_FILES = {
  model: 'model.onnx',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  /** Hugging Face config with `id2label` (what Optimum writes). */
  config: 'config.json',
  /** Alternative label map: a JSON array of intent names in output order. */
  labels: 'labels.json',
  /** Optional: {"temperature": 1.3, "threshold": 0.5, "maxLength": 128}. */
  settings: 'huashu-intent.json',
} as const;

export interface TransformerSettings {
  temperature: number;
  threshold: number;
  maxLength: number;
}

const DEFAULTS: TransformerSettings = { temperature: 1, threshold: 0.5, maxLength: 128 };

/** True when a directory holds a user-supplied transformer classifier rather than a bag-MLP build. */
export const isTransformerDir = (dir: string): boolean => existsSync(join(dir, TRANSFORMER_FILES.tokenizer));

/**
 * Runs a user-supplied ONNX text classifier. Contract: inputs `input_ids` and `attention_mask`
 * (int64 [batch, sequence]) and, if the graph declares it, `token_type_ids`; output `logits`
 * (float32 [batch, labels]; the first output if none is called `logits`). Tokenisation uses
 * `tokenizer.json` through @huggingface/tokenizers (pure JavaScript, works offline; a tokenizer
 * with a native binary cannot be installed here).
 */
export class TransformerIntentModel implements LoadedIntentModel {
  readonly kind = 'transformer';
  readonly precision = 'model.onnx';

  private constructor(
    private readonly session: InferenceSession,
    private readonly tokenizer: Tokenizer,
    private readonly padId: number,
    private readonly outputName: string,
    readonly labels: readonly IntentName[],
    readonly settings: TransformerSettings,
    readonly version: string,
  ) {}

  get threshold(): number {
    return this.settings.threshold;
  }

  static async load(dir: string, runtime: InferenceRuntime): Promise<TransformerIntentModel> {
    const readJson = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const tokenizerConfig = existsSync(join(dir, TRANSFORMER_FILES.tokenizerConfig))
      ? (readJson(TRANSFORMER_FILES.tokenizerConfig) as Record<string, unknown>)
      : {};
    const tokenizer = new HfTokenizer(readJson(TRANSFORMER_FILES.tokenizer) as object, tokenizerConfig);
    const labels = readLabels(dir, readJson);
    const settings = { ...DEFAULTS, ...readSettings(dir, readJson) };
    const bytes = readFileSync(join(dir, TRANSFORMER_FILES.model));
    const session = await runtime.load(bytes, { intraOpThreads: 1 });
    for (const name of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(name)) {
        await session.release();
        throw new Error(`${TRANSFORMER_FILES.model} has no input "${name}" (inputs: ${session.inputNames.join(', ')})`);
      }
    }
    const outputName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
    const padToken = typeof tokenizerConfig.pad_token === 'string' ? tokenizerConfig.pad_token : '[PAD]';
    const padId = tokenizer.token_to_id(padToken) ?? 0;
    const version = createHash('sha256').update(bytes).digest('hex');
    return new TransformerIntentModel(session, tokenizer, padId, outputName, labels, settings, version);
  }

  async probabilities(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const max = this.settings.maxLength;
    const encoded = texts.map((t) => {
      const e = this.tokenizer.encode(t, { add_special_tokens: true, return_token_type_ids: true });
      // Keep the first tokens and the final special token (e.g. [SEP]) when truncating.
      const ids = e.ids.length > max ? [...e.ids.slice(0, max - 1), e.ids[e.ids.length - 1]] : e.ids;
      const types = e.token_type_ids ?? [];
      return { ids, types: types.length > max ? types.slice(0, max) : types };
    });
    const seq = Math.max(...encoded.map((e) => e.ids.length));
    const ids = new BigInt64Array(texts.length * seq).fill(BigInt(this.padId));
    const mask = new BigInt64Array(texts.length * seq);
    const types = new BigInt64Array(texts.length * seq);
    encoded.forEach((e, b) => {
      e.ids.forEach((id, j) => {
        ids[b * seq + j] = BigInt(id);
        mask[b * seq + j] = 1n;
        types[b * seq + j] = BigInt(e.types[j] ?? 0);
      });
    });
    const dims = [texts.length, seq];
    const feeds: Record<string, TensorValue> = {
      input_ids: { type: 'int64', data: ids, dims },
      attention_mask: { type: 'int64', data: mask, dims },
    };
    if (this.session.inputNames.includes('token_type_ids')) feeds.token_type_ids = { type: 'int64', data: types, dims };
    const out = await this.session.run(feeds, [this.outputName]);
    const logits = out[this.outputName].data as Float32Array;
    const k = this.labels.length;
    if (logits.length !== texts.length * k) {
      throw new Error(`model output has ${logits.length / texts.length} classes, the label map ${k}`);
    }
    return texts.map(
      (_, i) =>
        softmax(logits.subarray(i * k, (i + 1) * k), new Float32Array(k), this.settings.temperature) as Float32Array,
    );
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function readLabels(dir: string, readJson: (f: string) => unknown): IntentName[] {
  let labels: unknown[];
  if (existsSync(join(dir, TRANSFORMER_FILES.labels))) {
    const l = readJson(TRANSFORMER_FILES.labels);
    if (!Array.isArray(l)) throw new Error(`${TRANSFORMER_FILES.labels} must be a JSON array of intent names`);
    labels = l;
  } else if (existsSync(join(dir, TRANSFORMER_FILES.config))) {
    const cfg = readJson(TRANSFORMER_FILES.config) as { id2label?: Record<string, unknown> };
    if (!cfg.id2label) throw new Error(`${TRANSFORMER_FILES.config} has no id2label`);
    const entries = Object.entries(cfg.id2label).map(([k, v]) => [Number(k), v] as const);
    entries.sort((a, b) => a[0] - b[0]);
    if (entries.some(([k], i) => k !== i)) throw new Error('id2label must number the labels 0..n-1');
    labels = entries.map(([, v]) => v);
  } else {
    throw new Error(`a label map is required: ${TRANSFORMER_FILES.config} (id2label) or ${TRANSFORMER_FILES.labels}`);
  }
  const unknown = labels.filter((l) => typeof l !== 'string' || !isIntentName(l));
  if (unknown.length > 0) throw new Error(`label map names unknown intents: ${unknown.map(String).join(', ')}`);
  return labels as IntentName[];
}

function readSettings(dir: string, readJson: (f: string) => unknown): Partial<TransformerSettings> {
  if (!existsSync(join(dir, TRANSFORMER_FILES.settings))) return {};
  const s = readJson(TRANSFORMER_FILES.settings) as Record<string, unknown>;
  const out: Partial<TransformerSettings> = {};
  if (typeof s.temperature === 'number' && s.temperature > 0) out.temperature = s.temperature;
  if (typeof s.threshold === 'number' && s.threshold >= 0 && s.threshold <= 1) out.threshold = s.threshold;
  if (typeof s.maxLength === 'number' && Number.isInteger(s.maxLength) && s.maxLength >= 2) out.maxLength = s.maxLength;
  return out;
}
