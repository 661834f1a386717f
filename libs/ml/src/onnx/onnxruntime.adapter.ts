import * as ort from 'onnxruntime-node';
import type {
  InferenceRuntime,
  InferenceSession,
  InferenceSessionOptions,
  TensorValue,
} from './inference-session.port.js';

/** onnxruntime-node behind the InferenceRuntime port. */
export class OnnxRuntimeAdapter implements InferenceRuntime {
  async load(model: string | Uint8Array, opts: InferenceSessionOptions = {}): Promise<InferenceSession> {
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: opts.graphOptimization ?? 'all',
    };
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, options)
        : await ort.InferenceSession.create(model, options);
    return new OrtSession(session);
  }
}

class OrtSession implements InferenceSession {
  constructor(private readonly session: ort.InferenceSession) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Record<string, TensorValue>, outputs?: readonly string[]): Promise<Record<string, TensorValue>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const result = outputs ? await this.session.run(ortFeeds, [...outputs]) : await this.session.run(ortFeeds);
    const out: Record<string, TensorValue> = {};
    for (const [name, value] of Object.entries(result)) {
      const t = value;
      if (t.type === 'float32' || t.type === 'int32' || t.type === 'int64') {
        out[name] = { type: t.type, data: t.data, dims: t.dims } as TensorValue;
      } else {
        throw new TypeError(`output ${name} has unsupported type ${t.type}`);
      }
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
