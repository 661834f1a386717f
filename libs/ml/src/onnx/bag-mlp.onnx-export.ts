import type { BagMlpModel } from '../nn/bag-mlp.model.js';
import { OnnxGraphBuilder } from './onnx-graph.builder.js';
import { dequantiseInt8, quantiseInt8, roundFloat16, toFloat16Bits, type Int8Quantised } from './tensor-codec.js';

export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

/**
 * Input/output contract of an exported BagMlp (documented for users of the ONNX file):
 * - `ids` int32 [batch, features]: hashed feature ids, padded with any id;
 * - `weights` float32 [batch, features, 1]: each feature's weight (0 on padding);
 * - `logits` float32 [batch, classes]; `probs` float32 [batch, classes] = softmax(logits / temperature).
 */
export const BAG_MLP_IO = { ids: 'ids', weights: 'weights', logits: 'logits', probs: 'probs' } as const;

/**
 * Write a BagMlp as ONNX in one precision:
 * - fp32: Gather → Mul → ReduceSum → Gemm → Relu → Gemm → Div(T) → Softmax;
 * - fp16: every weight stored as float16, Cast to float after Gather (only gathered rows are widened);
 * - int8: the table as int8 rows with one scale per row — Gather the int8 rows and their scales,
 *   Cast, fold the scale into the feature weight (dequantising only the gathered rows, not the whole
 *   table per call); dense weights as int8 per output column through DequantizeLinear; biases fp32.
 */
export function exportBagMlpOnnx(
  model: BagMlpModel,
  opts: { precision: Precision; temperature: number; producer: string; metadata?: Record<string, string> },
): Uint8Array {
  const { buckets, dim, hidden, classes } = model.shape;
  const { embedding, w1, b1, w2, b2 } = model.weights;
  const g = new OnnxGraphBuilder('bag_mlp');
  const ids = g.input(BAG_MLP_IO.ids, 'int32', ['batch', 'features']);
  const weights = g.input(BAG_MLP_IO.weights, 'float32', ['batch', 'features', 1]);

  let weighted: string;
  if (opts.precision === 'int8') {
    const q = quantiseInt8(embedding, buckets, dim, 0);
    g.initializer('embedding_q', { type: 'int8', dims: [buckets, dim], data: q.q });
    g.initializer('embedding_scale', { type: 'float32', dims: [buckets, 1], data: q.scales });
    const rowsQ = g.node('Gather', ['embedding_q', ids], ['rows_q'], { axis: { i: 0 } });
    const rows = g.node('Cast', [rowsQ], ['rows'], { to: { i: 1 } });
    const scale = g.node('Gather', ['embedding_scale', ids], ['row_scale'], { axis: { i: 0 } });
    const ws = g.node('Mul', [weights, scale], ['scaled_weights']);
    weighted = g.node('Mul', [rows, ws], ['weighted']);
  } else {
    const table = dense(g, 'embedding', embedding, [buckets, dim], opts.precision, false);
    const rows = g.node('Gather', [table, ids], [opts.precision === 'fp16' ? 'rows_h' : 'rows'], { axis: { i: 0 } });
    const rowsF = opts.precision === 'fp16' ? g.node('Cast', [rows], ['rows'], { to: { i: 1 } }) : rows;
    weighted = g.node('Mul', [rowsF, weights], ['weighted']);
  }
  g.initializer('reduce_axes', { type: 'int64', dims: [1], data: BigInt64Array.of(1n) });
  let x = g.node('ReduceSum', [weighted, 'reduce_axes'], ['bag'], { keepdims: { i: 0 } });

  if (hidden && w1 && b1) {
    const W1 = dense(g, 'w1', w1.data, [dim, hidden], opts.precision, true);
    const B1 = dense(g, 'b1', b1, [hidden], opts.precision === 'fp16' ? 'fp16' : 'fp32', false);
    x = g.node('Relu', [g.node('Gemm', [x, W1, B1], ['hidden_pre'])], ['hidden']);
  }
  const W2 = dense(g, 'w2', w2.data, [hidden || dim, classes], opts.precision, true);
  const B2 = dense(g, 'b2', b2, [classes], opts.precision === 'fp16' ? 'fp16' : 'fp32', false);
  const logits = g.node('Gemm', [x, W2, B2], [BAG_MLP_IO.logits]);
  g.initializer('temperature', { type: 'float32', dims: [], data: Float32Array.of(opts.temperature) });
  const scaled = g.node('Div', [logits, 'temperature'], ['scaled_logits']);
  g.node('Softmax', [scaled], [BAG_MLP_IO.probs], { axis: { i: -1 } });
  g.output(BAG_MLP_IO.logits, 'float32', ['batch', classes]);
  g.output(BAG_MLP_IO.probs, 'float32', ['batch', classes]);
  return g.build({ producer: opts.producer, metadata: opts.metadata });
}

/** Add a weight in a precision and return the name of its float32 value in the graph. */
function dense(
  g: OnnxGraphBuilder,
  name: string,
  values: Float32Array,
  dims: number[],
  precision: Precision,
  quantisable: boolean,
): string {
  if (precision === 'fp16') {
    g.initializer(`${name}_h`, { type: 'float16', dims, data: toFloat16Bits(values) });
    return g.node('Cast', [`${name}_h`], [name], { to: { i: 1 } });
  }
  if (precision === 'int8' && quantisable && dims.length === 2) {
    const q = quantiseInt8(values, dims[0], dims[1], 1);
    g.initializer(`${name}_q`, { type: 'int8', dims, data: q.q });
    g.initializer(`${name}_scale`, { type: 'float32', dims: [dims[1]], data: q.scales });
    g.initializer(`${name}_zero`, { type: 'int8', dims: [dims[1]], data: new Int8Array(dims[1]) });
    return g.node('DequantizeLinear', [`${name}_q`, `${name}_scale`, `${name}_zero`], [name], { axis: { i: 1 } });
  }
  return g.initializer(name, { type: 'float32', dims, data: values });
}

/**
 * The TypeScript reference of an exported precision: the same model with its weights rounded the
 * way the ONNX file stores them, so ONNX outputs can be checked against it to float tolerance.
 */
export function referenceForPrecision(model: BagMlpModel, precision: Precision): BagMlpModel {
  if (precision === 'fp32') return model;
  if (precision === 'fp16') return model.mapWeights((_n, v) => roundFloat16(v));
  const { dim } = model.shape;
  return model.mapWeights((name, v, cols) => {
    if (name === 'embedding') return dequantiseInt8(quantiseInt8(v, v.length / dim, dim, 0), v.length / dim, dim);
    if (name === 'w1' || name === 'w2') {
      const q: Int8Quantised = quantiseInt8(v, v.length / cols, cols, 1);
      return dequantiseInt8(q, v.length / cols, cols);
    }
    return v;
  });
}
