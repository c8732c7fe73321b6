// Integer sample arrays (token ids): read exactly into float32, which holds every integer of magnitude below 2^24,
// so the engine can feed them back as int64 without loss. Larger values are refused rather than rounded.

import { DataError, formatCount as count } from './errors.js';
import type { NpyArray } from './npy.js';

/** Integers up to this magnitude (exclusive) are exact in float32. */
export const MAX_EXACT_INT = 2 ** 24;

/** Whether the array holds integer samples (int32/int64; uint8 stays pixel bytes, read as float). */
export function isIntegerNpy(a: NpyArray): boolean {
  return a.dtype === '<i4' || a.dtype === '<i8';
}

/** The values as float32, exactly; a DataError naming the first value of magnitude 2^24 or more. */
export function npyToIntegerSamples(a: NpyArray, label: string): Float32Array {
  const aligned = a.data.slice();
  const n = aligned.length / (a.dtype === '<i8' ? 8 : 4);
  const get: (i: number) => number = a.dtype === '<i8'
    ? ((v) => (i: number) => Number(v[i]!))(new BigInt64Array(aligned.buffer))
    : ((v) => (i: number) => v[i]!)(new Int32Array(aligned.buffer));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = get(i);
    if (Math.abs(v) >= MAX_EXACT_INT) {
      throw new DataError(`${label} holds integer ${v} at index ${count(i)}; integer samples (token ids) must have |v| < 2^24 = ${count(MAX_EXACT_INT)} (save float samples as float32 with arr.astype('<f4'))`);
    }
    out[i] = v;
  }
  return out;
}
