// Where NaN or ±∞ enter an evaluation: a weight tensor or a data sample. Without this, `eval` printed "loss NaN ± 0"
// and left the user to guess; with it the command names the tensor or sample and the first position.
import type { Tensor } from '../../ir/tensor.js';
import type { Dataset } from '../data/dataset.js';

export interface NonFiniteFind {
  /** Tensor name, or the sample's index in the split. */
  where: string | number;
  /** Index of the first non-finite value inside the tensor or sample (row-major over its shape). */
  position: number[];
  value: number;
  /** Non-finite values in that tensor (weights), or samples holding any (data). */
  count: number;
}

/** Row-major flat index → multi-index over `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    out[d] = n > 0 ? flat % n : 0;
    flat = n > 0 ? Math.floor(flat / n) : 0;
  }
  return out;
}

/** The first floating-point tensor (in the given order) holding NaN or ±∞; integer tensors are skipped. */
export function firstNonFiniteTensor(tensors: Iterable<[string, Tensor]>): NonFiniteFind | undefined {
  for (const [name, t] of tensors) {
    if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) continue;
    let first = -1, count = 0;
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i]!)) {
        if (first < 0) first = i;
        count++;
      }
    }
    if (first >= 0) return { where: name, position: unravel(first, t.dims), value: t.data[first]!, count };
  }
  return undefined;
}

/** The first sample of a data set holding NaN or ±∞ (inputs or float targets), and how many samples do. */
export function firstNonFiniteSample(ds: Pick<Dataset, 'x' | 'shape' | 'count'>): NonFiniteFind | undefined {
  const per = ds.shape.reduce((a, b) => a * b, 1);
  let found: NonFiniteFind | undefined;
  let samples = 0;
  for (let s = 0; s < ds.count; s++) {
    for (let k = s * per; k < (s + 1) * per; k++) {
      if (Number.isFinite(ds.x[k]!)) continue;
      samples++;
      found ??= { where: s, position: unravel(k - s * per, ds.shape), value: ds.x[k]!, count: 0 };
      break;
    }
  }
  return found ? { ...found, count: samples } : undefined;
}
