/**
 * A small dense-math kit on row-major Float32Arrays. The models here are tiny (a few thousand
 * multiply-adds per example), so plain loops beat pulling in a tensor library; everything is
 * deterministic (fixed summation order).
 */

/** A row-major matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export const matrix = (rows: number, cols: number, data?: Float32Array): Matrix => {
  if (data && data.length !== rows * cols) throw new RangeError(`matrix ${rows}x${cols} needs ${rows * cols} values`);
  return { rows, cols, data: data ?? new Float32Array(rows * cols) };
};

/** out[j] = bias[j] + Σ_i x[i]·W[i, j] (x: [rows], W: rows×cols). */
export function vecMat(x: Float32Array, w: Matrix, bias: Float32Array | null, out: Float32Array): Float32Array {
  const { rows, cols, data } = w;
  if (bias) out.set(bias);
  else out.fill(0);
  for (let i = 0; i < rows; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const off = i * cols;
    for (let j = 0; j < cols; j++) out[j] += xi * data[off + j];
  }
  return out;
}

/** out[i] = Σ_j W[i, j]·g[j] (the gradient through vecMat to its input). */
export function matVec(w: Matrix, g: Float32Array, out: Float32Array): Float32Array {
  const { rows, cols, data } = w;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const off = i * cols;
    for (let j = 0; j < cols; j++) s += data[off + j] * g[j];
    out[i] = s;
  }
  return out;
}

/** G[i, j] += x[i]·g[j] (outer-product accumulate, the weight gradient of vecMat). */
export function addOuter(gw: Matrix, x: Float32Array, g: Float32Array): void {
  const { rows, cols, data } = gw;
  for (let i = 0; i < rows; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const off = i * cols;
    for (let j = 0; j < cols; j++) data[off + j] += xi * g[j];
  }
}

/** a += s·b */
export function axpy(a: Float32Array, s: number, b: Float32Array, aOff = 0, bOff = 0, n = b.length - bOff): void {
  for (let i = 0; i < n; i++) a[aOff + i] += s * b[bOff + i];
}

export function reluInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) if (x[i] < 0) x[i] = 0;
  return x;
}

export const argmax = (x: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
};

/** Xavier/Glorot uniform initialisation for a fan-in × fan-out matrix. */
export function xavierUniform(m: Matrix, rand: () => number): Matrix {
  const a = Math.sqrt(6 / (m.rows + m.cols));
  for (let i = 0; i < m.data.length; i++) m.data[i] = (rand() * 2 - 1) * a;
  return m;
}
