import onnxProto from 'onnx-proto';
import { ONNX_TYPES, rawBytes, type OnnxElemType } from './tensor-codec.js';

const { onnx } = onnxProto;

/** A dimension: a fixed size or a symbolic name (e.g. "batch"). */
export type Dim = number | string;

/** An attribute value with its ONNX kind spelled out (an int and a float look alike in JS). */
export type OnnxAttr = { i: number } | { f: number } | { ints: number[] } | { s: string };

export interface OnnxTensor {
  type: OnnxElemType;
  dims: number[];
  /** float16 tensors take their binary16 bits as a Uint16Array. */
  data: Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array | Uint16Array;
}

/**
 * Opset and IR version of the models written here. IR 8 / opset 13 is what onnx-proto's schema
 * (onnx 1.10) describes; onnxruntime 1.30 loads IR 3-11 and opsets 7-23.
 */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 13;

/**
 * Builds an ONNX ModelProto from TypeScript with onnx-proto's generated protobuf classes. Nodes,
 * initializers and metadata keep insertion order and nothing time- or host-dependent is written, so
 * the same inputs give the same bytes (reproducible models).
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();

  constructor(readonly graphName: string) {}

  input(name: string, type: OnnxElemType, dims: Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: OnnxElemType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  initializer(name: string, t: OnnxTensor): string {
    this.claim(name);
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new RangeError(`initializer ${name}: dims ${t.dims.join('x')} ≠ ${t.data.length} values`);
    this.initializers.push({ name, dataType: ONNX_TYPES[t.type], dims: t.dims, rawData: rawBytes(t.data) });
    return name;
  }

  /** Add a node; returns its first output name. */
  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, OnnxAttr> = {}): string {
    for (const o of outputs) this.claim(o);
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
    });
    return outputs[0];
  }

  /** Serialise the model; `metadata` becomes ModelProto.metadata_props (sorted by key). */
  build(opts: { producer: string; version?: string; doc?: string; metadata?: Record<string, string> }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: opts.producer,
      producerVersion: opts.version ?? '',
      docString: opts.doc ?? '',
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(opts.metadata ?? {})
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`ONNX graph ${this.graphName}: name ${name} used twice`);
    this.names.add(name);
  }
}

function valueInfo(name: string, type: OnnxElemType, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_TYPES[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: OnnxAttr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in v) return { name, type: T.INT, i: v.i };
  if ('f' in v) return { name, type: T.FLOAT, f: v.f };
  if ('ints' in v) return { name, type: T.INTS, ints: v.ints };
  return { name, type: T.STRING, s: new TextEncoder().encode(v.s) };
}

/** Decode a model's metadata_props (for tests and the runtime's sanity checks). */
export function readOnnxMetadata(bytes: Uint8Array): {
  opset: number;
  irVersion: number;
  metadata: Record<string, string>;
} {
  const m = onnx.ModelProto.decode(bytes);
  return {
    irVersion: Number(m.irVersion),
    opset: Number(m.opsetImport[0]?.version ?? 0),
    metadata: Object.fromEntries(m.metadataProps.map((p): [string, string] => [p.key ?? '', p.value ?? ''])),
  };
}
