// Data sets from NumPy files: `npy:X.npy,Y.npy` (no split: train and test are the same samples) and
// `npz:FILE.npz` (arrays x/y, or x_train/y_train/x_test/y_test as in Keras' mnist.npz, which do give a split).
// Values are taken as stored (no ÷255); float x is (N, D), (N, H, W) → 1×H×W, or (N, C, H, W). Integer x (<i4, <i8:
// token ids) keeps its sample shape exactly ((N, T) → [T], (N, T, D) → [T, D]) and is marked xDtype 'int64'.

import { IGNORE_LABEL, makeDataset, filesHash, type DataSplits, type Dataset, type SplitName } from './dataset.js';
import { DataError, formatCount as count } from './errors.js';
import { readDataFile, type ReadOptions } from './files.js';
import { MAX_CLASSES, npyToFloat32, npyToLabels, parseNpy, type NpyArray } from './npy.js';
import { isIntegerNpy, npyToIntegerSamples } from './npy-int.js';
import { parseNpz } from './npz.js';

export const NPZ_X_NAMES = ['x', 'X', 'images', 'inputs', 'data', 'features'] as const;
export const NPZ_Y_NAMES = ['y', 'Y', 'labels', 'targets', 'target'] as const;

export const NO_SPLIT_NOTE = 'npy data has no split: train and test are the same samples';

export function loadNpy(xPath: string, yPath: string, options: ReadOptions = {}): DataSplits {
  const xFile = readDataFile(xPath, 'npy', options);
  const yFile = readDataFile(yPath, 'npy', options);
  const x = parseNpy(xFile.bytes, `npy: ${xPath}`);
  const y = parseNpy(yFile.bytes, `npy: ${yPath}`);
  const labels = readTargets(y, `npy: ${yPath}`);
  const all = numpyDataset('npy', 'all', x, y, labels, labels.classes, `npy: ${xPath}`, `npy: ${yPath}`, NO_SPLIT_NOTE);
  const files = [xFile.digest, yFile.digest];
  return { train: all, test: all, source: `npy:${xPath},${yPath}`, hash: filesHash(files), files };
}

export function loadNpz(path: string, options: ReadOptions = {}): DataSplits {
  const file = readDataFile(path, 'npz', options);
  const arrays = parseNpz(file.bytes, `npz: ${path}`, options.maxBytes);
  const files = [file.digest];
  const base = { source: `npz:${path}`, hash: filesHash(files), files };
  const label = (k: string) => `npz: ${path} array '${k}'`;
  if (['x_train', 'y_train', 'x_test', 'y_test'].every((k) => arrays.has(k))) {
    const yTrain = readTargets(arrays.get('y_train')!, label('y_train'));
    const yTest = readTargets(arrays.get('y_test')!, label('y_test'));
    const classes = Math.max(yTrain.classes, yTest.classes);
    const make = (split: 'train' | 'test') => numpyDataset('npz', split, arrays.get(`x_${split}`)!, arrays.get(`y_${split}`)!,
      split === 'train' ? yTrain : yTest, classes, label(`x_${split}`), label(`y_${split}`));
    const train = make('train'), test = make('test');
    if (train.shape.join() !== test.shape.join()) {
      throw new DataError(`npz: ${path} has x_train samples of shape [${train.shape}] but x_test samples of shape [${test.shape}]`);
    }
    return { ...base, train, test };
  }
  const xName = NPZ_X_NAMES.find((k) => arrays.has(k));
  const yName = NPZ_Y_NAMES.find((k) => arrays.has(k));
  if (!xName || !yName) {
    throw new DataError(`npz: ${path} holds arrays ${[...arrays.keys()].join(', ')}; expected x and y (or ${NPZ_X_NAMES.slice(1).join('/')} and ${NPZ_Y_NAMES.slice(1).join('/')}, or x_train/y_train/x_test/y_test) — save with numpy.savez(FILE, x=…, y=…)`);
  }
  const labels = readTargets(arrays.get(yName)!, label(yName));
  const all = numpyDataset('npz', 'all', arrays.get(xName)!, arrays.get(yName)!, labels, labels.classes,
    label(xName), label(yName), NO_SPLIT_NOTE.replace('npy', 'npz'));
  return { ...base, train: all, test: all };
}

