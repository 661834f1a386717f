import {
  OnnxGraphBuilder,
  dequantiseInt8,
  quantiseInt8,
  roundFloat16,
  toFloat16Bits,
  type Precision,
} from '@huashu/ml';
import type { SentenceEncoderModel } from './sentence-encoder.model.js';

/**
 * Input/output contract of the built-in encoder's ONNX file (documented in the README):
 * - `ids` int32 [batch, features]: hashed n-gram ids from `HashedFeaturiser` with the parameters in
 *   metadata.json, padded with any id;
 * - `weights` float32 [batch, features, 1]: each feature's weight (0 on padding);
 * - `embedding` float32 [batch, dim]: L2-normalised sentence vector.
 */
export const SENTENCE_ENCODER_IO = { ids: 'ids', weights: 'weights', embedding: 'embedding' } as const;

/**
 * Write the encoder as ONNX: Gather the feature rows → Mul by the weights → ReduceSum over the
 * features → LpNormalization. int8 stores the table as int8 rows with one scale per row and folds
 * the scale into the feature weight, so only the gathered rows are widened (the table stays 1 byte
 * a value in memory); fp16 stores float16 rows and Casts the gathered ones.
 */
export function exportSentenceEncoderOnnx(
  model: SentenceEncoderModel,
  opts: { precision: Precision; producer: string; metadata?: Record<string, string> },
): Uint8Array {
  const { buckets, dim } = model.shape;
  const g = new OnnxGraphBuilder('sentence_encoder');
  const ids = g.input(SENTENCE_ENCODER_IO.ids, 'int32', ['batch', 'features']);
  const weights = g.input(SENTENCE_ENCODER_IO.weights, 'float32', ['batch', 'features', 1]);
  let weighted: string;
  if (opts.precision === 'int8') {
    const q = quantiseInt8(model.table, buckets, dim, 0);
    g.initializer('table_q', { type: 'int8', dims: [buckets, dim], data: q.q });
    g.initializer('table_scale', { type: 'float32', dims: [buckets, 1], data: q.scales });
    const rows = g.node('Cast', [g.node('Gather', ['table_q', ids], ['rows_q'], { axis: { i: 0 } })], ['rows'], {
      to: { i: 1 },
    });
    const scale = g.node('Gather', ['table_scale', ids], ['row_scale'], { axis: { i: 0 } });
    weighted = g.node('Mul', [rows, g.node('Mul', [weights, scale], ['scaled_weights'])], ['weighted']);
  } else if (opts.precision === 'fp16') {
    g.initializer('table_h', { type: 'float16', dims: [buckets, dim], data: toFloat16Bits(model.table) });
    const rowsH = g.node('Gather', ['table_h', ids], ['rows_h'], { axis: { i: 0 } });
    weighted = g.node('Mul', [g.node('Cast', [rowsH], ['rows'], { to: { i: 1 } }), weights], ['weighted']);
  } else {
    g.initializer('table', { type: 'float32', dims: [buckets, dim], data: model.table });
    weighted = g.node('Mul', [g.node('Gather', ['table', ids], ['rows'], { axis: { i: 0 } }), weights], ['weighted']);
  }
  g.initializer('reduce_axes', { type: 'int64', dims: [1], data: BigInt64Array.of(1n) });
  const bag = g.node('ReduceSum', [weighted, 'reduce_axes'], ['bag'], { keepdims: { i: 0 } });
  g.node('LpNormalization', [bag], [SENTENCE_ENCODER_IO.embedding], { axis: { i: -1 }, p: { i: 2 } });
  g.output(SENTENCE_ENCODER_IO.embedding, 'float32', ['batch', dim]);
  return g.build({ producer: opts.producer, metadata: opts.metadata });
}

/** The table an exported precision actually holds, for checking ONNX outputs against the reference. */
export function tableForPrecision(model: SentenceEncoderModel, precision: Precision): Float32Array {
  const { buckets, dim } = model.shape;
  if (precision === 'fp16') return roundFloat16(model.table);
  if (precision === 'int8') return dequantiseInt8(quantiseInt8(model.table, buckets, dim, 0), buckets, dim);
  return model.table;
}
