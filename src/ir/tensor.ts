// Plain tensors: typed data plus dims, the exchange format between ir/, engine/ and core/.

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

export type TensorData =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int8Array
  | Uint8Array;

export interface Tensor {
  dtype: DType;
  dims: number[];
  data: TensorData;
}

/** A zeroed array of `n` elements of `dtype` (bool is one byte per element, as ONNX stores it). */
export function allocateData(dtype: DType, n: number): TensorData {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'int32': return new Int32Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
  }
}

/** `length` elements of `dtype` on `buf` from byte `offset`, without a copy (offset aligned to the element size). */
export function viewData(dtype: DType, buf: ArrayBuffer, offset = 0, length?: number): TensorData {
  switch (dtype) {
    case 'float32': return new Float32Array(buf, offset, length);
    case 'float64': return new Float64Array(buf, offset, length);
    case 'int64': return new BigInt64Array(buf, offset, length);
    case 'int32': return new Int32Array(buf, offset, length);
    case 'int8': return new Int8Array(buf, offset, length);
    case 'uint8': case 'bool': return new Uint8Array(buf, offset, length);
  }
}

export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function float32(dims: number[], data?: ArrayLike<number>): Tensor {
  const n = sizeOf(dims);
  const arr = new Float32Array(n);
  if (data) {
    if (data.length !== n) throw new Error(`float32 tensor of shape [${dims}] needs ${n} values, got ${data.length}`);
    arr.set(data);
  }
  return { dtype: 'float32', dims: [...dims], data: arr };
}

export function int64(dims: number[], data: ArrayLike<number | bigint>): Tensor {
  const n = sizeOf(dims);
  if (data.length !== n) throw new Error(`int64 tensor of shape [${dims}] needs ${n} values, got ${data.length}`);
  const arr = new BigInt64Array(n);
  for (let i = 0; i < n; i++) arr[i] = BigInt(data[i] as number | bigint);
  return { dtype: 'int64', dims: [...dims], data: arr };
}

export function scalarFloat(v: number): Tensor {
  return float32([], [v]);
}
