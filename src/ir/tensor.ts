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
