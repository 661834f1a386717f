import { HuashuException } from '@huashu/common';

/** Weight/KV precisions and their bytes per value (seed page 3: fp32 4 B, fp16 2 B, int8 1 B). */
export const PRECISION_BYTES = { fp32: 4, fp16: 2, bf16: 2, int8: 1, int4: 0.5 } as const;
export type Precision = keyof typeof PRECISION_BYTES;
export const PRECISIONS = Object.keys(PRECISION_BYTES) as Precision[];

/** A decoder-only transformer's shape. */
export interface ModelArchitecture {
  /** Parameters in billions. */
  paramsB: number;
  layers: number;
  hiddenSize: number;
  attentionHeads: number;
  /** Key/value heads (grouped-query attention); equals attentionHeads for multi-head attention. */
  kvHeads: number;
  intermediateSize: number;
  /** Context length (tokens) each call may fill. */
  contextLength: number;
}

/** Known shapes (from each model's published config.json); `llama-6b` is the seed's example. */
export const MODEL_PRESETS = {
  'llama-6b': {
    paramsB: 6,
    layers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 32,
    intermediateSize: 11008,
    contextLength: 2048,
  },
  'llama-2-7b': {
    paramsB: 6.74,
    layers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 32,
    intermediateSize: 11008,
    contextLength: 4096,
  },
  'llama-3-8b': {
    paramsB: 8.03,
    layers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 8,
    intermediateSize: 14336,
    contextLength: 8192,
  },
  'qwen2.5-7b': {
    paramsB: 7.62,
    layers: 28,
    hiddenSize: 3584,
    attentionHeads: 28,
    kvHeads: 4,
    intermediateSize: 18944,
    contextLength: 32768,
  },
  'qwen2.5-14b': {
    paramsB: 14.8,
    layers: 48,
    hiddenSize: 5120,
    attentionHeads: 40,
    kvHeads: 8,
    intermediateSize: 13824,
    contextLength: 32768,
  },
} as const satisfies Record<string, ModelArchitecture>;
export type ModelPreset = keyof typeof MODEL_PRESETS;

export interface CapacityInput extends ModelArchitecture {
  precision: Precision;
  /** KV cache precision; defaults to fp16 (or fp32 for fp32 weights): servers rarely quantise the cache. */
  kvPrecision?: Precision;
  /** Concurrent calls to plan for. */
  concurrentCalls: number;
  /** GPU memory to fit into (GB, 10^9 bytes); omit to only size. */
  gpuMemoryGB?: number;
  /** CUDA context and kernels (seed page 3 measured about 1.3 GB). */
  cudaOverheadGB?: number;
}

export interface CapacityPlan {
  input: Required<Omit<CapacityInput, 'gpuMemoryGB'>> & { gpuMemoryGB?: number };
  weightsGB: number;
  kvCacheBytesPerToken: number;
  kvCachePerCallGB: number;
  kvCacheGB: number;
  activationPerCallGB: number;
  overheadGB: number;
  totalGB: number;
  /** Calls the GPU holds at the full context; absent without gpuMemoryGB. */
  maxConcurrentCalls?: number;
  fits?: boolean;
  formula: Record<string, string>;
}

const GB = 1e9;
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

