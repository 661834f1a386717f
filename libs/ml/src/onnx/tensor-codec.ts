import { endianness } from 'node:os';
import { f16round, getFloat16, setFloat16 } from '@petamoriken/float16';

/** ONNX TensorProto.DataType values used here (https://onnx.ai/onnx/api/mapping.html). */
export const ONNX_TYPES = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  float16: 10,
} as const;
export type OnnxElemType = keyof typeof ONNX_TYPES;

if (endianness() !== 'LE') {
  // ONNX raw_data is little-endian; every supported deployment target is LE.
  throw new Error('@huashu/ml writes ONNX raw_data from typed arrays and needs a little-endian CPU');
}

/** Little-endian bytes of a typed array (a copy, so later writes to the array cannot alter a model). */
export const rawBytes = (a: ArrayBufferView): Uint8Array =>
  new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

/** float32 → IEEE 754 binary16 bits (round to nearest even), as stored in ONNX float16 raw_data. */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) setFloat16(view, i * 2, values[i], true);
  return out;
}

/** binary16 bits → float32. */
export function fromFloat16Bits(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const view = new DataView(bits.buffer, bits.byteOffset, bits.byteLength);
  for (let i = 0; i < bits.length; i++) out[i] = getFloat16(view, i * 2, true);
  return out;
}

/** Round-trip through float16 (what an fp16 model computes with after Cast to float). */
export const roundFloat16 = (values: Float32Array): Float32Array => values.map((v) => f16round(v));

/** Symmetric int8 quantisation along rows or columns: q = round(x / s), s = max|x| / 127. */
export interface Int8Quantised {
  q: Int8Array;
  /** One scale per row (axis 0) or per column (axis 1). */
  scales: Float32Array;
  axis: 0 | 1;
}

export function quantiseInt8(values: Float32Array, rows: number, cols: number, axis: 0 | 1): Int8Quantised {
  const n = axis === 0 ? rows : cols;
  const maxAbs = new Float32Array(n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = axis === 0 ? r : c;
      maxAbs[k] = Math.max(maxAbs[k], Math.abs(values[r * cols + c]));
    }
  }
  const scales = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = scales[axis === 0 ? r : c];
      q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(values[r * cols + c] / s)));
    }
  }
  return { q, scales, axis };
}

/** q·s in float32, exactly what DequantizeLinear (zero point 0) computes. */
export function dequantiseInt8(x: Int8Quantised, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = Math.fround(x.q[r * cols + c] * x.scales[x.axis === 0 ? r : c]);
  }
  return out;
}
