// Samples reshaped to what a model takes when only unit axes differ: npy images (N, H, W) load as [1, H, W], which a
// sequence model taking [T, D] reads as [T, D]; a [T] sample fits a model taking [T, 1]. Values and order stay.

import { makeDataset, type Dataset } from './dataset.js';
import { fieldsOf } from './subset.js';

/** `ds` with sample shape `want` when the two differ only by axes of size 1; `ds` itself otherwise. */
export function fitSampleShape(ds: Dataset, want: readonly number[]): Dataset {
  if (want.join() === ds.shape.join() || !want.every((d) => Number.isInteger(d) && d > 0)) return ds;
  const core = (s: readonly number[]) => s.filter((d) => d !== 1).join();
  if (core(want) !== core(ds.shape)) return ds;
  return makeDataset({ ...fieldsOf(ds), shape: [...want] });
}
