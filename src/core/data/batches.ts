// Batches as engine-ready tensors: x float32 [n, ...shape], y int64 [n] (or [n, ...labelShape]), and float targets
// float32 [n, ...targetShape] where the data set has them. makeBatches converts a data set
// once (every grid point reuses the same batches); shuffledBatches draws a fresh seeded order per epoch.

import type { Tensor } from '../../ir/tensor.js';
import { permutation, type Rng } from '../rng.js';
import { sampleSize, type Dataset } from './dataset.js';
import { DataError } from './errors.js';

export interface Batch {
  x: Tensor;
  y: Tensor;
  /** Float targets (regression, multi-label BCE), fed as the loss graph's "targets"; absent for class labels. */
  targets?: Tensor;
  size: number;
}

/** Consecutive batches in data-set order; the last one holds the remainder. */
export function makeBatches(ds: Dataset, batchSize: number): Batch[] {
  checkBatchSize(batchSize);
  const batches: Batch[] = [];
  for (let start = 0; start < ds.count; start += batchSize) {
    const n = Math.min(batchSize, ds.count - start);
    batches.push(gather(ds, n, (j) => start + j));
  }
  return batches;
}

export interface ShuffleOptions {
  /** Leave out a final batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

/** One epoch in a random order drawn from rng; call again with the same rng for the next epoch. */
export function* shuffledBatches(ds: Dataset, batchSize: number, rng: Rng, options: ShuffleOptions = {}): Generator<Batch> {
  checkBatchSize(batchSize);
  const order = permutation(rng, ds.count);
  const end = options.dropLast ? ds.count - (ds.count % batchSize) : ds.count;
  for (let start = 0; start < end; start += batchSize) {
    const n = Math.min(batchSize, end - start);
    yield gather(ds, n, (j) => order[start + j]!);
  }
}

function gather(ds: Dataset, n: number, index: (j: number) => number): Batch {
  const per = sampleSize(ds.shape);
  const ly = ds.labelShape ? sampleSize(ds.labelShape) : 1;
  const lt = ds.targets ? (ds.targetShape ? sampleSize(ds.targetShape) : 1) : 0;
  const x = new Float32Array(n * per);
  const y = new BigInt64Array(n * ly);
  const t = ds.targets ? new Float32Array(n * lt) : undefined;
  for (let j = 0; j < n; j++) {
    const i = index(j);
    x.set(ds.x.subarray(i * per, (i + 1) * per), j * per);
    for (let k = 0; k < ly; k++) y[j * ly + k] = BigInt(ds.y[i * ly + k]!);
    if (t) t.set(ds.targets!.subarray(i * lt, (i + 1) * lt), j * lt);
  }
  return {
    x: { dtype: 'float32', dims: [n, ...ds.shape], data: x },
    y: { dtype: 'int64', dims: [n, ...(ds.labelShape ?? [])], data: y },
    ...(t ? { targets: { dtype: 'float32' as const, dims: [n, ...(ds.targetShape ?? [])], data: t } } : {}),
    size: n,
  };
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new DataError(`batch size must be a positive integer, got ${batchSize}`);
}
