// Stratified selection: every class gets its share of the k samples (largest-remainder rounding, so the
// counts add up to exactly k), and within a class a seeded permutation decides which samples.

import { permutation, type Rng } from '../rng.js';
import { classCounts } from './dataset.js';
import { DataError, formatCount as count } from './errors.js';

/**
 * Splits `total` among classes in proportion to their counts: floor(counts[c]·total/n) each, then one more
 * to the classes with the largest remainders (ties: lower class first). Exact integer arithmetic.
 */
export function allocateByClass(counts: readonly number[], total: number): number[] {
  const n = counts.reduce((s, c) => s + c, 0);
  if (!Number.isInteger(total) || total < 0 || total > n) throw new DataError(`cannot take ${total} of ${count(n)} samples`);
  if (n === 0) return counts.map(() => 0);
  const quota = counts.map((c) => Math.floor((c * total) / n));
  const remainder = counts.map((c, i) => ({ i, r: (c * total) % n }));
  let left = total - quota.reduce((s, q) => s + q, 0);
  remainder.sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of remainder) {
    if (left === 0) break;
    quota[i]!++;
    left--;
  }
  return quota;
}

/** k sample indices, stratified by class, in ascending order. Classes are visited 0, 1, … with one rng. */
export function stratifiedSample(y: Int32Array, classes: number, k: number, rng: Rng): Uint32Array {
  const counts = classCounts(y, classes);
  const quota = allocateByClass(counts, k);
  const byClass = counts.map((c) => new Uint32Array(c));
  const fill = new Array<number>(classes).fill(0);
  for (let i = 0; i < y.length; i++) { const c = y[i]!; byClass[c]![fill[c]!++] = i; }
  const chosen = new Uint32Array(k);
  let at = 0;
  for (let c = 0; c < classes; c++) {
    const members = byClass[c]!;
    const order = permutation(rng, members.length);
    for (let j = 0; j < quota[c]!; j++) chosen[at++] = members[order[j]!]!;
  }
  return chosen.sort();
}

/** A stratified train/test partition with exactly `testCount` test samples; both index lists ascending. */
export function stratifiedSplit(y: Int32Array, classes: number, testCount: number, rng: Rng): { train: Uint32Array; test: Uint32Array } {
  const test = stratifiedSample(y, classes, testCount, rng);
  const inTest = new Uint8Array(y.length);
  for (const i of test) inTest[i] = 1;
  const train = new Uint32Array(y.length - testCount);
  let at = 0;
  for (let i = 0; i < y.length; i++) if (!inTest[i]) train[at++] = i;
  return { train, test };
}