/**
 * GPU memory for serving a model (seed page 3's method, extended with the KV cache):
 * - weights = parameters × bytes per parameter (6B: 24 GB fp32, 12 GB fp16, 6 GB int8);
 * - KV cache = 2 (K and V) × layers × kv_heads × head_dim × bytes × context, per concurrent call;
 * - activations: inference keeps one layer's (hidden + intermediate) × context values alive per call
 *   (the seed's 990 MB figure stores all 32 layers, which only training needs);
 * - overhead: CUDA context and kernels, 1.3 GB measured in the seed.
 * No gradients or optimizer state: this plans inference, not training.
 */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const kvPrecision = input.kvPrecision ?? (input.precision === 'fp32' ? 'fp32' : 'fp16');
  const cudaOverheadGB = input.cudaOverheadGB ?? 1.3;
  const headDim = input.hiddenSize / input.attentionHeads;
  const weightsGB = (input.paramsB * 1e9 * PRECISION_BYTES[input.precision]) / GB;
  const kvBytesPerToken = 2 * input.layers * input.kvHeads * headDim * PRECISION_BYTES[kvPrecision];
  const kvPerCallGB = (kvBytesPerToken * input.contextLength) / GB;
  const activationPerCallGB = ((input.hiddenSize + input.intermediateSize) * input.contextLength * 2) / GB;
  const kvCacheGB = kvPerCallGB * input.concurrentCalls;
  const overheadGB = cudaOverheadGB + activationPerCallGB * input.concurrentCalls;
  const totalGB = weightsGB + kvCacheGB + overheadGB;
  const plan: CapacityPlan = {
    input: { ...input, kvPrecision, cudaOverheadGB },
    weightsGB: round(weightsGB),
    kvCacheBytesPerToken: kvBytesPerToken,
    kvCachePerCallGB: round(kvPerCallGB, 4),
    kvCacheGB: round(kvCacheGB),
    activationPerCallGB: round(activationPerCallGB, 4),
    overheadGB: round(overheadGB),
    totalGB: round(totalGB),
    formula: {
      weights: `${input.paramsB}e9 params × ${PRECISION_BYTES[input.precision]} B (${input.precision})`,
      kvCachePerToken: `2 × ${input.layers} layers × ${input.kvHeads} kv heads × ${headDim} head dim × ${PRECISION_BYTES[kvPrecision]} B (${kvPrecision})`,
      kvCache: `per token × ${input.contextLength} context × ${input.concurrentCalls} calls`,
      overhead: `${cudaOverheadGB} GB CUDA + (${input.hiddenSize} + ${input.intermediateSize}) × ${input.contextLength} × 2 B per call`,
    },
  };
  if (input.gpuMemoryGB !== undefined) {
    const free = input.gpuMemoryGB - weightsGB - cudaOverheadGB;
    plan.maxConcurrentCalls = Math.max(0, Math.floor(free / (kvPerCallGB + activationPerCallGB)));
    plan.fits = totalGB <= input.gpuMemoryGB;
  }
  return plan;
}

/** A capacity question: a preset and/or explicit architecture fields (explicit ones win). */
export type CapacityQuery = Partial<CapacityInput> & { model?: ModelPreset };

const ARCH_FIELDS = [
  'paramsB',
  'layers',
  'hiddenSize',
  'attentionHeads',
  'kvHeads',
  'intermediateSize',
  'contextLength',
] as const;

/** Merge a preset with explicit fields; VALIDATION_FAILED listing each missing or inconsistent field. */
export function resolveCapacityInput(q: CapacityQuery): CapacityInput {
  const preset: Partial<ModelArchitecture> = q.model ? MODEL_PRESETS[q.model] : {};
  const merged = {
    ...preset,
    ...Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)),
  } as Partial<CapacityInput>;
  merged.kvHeads ??= merged.attentionHeads;
  const problems: { field: string; rule: string }[] = [];
  for (const f of ARCH_FIELDS)
    if (merged[f] === undefined) problems.push({ field: f, rule: 'required unless a model preset gives it' });
  if (
    merged.hiddenSize !== undefined &&
    merged.attentionHeads !== undefined &&
    merged.hiddenSize % merged.attentionHeads !== 0
  )
    problems.push({ field: 'attentionHeads', rule: 'must divide hiddenSize' });
  if (
    merged.kvHeads !== undefined &&
    merged.attentionHeads !== undefined &&
    merged.attentionHeads % merged.kvHeads !== 0
  )
    problems.push({ field: 'kvHeads', rule: 'must divide attentionHeads' });
  if (problems.length > 0) throw new HuashuException('VALIDATION_FAILED', 'incomplete model description', problems);
  return { precision: 'fp16', concurrentCalls: 1, ...merged } as CapacityInput;
}
