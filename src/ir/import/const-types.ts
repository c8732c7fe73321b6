// Constants as plain JS numbers for import-time folding (./const-eval.ts). int64 entries beyond 2^53 (Slice's "to the
// end" sentinels) lose low bits but keep sign and magnitude, which is all those uses need, and are clamped back into
// int64 range when written out.
import type { DType, Tensor } from '../tensor.js';

/** A constant as plain numbers, row-major. */
export interface Const {
  dtype: DType;
  dims: number[];
  data: number[];
}

/** Largest tensor the evaluator produces; bigger results stay as nodes for ORT to compute. */
export const MAX_FOLD_ELEMENTS = 1 << 16;

export class TooLargeToFold extends Error {}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

export function constOf(t: Tensor): Const {
  return { dtype: t.dtype, dims: [...t.dims], data: Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x)) };
}

export function tensorOf(c: Const): Tensor {
  const n = c.data.length;
  switch (c.dtype) {
    case 'float32': return { dtype: c.dtype, dims: c.dims, data: Float32Array.from(c.data) };
    case 'float64': return { dtype: c.dtype, dims: c.dims, data: Float64Array.from(c.data) };
    case 'int32': return { dtype: c.dtype, dims: c.dims, data: Int32Array.from(c.data) };
    case 'int8': return { dtype: c.dtype, dims: c.dims, data: Int8Array.from(c.data) };
    case 'uint8': case 'bool': return { dtype: c.dtype, dims: c.dims, data: Uint8Array.from(c.data) };
    case 'int64': {
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = c.data[i]!;
        const b = Number.isFinite(v) ? BigInt(Math.trunc(v)) : v > 0 ? INT64_MAX : INT64_MIN;
        data[i] = b > INT64_MAX ? INT64_MAX : b < INT64_MIN ? INT64_MIN : b;
      }
      return { dtype: c.dtype, dims: c.dims, data };
    }
  }
}
