/** A tensor crossing the inference port (mirrors onnxruntime's Tensor without importing it). */
export type TensorValue =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'int32'; data: Int32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] };

/** A loaded model. `run` resolves with the requested outputs (all outputs when none are named). */
export interface InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorValue>, outputs?: readonly string[]): Promise<Record<string, TensorValue>>;
  release(): Promise<void>;
}

export interface InferenceSessionOptions {
  /** Threads inside one operator; 1 suits tiny models and a shared CPU (no thread hand-off). */
  intraOpThreads?: number;
  /**
   * onnxruntime graph optimisation level (default `all`). Use `basic` for the int8 BagMlp: the
   * extended level turns DequantizeLinear → Gemm into an integer kernel that also quantises the
   * activations, which departs from the reference forward pass (~2e-3 in the logits).
   */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

/**
 * Port of the ONNX runtime. Domain code depends on this; the onnxruntime-node adapter
 * (`OnnxRuntimeAdapter`) is the only place that imports the native package.
 */
export interface InferenceRuntime {
  load(model: string | Uint8Array, opts?: InferenceSessionOptions): Promise<InferenceSession>;
}

export const INFERENCE_RUNTIME = Symbol('InferenceRuntime');
