// The bundled default data set: UCI "Optical Recognition of Handwritten Digits" (Alpaydin & Kaynak, CC BY 4.0),
// 1,797 rows of 64 pixels (8×8, values 0..16) and a label. Pixels are scaled to [0, 1] (÷16). The file has no
// split, so terrain fixes one: stratified by class, 360 test and 1,437 train samples, drawn with seed 1998.

import { fileURLToPath } from 'node:url';
import { createRng } from '../rng.js';
import { filesHash, makeDataset, type DataSplits } from './dataset.js';
import { DataError, formatCount as count } from './errors.js';
import { readDataFile, type ReadOptions } from './files.js';
import { stratifiedSplit } from './stratify.js';
import { selectSamples } from './subset.js';

/** data/digits.csv.gz at the package root (the same relative path from src/ and from dist/). */
export const DIGITS_PATH = fileURLToPath(new URL('../../../data/digits.csv.gz', import.meta.url));
export const DIGITS_ROWS = 1797;
export const DIGITS_TEST_COUNT = 360;
/** Seed of the fixed train/test split; changing it changes every digits result, so it never changes. */
export const DIGITS_SPLIT_SEED = 1998;

const PIXELS = 64;
const MAX_PIXEL = 16;
const CLASSES = 10;

export function loadDigits(options: ReadOptions & { path?: string } = {}): DataSplits {
  const path = options.path ?? DIGITS_PATH;
  const fix = 'the bundled copy is damaged: restore data/digits.csv.gz from the terrain package';
  const file = readDataFile(path, 'digits', { ...options, fix: options.fix ?? fix });
  const { x, y } = parseDigitsCsv(new TextDecoder().decode(file.bytes), `digits: ${path}`);
  if (y.length !== DIGITS_ROWS) throw new DataError(`digits: ${path} holds ${count(y.length)} rows, expected ${count(DIGITS_ROWS)} (${fix})`);
  const all = makeDataset({ name: 'digits', split: 'all', x, y, shape: [1, 8, 8], classes: CLASSES });
  const { train, test } = stratifiedSplit(y, CLASSES, DIGITS_TEST_COUNT, createRng(DIGITS_SPLIT_SEED));
  const files = [file.digest];
  return {
    train: selectSamples(all, train, { split: 'train' }),
    test: selectSamples(all, test, { split: 'test' }),
    source: 'digits',
    hash: filesHash(files),
    files,
  };
}

/** Rows of 64 integers 0..16 then a label 0..9; pixels come back scaled to [0, 1]. */
export function parseDigitsCsv(text: string, label: string): { x: Float32Array; y: Int32Array } {
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  const x = new Float32Array(lines.length * PIXELS);
  const y = new Int32Array(lines.length);
  lines.forEach((line, row) => {
    const fields = line.split(',');
    if (fields.length !== PIXELS + 1) throw new DataError(`${label} line ${row + 1} has ${fields.length} fields, expected ${PIXELS + 1} (64 pixels and a label)`);
    for (let j = 0; j <= PIXELS; j++) {
      const v = Number(fields[j]);
      const max = j < PIXELS ? MAX_PIXEL : CLASSES - 1;
      if (!Number.isInteger(v) || v < 0 || v > max || fields[j]!.trim() === '') {
        throw new DataError(`${label} line ${row + 1} field ${j + 1} is '${fields[j]!.slice(0, 20)}', expected an integer 0..${max}`);
      }
      if (j < PIXELS) x[row * PIXELS + j] = v / MAX_PIXEL;
      else y[row] = v;
    }
  });
  return { x, y };
}
