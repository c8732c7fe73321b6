// Building new data sets from old ones: pick samples by index, a seeded stratified subset, concatenation.

import { permutation, type Rng } from '../rng.js';
import { makeDataset, sampleSize, type Dataset, type DatasetFields } from './dataset.js';
import { option, worded } from '../../ir/errors.js';
import { DataError, formatCount as count } from './errors.js';
import { stratifiedSample } from './stratify.js';

/** The samples at `indices`, in that order; everything else (split, standardisation, note) is kept. */
export function selectSamples(ds: Dataset, indices: ArrayLike<number>, overrides: Partial<DatasetFields> = {}): Dataset {
  const per = sampleSize(ds.shape);
  const ly = ds.labelShape ? sampleSize(ds.labelShape) : 1;
  const lt = ds.targets ? (ds.targetShape ? sampleSize(ds.targetShape) : 1) : 0;
  const x = new Float32Array(indices.length * per);
  const y = new Int32Array(indices.length * ly);
  const targets = ds.targets ? new Float32Array(indices.length * lt) : undefined;
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!(i >= 0 && i < ds.count)) throw new DataError(`${ds.name}: sample index ${i} is outside 0..${ds.count - 1}`);
    x.set(ds.x.subarray(i * per, (i + 1) * per), j * per);
    y.set(ds.y.subarray(i * ly, (i + 1) * ly), j * ly);
    if (targets) targets.set(ds.targets!.subarray(i * lt, (i + 1) * lt), j * lt);
  }
  return makeDataset({ ...fieldsOf(ds), x, y, ...(targets ? { targets } : {}), ...overrides });
}

/** Whether samples carry one class label each (so subsets can be stratified by it). */
export function hasClassLabels(ds: Dataset): boolean {
  return !ds.labelShape && !ds.targets;
}

/**
 * A seeded, class-stratified subset of `samples` samples (kept in their original order). Asking for all of
 * them returns `ds` itself; asking for more is a DataError.
 */
export function sampleSubset(ds: Dataset, samples: number, rng: Rng): Dataset {
  if (!Number.isInteger(samples) || samples < 1) throw new DataError(`samples must be a positive integer, got ${samples}`);
  if (samples > ds.count) {
    throw new DataError(worded`${ds.name}: asked for ${count(samples)} samples but the ${ds.split} split holds ${count(ds.count)} (use ${option('samples', count(ds.count))} or fewer, or leave it out)`);
  }
  if (samples === ds.count) return ds;
  // Label sequences and float targets have no single class to stratify by: a seeded subset in the original order.
  if (!hasClassLabels(ds)) return selectSamples(ds, permutation(rng, ds.count).slice(0, samples).sort());
  return selectSamples(ds, stratifiedSample(ds.y, ds.classes, samples, rng));
}

/** a's samples followed by b's, as split 'all'. Shapes and class counts must agree. */
export function concatDatasets(a: Dataset, b: Dataset): Dataset {
  if (a.shape.join() !== b.shape.join() || a.xDtype !== b.xDtype) throw new DataError(`${a.name}: cannot join samples of shape [${a.shape}] and [${b.shape}]`);
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x); x.set(b.x, a.x.length);
  const y = new Int32Array(a.y.length + b.y.length);
  y.set(a.y); y.set(b.y, a.y.length);
  let targets: Float32Array | undefined;
  if (a.targets && b.targets) { targets = new Float32Array(a.targets.length + b.targets.length); targets.set(a.targets); targets.set(b.targets, a.targets.length); }
  return makeDataset({ ...fieldsOf(a), x, y, ...(targets ? { targets } : {}), split: 'all', classes: Math.max(a.classes, b.classes) });
}

/** The stored fields of a data set, without the derived count and hash. */
export function fieldsOf(ds: Dataset): DatasetFields {
  const { name, split, x, y, shape, classes, classNames, xDtype, labelShape, targets, targetShape, standardisation, note } = ds;
  return {
    name, split, x, y, shape, classes,
    ...(xDtype ? { xDtype } : {}),
    ...(labelShape ? { labelShape } : {}),
    ...(targets ? { targets, ...(targetShape ? { targetShape } : {}) } : {}),
    ...(classNames ? { classNames } : {}),
    ...(standardisation ? { standardisation } : {}),
    ...(note ? { note } : {}),
  };
}
