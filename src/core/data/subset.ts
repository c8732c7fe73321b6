// Building new data sets from old ones: pick samples by index, a seeded stratified subset, concatenation.

import type { Rng } from '../rng.js';
import { makeDataset, sampleSize, type Dataset, type DatasetFields } from './dataset.js';
import { DataError, formatCount as count } from './errors.js';
import { stratifiedSample } from './stratify.js';

/** The samples at `indices`, in that order; everything else (split, standardisation, note) is kept. */
export function selectSamples(ds: Dataset, indices: ArrayLike<number>, overrides: Partial<DatasetFields> = {}): Dataset {
  const per = sampleSize(ds.shape);
  const x = new Float32Array(indices.length * per);
  const y = new Int32Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!(i >= 0 && i < ds.count)) throw new DataError(`${ds.name}: sample index ${i} is outside 0..${ds.count - 1}`);
    x.set(ds.x.subarray(i * per, (i + 1) * per), j * per);
    y[j] = ds.y[i]!;
  }
  return makeDataset({ ...fieldsOf(ds), x, y, ...overrides });
}

/**
 * A seeded, class-stratified subset of `samples` samples (kept in their original order). Asking for all of
 * them returns `ds` itself; asking for more is a DataError.
 */
export function sampleSubset(ds: Dataset, samples: number, rng: Rng): Dataset {
  if (!Number.isInteger(samples) || samples < 1) throw new DataError(`samples must be a positive integer, got ${samples}`);
  if (samples > ds.count) {
    throw new DataError(`${ds.name}: asked for ${count(samples)} samples but the ${ds.split} split holds ${count(ds.count)} (use --samples ${count(ds.count)} or fewer, or leave it out)`);
  }
  if (samples === ds.count) return ds;
  return selectSamples(ds, stratifiedSample(ds.y, ds.classes, samples, rng));
}

/** a's samples followed by b's, as split 'all'. Shapes and class counts must agree. */
export function concatDatasets(a: Dataset, b: Dataset): Dataset {
  if (a.shape.join() !== b.shape.join() || a.xDtype !== b.xDtype) throw new DataError(`${a.name}: cannot join samples of shape [${a.shape}] and [${b.shape}]`);
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x); x.set(b.x, a.x.length);
  const y = new Int32Array(a.count + b.count);
  y.set(a.y); y.set(b.y, a.count);
  return makeDataset({ ...fieldsOf(a), x, y, split: 'all', classes: Math.max(a.classes, b.classes) });
}

/** The stored fields of a data set, without the derived count and hash. */
export function fieldsOf(ds: Dataset): DatasetFields {
  const { name, split, x, y, shape, classes, classNames, xDtype, standardisation, note } = ds;
  return {
    name, split, x, y, shape, classes,
    ...(xDtype ? { xDtype } : {}),
    ...(classNames ? { classNames } : {}),
    ...(standardisation ? { standardisation } : {}),
    ...(note ? { note } : {}),
  };
}
