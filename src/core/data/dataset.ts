// The in-memory data set every reader produces: float32 samples in NCHW order plus int32 labels,
// with a content hash that changes whenever a value, a label, the order or the subset changes.

import { createHash } from 'node:crypto';
import { DataError, formatCount as count } from './errors.js';

export type SplitName = 'train' | 'test' | 'all';

/** Per-channel statistics used to standardise: x' = (x − mean[c]) / std[c]. */
export interface Standardisation {
  mean: number[];
  std: number[];
}

export interface Dataset {
  /** Family of the data, e.g. 'digits', 'fashion-mnist', 'npy'. */
  readonly name: string;
  readonly split: SplitName;
  /** count × prod(shape) values, sample-major, each sample C×H×W row-major (NCHW). */
  readonly x: Float32Array;
  /**
   * 'int64' when the samples are integers (token ids from an integer npy/npz array): x holds them exactly (|v| < 2^24)
   * and the engine feeds them as int64. Absent for ordinary float samples. Part of the content hash.
   */
  readonly xDtype?: 'int64';
  /**
   * count × prod(labelShape) labels, each in 0..classes−1; with a labelShape, −100 marks an ignored position
   * (PyTorch's ignore_index). Float-target data sets (regression) hold zeros here, with classes 1.
   */
  readonly y: Int32Array;
  /** Shape of one sample's labels when it has several, e.g. [T] for token targets; absent: one label per sample. */
  readonly labelShape?: readonly number[];
  /** Float targets (from a float Y array), count × prod(targetShape) values: MSE / BCE targets. Part of the hash. */
  readonly targets?: Float32Array;
  /** Shape of one sample's targets: [] for Y of shape (N,), [K] for (N, K). */
  readonly targetShape?: readonly number[];
  /** Shape of one sample: [C, H, W] for images, [D] for flat feature vectors. */
  readonly shape: readonly number[];
  readonly count: number;
  readonly classes: number;
  readonly classNames?: readonly string[];
  /** Present once the values have been standardised (statistics come from the training split). */
  readonly standardisation?: Standardisation;
  /** Caveats a result should carry along, e.g. that train and test are the same samples. */
  readonly note?: string;
  /** sha256 hex of the content (shape, classes, labels, values); computed on first read, then cached. */
  readonly hash: string;
}

export interface FileDigest {
  path: string;
  bytes: number;
  /** sha256 hex of the file's bytes as stored on disk (what `sha256sum FILE` prints). */
  sha256: string;
}

export interface DataSplits {
  train: Dataset;
  test: Dataset;
  /** Canonical spec string, e.g. 'fashion-mnist:/usr/share/datasets/fashion-mnist'. */
  source: string;
  /** sha256 hex of the files read: see filesHash. */
  hash: string;
  files: FileDigest[];
}

export type DatasetFields = Omit<Dataset, 'hash' | 'count'>;

/** Checks sizes and labels, then returns a Dataset whose hash is computed lazily. */
export function makeDataset(fields: DatasetFields): Dataset {
  const { x, y, shape, classes, name, labelShape, targets, targetShape } = fields;
  const per = sampleSize(shape);
  if (!Number.isInteger(classes) || classes < 1) throw new DataError(`${name}: class count must be a positive integer, got ${classes}`);
  const labelsPer = labelShape ? sampleSize(labelShape) : 1;
  const n = y.length / labelsPer;
  if (!Number.isInteger(n)) throw new DataError(`${name}: ${count(y.length)} labels are not whole samples of shape [${labelShape}]`);
  if (x.length !== n * per) {
    throw new DataError(`${name}: ${count(n)} ${labelShape ? 'label sequences' : 'labels'} need ${count(n * per)} values of shape [${shape}], got ${count(x.length)}`);
  }
  if (targets && targets.length !== n * (targetShape ? sampleSize(targetShape) : 1)) {
    throw new DataError(`${name}: ${count(targets.length)} float targets do not fit ${count(n)} samples of target shape [${targetShape ?? []}]`);
  }
  checkLabels(y, classes, name, labelShape ? IGNORE_LABEL : undefined);
  let hash: string | undefined;
  return Object.freeze({
    ...fields,
    shape: Object.freeze([...shape]),
    count: n,
    get hash(): string {
      hash ??= contentHash(fields, n);
      return hash;
    },
  });
}

/** A label that marks a position to ignore (PyTorch's ignore_index default), allowed in label sequences only. */
export const IGNORE_LABEL = -100;

export function sampleSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) throw new DataError(`sample shape [${shape}] must hold positive integers`);
    n *= d;
  }
  return n;
}

export function checkLabels(y: Int32Array, classes: number, what: string, ignore?: number): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if ((v < 0 || v >= classes) && v !== ignore) {
      throw new DataError(`${what}: label ${v} at index ${count(i)} is outside 0..${classes - 1}`);
    }
  }
}

/** Counts per class, length `classes`. */
export function classCounts(y: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < y.length; i++) if (y[i]! >= 0) counts[y[i]!]!++;
  return counts;
}

function contentHash(f: DatasetFields, count: number): string {
  const { x, y, shape, classes, xDtype, labelShape, targets, targetShape } = f;
  const h = createHash('sha256');
  // Optional fields only when present, so the hashes of plain float data sets with class labels stay what they were.
  const extra = { ...(xDtype ? { xDtype } : {}), ...(labelShape ? { labelShape } : {}), ...(targets ? { targetShape: targetShape ?? [] } : {}) };
  h.update(JSON.stringify({ shape, classes, count, ...extra }) + '\n');
  h.update(new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
  h.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  if (targets) h.update(new Uint8Array(targets.buffer, targets.byteOffset, targets.byteLength));
  return h.digest('hex');
}

/** One hash for a set of files: sha256 of the lines `<sha256>  <basename>\n`, in reading order. */
export function filesHash(files: readonly FileDigest[]): string {
  const lines = files.map((f) => `${f.sha256}  ${basename(f.path)}\n`).join('');
  return createHash('sha256').update(lines).digest('hex');
}

function basename(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? p : p.slice(i + 1);
}

/** What a run records about the data a result was computed on (everything but the arrays). */
export interface DatasetSummary {
  name: string;
  split: SplitName;
  count: number;
  shape: number[];
  classes: number;
  hash: string;
  xDtype?: 'int64';
  labelShape?: number[];
  targetShape?: number[];
  standardisation?: Standardisation;
  note?: string;
}

export function summariseDataset(ds: Dataset): DatasetSummary {
  return {
    name: ds.name, split: ds.split, count: ds.count, shape: [...ds.shape], classes: ds.classes, hash: ds.hash,
    ...(ds.xDtype ? { xDtype: ds.xDtype } : {}),
    ...(ds.labelShape ? { labelShape: [...ds.labelShape] } : {}),
    ...(ds.targets ? { targetShape: [...(ds.targetShape ?? [])] } : {}),
    ...(ds.standardisation ? { standardisation: ds.standardisation } : {}),
    ...(ds.note ? { note: ds.note } : {}),
  };
}