/** What a Y array holds: class labels (one per sample, or a sequence per sample) and, for float Y, float targets. */
export interface TargetArrays {
  y: Int32Array;
  classes: number;
  labelShape?: number[];
  targets?: Float32Array;
  targetShape?: number[];
}

/**
 * Y as labels and targets. Integer Y: (N,) or (N, 1) class labels; (N, T, …) label sequences (token targets, −100
 * ignored). Float Y: float targets of its per-sample shape (regression, BCE), and class labels as well when it is
 * (N,) or (N, 1) and holds only whole numbers ≥ 0 (labels saved as float), else zeros with one class.
 */
export function readTargets(y: NpyArray, label: string): TargetArrays {
  if (y.shape.length === 0) throw new DataError(`${label} is a scalar; expected one label or target per sample, shape (N,)`);
  const n = y.shape[0]!;
  const oneEach = y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1);
  if (y.dtype === '<f4' || y.dtype === '<f8') {
    const targets = npyToFloat32(y);
    if (!targets.every(Number.isFinite)) throw new DataError(`${label} holds a NaN or infinite target (index ${count(targets.findIndex((v) => !Number.isFinite(v)))})`);
    const whole = oneEach && targets.every((v) => Number.isInteger(v) && v >= 0 && v < MAX_CLASSES);
    const y32 = whole ? Int32Array.from(targets) : new Int32Array(n);
    return { y: y32, classes: whole ? maxLabel(y32) + 1 : 1, targets, targetShape: y.shape.slice(1) };
  }
  if (oneEach) {
    const labels = npyToLabels(y, label);
    return { y: labels, classes: maxLabel(labels) + 1 };
  }
  const ids = npyToFloat32(y);
  const bad = ids.findIndex((v) => v !== IGNORE_LABEL && !(Number.isInteger(v) && v >= 0 && v < MAX_CLASSES));
  if (bad >= 0) throw new DataError(`${label} has label ${ids[bad]} at index ${count(bad)}; label sequences must hold integers in 0..${count(MAX_CLASSES - 1)} or ${IGNORE_LABEL} (ignored)`);
  const y32 = Int32Array.from(ids);
  return { y: y32, classes: maxLabel(y32) + 1, labelShape: y.shape.slice(1) };
}

function numpyDataset(
  name: string, split: SplitName, x: NpyArray, y: NpyArray, labels: TargetArrays, classes: number,
  xLabel: string, yLabel: string, note?: string,
): Dataset {
  if (x.shape.length < 2) {
    throw new DataError(`${xLabel} has shape (${x.shape.join(', ')}); expected (N, D), (N, H, W) or (N, C, H, W) with one sample per row`);
  }
  const n = x.shape[0]!;
  if (y.shape[0] !== n) throw new DataError(`${yLabel} holds ${count(y.shape[0]!)} labels but ${xLabel} holds ${count(n)} samples`);
  if (n === 0) throw new DataError(`${xLabel} holds no samples`);
  if (x.shape.slice(1).some((d) => d === 0)) throw new DataError(`${xLabel} has an empty sample shape (${x.shape.join(', ')})`);
  const yFields = {
    y: labels.y,
    ...(labels.labelShape ? { labelShape: labels.labelShape } : {}),
    ...(labels.targets ? { targets: labels.targets, targetShape: labels.targetShape ?? [] } : {}),
  };
  if (isIntegerNpy(x)) {
    return makeDataset({ name, split, x: npyToIntegerSamples(x, xLabel), xDtype: 'int64', ...yFields, shape: x.shape.slice(1), classes, ...(note ? { note } : {}) });
  }
  const shape = x.shape.length === 3 ? [1, ...x.shape.slice(1)] : x.shape.slice(1);
  return makeDataset({ name, split, x: npyToFloat32(x), ...yFields, shape, classes, ...(note ? { note } : {}) });
}

function maxLabel(y: Int32Array): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! > m) m = y[i]!;
  return m;
}
