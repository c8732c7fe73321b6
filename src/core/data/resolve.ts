// From a spec string to ready data: read the splits, normalise both (by default: known data sets with their training
// statistics, user arrays as given), then pick the requested split and (optionally) a seeded stratified subset of it.

import { createRng } from '../rng.js';
import { loadCifar10, loadCifar100 } from './cifar.js';
import type { DataSplits, Dataset, SplitName } from './dataset.js';
import { loadDigits } from './digits.js';
import { option, worded } from '../../ir/errors.js';
import { DataError } from './errors.js';
import type { ReadOptions } from './files.js';
import { loadMnistLike } from './mnist.js';
import { loadNpy, loadNpz } from './numpy.js';
import { loadPackedNpz, type PackedInput } from './packed.js';
import { formatNormalization, toNormalization, type Normalization } from './normalize.js';
import { formatDataSpec, parseDataSpec, type DataSpec } from './spec.js';
import { channelStatistics, channelsOf, standardise } from './standardise.js';
import { concatDatasets, sampleSubset } from './subset.js';

export interface ResolveOptions extends ReadOptions {
  /** Which split `selected` is (default 'train'); 'all' joins train and test (one set for npy). */
  split?: SplitName;
  /** Size of a seeded, stratified subset of the chosen split (default: the whole split). */
  samples?: number;
  /** Seed of that subset (default 0). */
  seed?: number;
  /** --normalize: 'per-channel', 'none', 'MEAN,STD' or the parsed form (default: per source, see defaultNormalization). */
  normalize?: Normalization | string;
  /** A model with several inputs: npz arrays named after them are packed side by side (./packed.ts). */
  inputs?: readonly PackedInput[];
}

export interface ResolvedData extends DataSplits {
  /** The chosen split, normalised, reduced to `samples` when asked. */
  selected: Dataset;
  /** The normalisation in force, canonical text ('per-channel', 'none', 'm1;m2,s1;s2'): part of a run's identity. */
  normalize: string;
}

const SPLITS: readonly SplitName[] = ['train', 'test', 'all'];

export function resolveData(spec: string | DataSpec, options: ResolveOptions = {}): ResolvedData {
  const split = options.split ?? 'train';
  if (!SPLITS.includes(split)) throw new DataError(`split '${split}' is not one of ${SPLITS.join(', ')}`);
  const parsed = typeof spec === 'string' ? parseDataSpec(spec) : spec;
  const normalization = toNormalization(options.normalize, parsed);
  const splits = normalizeSplits(readSplits(parsed, options), normalization);
  const chosen = pickSplit(splits, split);
  const selected = options.samples === undefined ? chosen : sampleSubset(chosen, options.samples, createRng(options.seed ?? 0));
  return { ...splits, selected, normalize: formatNormalization(normalization) };
}

/** Both splits normalised as asked; integer samples (token ids) are refused anything but 'none'. */
export function normalizeSplits(splits: DataSplits, n: Normalization): DataSplits {
  if (n.kind === 'none') return splits;
  if (splits.train.xDtype === 'int64') {
    throw new DataError(worded`${splits.source}: the samples are integers (token ids, fed as int64) and cannot be normalised; use ${option('normalize', 'none')} (the default for npy/npz)`);
  }
  if (n.kind === 'per-channel') return standardiseSplits(splits);
  const channels = channelsOf(splits.train.shape);
  if (n.mean.length !== 1 && n.mean.length !== channels) {
    throw new DataError(worded`${option('normalize', formatNormalization(n))}: ${n.mean.length} means and stds, but ${splits.source} has ${channels} channel(s) (samples [${splits.train.shape}]); give one pair or one per channel`);
  }
  const spread = (v: number[]) => (v.length === channels ? [...v] : new Array<number>(channels).fill(v[0]!));
  const stats = { mean: spread(n.mean), std: spread(n.std) };
  const train = standardise(splits.train, stats);
  const test = splits.test === splits.train ? train : standardise(splits.test, stats);
  return { ...splits, train, test };
}

/** Reads a spec's files without any preprocessing beyond scaling bytes to [0, 1]. */
export function readSplits(spec: DataSpec, options: ReadOptions & { inputs?: readonly PackedInput[] } = {}): DataSplits {
  if (options.inputs && spec.kind !== 'npz') {
    throw new DataError(`data '${formatDataSpec(spec)}': the model takes ${options.inputs.length} inputs (${options.inputs.map((v) => `'${v.name}'`).join(', ')}); give them as npz:FILE.npz with one array per input name and y`);
  }
  switch (spec.kind) {
    case 'digits': return loadDigits(options);
    case 'fashion-mnist': case 'mnist': return loadMnistLike(spec.kind, spec.dir, options);
    case 'cifar10': return loadCifar10(spec.dir, options);
    case 'cifar100': return loadCifar100(spec.dir, spec.labels, options);
    case 'npy': return loadNpy(spec.x, spec.y, options);
    case 'npz': return options.inputs ? loadPackedNpz(spec.file, options.inputs, options) : loadNpz(spec.file, options);
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
