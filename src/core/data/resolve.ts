// From a spec string to ready data: read the splits, standardise both with training statistics, then pick
// the requested split and (optionally) a seeded stratified subset of it.

import { createRng } from '../rng.js';
import { loadCifar10, loadCifar100 } from './cifar.js';
import type { DataSplits, Dataset, SplitName } from './dataset.js';
import { loadDigits } from './digits.js';
import { DataError } from './errors.js';
import type { ReadOptions } from './files.js';
import { loadMnistLike } from './mnist.js';
import { loadNpy, loadNpz } from './numpy.js';
import { parseDataSpec, type DataSpec } from './spec.js';
import { channelStatistics, standardise } from './standardise.js';
import { concatDatasets, sampleSubset } from './subset.js';

export interface ResolveOptions extends ReadOptions {
  /** Which split `selected` is (default 'train'); 'all' joins train and test (one set for npy). */
  split?: SplitName;
  /** Size of a seeded, stratified subset of the chosen split (default: the whole split). */
  samples?: number;
  /** Seed of that subset (default 0). */
  seed?: number;
  /** Standardise per channel with training statistics (default true). */
  standardise?: boolean;
}

export interface ResolvedData extends DataSplits {
  /** The chosen split, standardised, reduced to `samples` when asked. */
  selected: Dataset;
}

const SPLITS: readonly SplitName[] = ['train', 'test', 'all'];

export function resolveData(spec: string | DataSpec, options: ResolveOptions = {}): ResolvedData {
  const split = options.split ?? 'train';
  if (!SPLITS.includes(split)) throw new DataError(`split '${split}' is not one of ${SPLITS.join(', ')}`);
  const raw = readSplits(typeof spec === 'string' ? parseDataSpec(spec) : spec, options);
  const splits = options.standardise === false ? raw : standardiseSplits(raw);
  const chosen = pickSplit(splits, split);
  const selected = options.samples === undefined ? chosen : sampleSubset(chosen, options.samples, createRng(options.seed ?? 0));
  return { ...splits, selected };
}

/** Reads a spec's files without any preprocessing beyond scaling bytes to [0, 1]. */
export function readSplits(spec: DataSpec, options: ReadOptions = {}): DataSplits {
  switch (spec.kind) {
    case 'digits': return loadDigits(options);
    case 'fashion-mnist': case 'mnist': return loadMnistLike(spec.kind, spec.dir, options);
    case 'cifar10': return loadCifar10(spec.dir, options);
    case 'cifar100': return loadCifar100(spec.dir, spec.labels, options);
    case 'npy': return loadNpy(spec.x, spec.y, options);
    case 'npz': return loadNpz(spec.file, options);
  }
}

/** Both splits standardised with the training split's per-channel statistics. */
export function standardiseSplits(splits: DataSplits): DataSplits {
  const stats = channelStatistics(splits.train);
  const train = standardise(splits.train, stats);
  const test = splits.test === splits.train ? train : standardise(splits.test, stats);
  return { ...splits, train, test };
}

function pickSplit(splits: DataSplits, split: SplitName): Dataset {
  if (split === 'train') return splits.train;
  if (split === 'test') return splits.test;
  return splits.train === splits.test ? splits.train : concatDatasets(splits.train, splits.test);
}
