// Data for models with several inputs (token ids and an attention mask, say): an npz whose arrays are named after the
// model's inputs, plus labels. Each sample becomes one float32 row holding the inputs side by side in the model's
// order, which is how an imported multi-input graph takes them (ModelSpec.inputs; the graph slices them apart).
// Values are used as saved: integer arrays exactly (|v| < 2^24), float arrays as float32; no normalisation.

import { filesHash, makeDataset, type DataSplits, type Dataset, type SplitName } from './dataset.js';
import { DataError, formatCount as count } from './errors.js';
import { readDataFile, type ReadOptions } from './files.js';
import { npyToFloat32, npyToLabels, type NpyArray } from './npy.js';
import { isIntegerNpy, npyToIntegerSamples } from './npy-int.js';
import { parseNpz } from './npz.js';
import { NPZ_Y_NAMES } from './numpy.js';

/** One model input as the data side needs it: its name, per-sample shape and type. */
export interface PackedInput {
  name: string;
  shape: readonly number[];
  dtype: 'float32' | 'int64';
}

/**
 * Reads `path` for a model taking `inputs`: arrays NAME (and labels y) for one set of samples, or NAME_train /
 * NAME_test with y_train / y_test for a split.
 */
export function loadPackedNpz(path: string, inputs: readonly PackedInput[], options: ReadOptions = {}): DataSplits {
  const file = readDataFile(path, 'npz', options);
  const arrays = parseNpz(file.bytes, `npz: ${path}`, options.maxBytes);
  const base = { source: `npz:${path}`, hash: filesHash([file.digest]), files: [file.digest] };
  const split = arrays.has('y_train') && arrays.has('y_test');
  const need = (name: string): NpyArray => {
    const a = arrays.get(name);
    if (!a) {
      throw new DataError(`npz: ${path} has no array '${name}' (it holds ${[...arrays.keys()].join(', ')}); the model takes inputs ${inputs.map((v) => `'${v.name}'`).join(', ')}: save one array per input under its name, e.g. numpy.savez(FILE, ${inputs.map((v) => `${v.name}=…`).join(', ')}, y=…)`);
    }
    return a;
  };
  if (split) {
    const yTrain = npyToLabels(need('y_train'), `npz: ${path} array 'y_train'`);
    const yTest = npyToLabels(need('y_test'), `npz: ${path} array 'y_test'`);
    const classes = Math.max(maxOf(yTrain), maxOf(yTest)) + 1;
    const make = (s: 'train' | 'test', y: Int32Array) => packed(path, s, inputs.map((v) => need(`${v.name}_${s}`)), inputs, y, classes);
    return { ...base, train: make('train', yTrain), test: make('test', yTest) };
  }
  const yName = NPZ_Y_NAMES.find((k) => arrays.has(k));
  if (!yName) throw new DataError(`npz: ${path} has no labels: save them as y (or ${NPZ_Y_NAMES.slice(1).join('/')})`);
  const y = npyToLabels(arrays.get(yName)!, `npz: ${path} array '${yName}'`);
  const all = packed(path, 'all', inputs.map((v) => need(v.name)), inputs, y, maxOf(y) + 1, 'npz data has no split: train and test are the same samples');
  return { ...base, train: all, test: all };
}

function packed(path: string, split: SplitName, arrays: NpyArray[], inputs: readonly PackedInput[], y: Int32Array, classes: number, note?: string): Dataset {
  const n = y.length;
  const sizes = inputs.map((v) => v.shape.reduce((p, d) => p * d, 1));
  const width = sizes.reduce((p, d) => p + d, 0);
  const x = new Float32Array(n * width);
  let offset = 0;
  inputs.forEach((v, k) => {
    const a = arrays[k]!, label = `npz: ${path} array '${a === undefined ? v.name : v.name}'`;
    const per = a.shape.slice(1).reduce((p, d) => p * d, 1);
    if (a.shape[0] !== n || per !== sizes[k]) {
      throw new DataError(`${label} has shape (${a.shape.join(', ')}); the model's input '${v.name}' takes ${count(n)} samples of [${v.shape}] (as many rows as the labels)`);
    }
    const values = isIntegerNpy(a) ? npyToIntegerSamples(a, label) : npyToFloat32(a);
    if (v.dtype === 'int64' && !isIntegerNpy(a)) {
      throw new DataError(`${label} is ${a.dtype}, but the model's input '${v.name}' takes integer ids; save it as an integer array (arr.astype('int64'))`);
    }
    for (let i = 0; i < n; i++) x.set(values.subarray(i * per, (i + 1) * per), i * width + offset);
    offset += sizes[k]!;
  });
  const allIds = inputs.every((v) => v.dtype === 'int64');
  return makeDataset({ name: 'npz', split, x, y, shape: [width], classes, ...(allIds ? { xDtype: 'int64' as const } : {}), ...(note ? { note } : {}) });
}

function maxOf(y: Int32Array): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! > m) m = y[i]!;
  return m;
}
