// CIFAR-10 and CIFAR-100, the official "binary version": fixed-size records of label byte(s) then 3,072
// pixel bytes (1,024 red, 1,024 green, 1,024 blue, each 32×32 row-major), which is already CHW order.
//   CIFAR-10:  data_batch_1.bin … data_batch_5.bin, test_batch.bin; record = label (0..9) + 3,072 bytes
//   CIFAR-100: train.bin, test.bin; record = coarse label (0..19), fine label (0..99) + 3,072 bytes
// The official archives unpack into cifar-10-batches-bin/ and cifar-100-binary/; DIR may name either level.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDataset, filesHash, type DataSplits, type Dataset, type FileDigest, type SplitName } from './dataset.js';
import { DataError, formatCount as count } from './errors.js';
import { findFile, readDataFile, requireDir, type ReadOptions } from './files.js';

export const CIFAR_PIXELS = 3 * 32 * 32;

export const CIFAR10_CLASSES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
] as const;

export type Cifar100Labels = 'fine' | 'coarse';

export interface CifarLayout {
  /** Label bytes before the pixels of each record: 1 (CIFAR-10) or 2 (CIFAR-100). */
  labelBytes: 1 | 2;
  /** Which label byte is the class. */
  labelIndex: 0 | 1;
  classes: number;
}

export const CIFAR10_LAYOUT: CifarLayout = { labelBytes: 1, labelIndex: 0, classes: 10 };
export const cifar100Layout = (labels: Cifar100Labels): CifarLayout =>
  ({ labelBytes: 2, labelIndex: labels === 'coarse' ? 0 : 1, classes: labels === 'coarse' ? 20 : 100 });

export interface CifarRecords {
  /** Pixels scaled to [0, 1], records × 3,072. */
  x: Float32Array;
  y: Int32Array;
}

/** Parses one binary batch file; `label` prefixes messages (e.g. 'cifar10: /d/test_batch.bin'). */
export function parseCifarRecords(bytes: Uint8Array, layout: CifarLayout, label: string, fix: string): CifarRecords {
  const y = cifarLabels(bytes, layout, label, fix);
  const x = new Float32Array(y.length * CIFAR_PIXELS);
  copyCifarPixels(bytes, layout, x, 0);
  return { x, y };
}

/** Checks the record structure and labels of a batch file and returns its labels. */
export function cifarLabels(bytes: Uint8Array, layout: CifarLayout, label: string, fix: string): Int32Array {
  const record = layout.labelBytes + CIFAR_PIXELS;
  const n = Math.floor(bytes.length / record);
  const rest = bytes.length - n * record;
  if (n === 0 || rest !== 0) {
    throw new DataError(`${label} is ${count(bytes.length)} bytes: ${count(n)} whole ${count(record)}-byte records and ${count(rest)} bytes over (file truncated or not the binary version? ${fix})`);
  }
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const v = bytes[r * record + layout.labelIndex]!;
    if (v >= layout.classes) {
      throw new DataError(`${label} record ${count(r)} has label ${v}, expected 0..${layout.classes - 1} (wrong data set or corrupt file? ${fix})`);
    }
    y[r] = v;
  }
  return y;
}

/** Writes the pixels of every record, scaled to [0, 1], into x from sample `first` on. */
function copyCifarPixels(bytes: Uint8Array, layout: CifarLayout, x: Float32Array, first: number): void {
  const record = layout.labelBytes + CIFAR_PIXELS;
  const n = bytes.length / record;
  for (let r = 0; r < n; r++) {
    const px = r * record + layout.labelBytes;
    const out = (first + r) * CIFAR_PIXELS;
    for (let i = 0; i < CIFAR_PIXELS; i++) x[out + i] = bytes[px + i]! / 255;
  }
}

export function loadCifar10(dir: string, options: ReadOptions = {}): DataSplits {
  const dirs = candidateDirs(dir, 'cifar-10-batches-bin', 'cifar10');
  const fix = options.fix ?? `put the CIFAR-10 binary version (cifar-10-binary.tar.gz, unpacked) in ${dir}`;
  const files: FileDigest[] = [];
  const read = (names: string[], split: SplitName) => readSplit('cifar10', dirs, names, split, CIFAR10_LAYOUT, CIFAR10_CLASSES, { ...options, fix }, files);
  const train = read([1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`), 'train');
  const test = read(['test_batch.bin'], 'test');
  return { train, test, source: `cifar10:${dir}`, hash: filesHash(files), files };
}

export function loadCifar100(dir: string, labels: Cifar100Labels = 'fine', options: ReadOptions = {}): DataSplits {
  const dirs = candidateDirs(dir, 'cifar-100-binary', 'cifar100');
  const fix = options.fix ?? `put the CIFAR-100 binary version (cifar-100-binary.tar.gz, unpacked) in ${dir}`;
  const layout = cifar100Layout(labels);
  const names = classNamesFile(dirs, `${labels}_label_names.txt`, layout.classes);
  const files: FileDigest[] = [];
  const read = (file: string, split: SplitName) => readSplit('cifar100', dirs, [file], split, layout, names, { ...options, fix }, files);
  const train = read('train.bin', 'train');
  const test = read('test.bin', 'test');
  return { train, test, source: `cifar100:${dir}${labels === 'coarse' ? ':coarse' : ''}`, hash: filesHash(files), files };
}

function readSplit(
  name: string, dirs: string[], fileNames: string[], split: SplitName, layout: CifarLayout,
  classNames: readonly string[] | undefined, options: ReadOptions, files: FileDigest[],
): Dataset {
  const fix = options.fix!;
  // Raw bytes are kept (1 byte a pixel) until the float32 array for the whole split is allocated once.
  const parts = fileNames.map((f) => {
    const path = findFile(dirs, [f], name, fix);
    const file = readDataFile(path, name, options);
    files.push(file.digest);
    return { bytes: file.bytes, y: cifarLabels(file.bytes, layout, `${name}: ${path}`, fix) };
  });
  const n = parts.reduce((s, p) => s + p.y.length, 0);
  const x = new Float32Array(n * CIFAR_PIXELS);
  const y = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    copyCifarPixels(p.bytes, layout, x, at);
    y.set(p.y, at);
    at += p.y.length;
  }
  return makeDataset({ name, split, x, y, shape: [3, 32, 32], classes: layout.classes, ...(classNames ? { classNames } : {}) });
}

function candidateDirs(dir: string, archiveDir: string, name: string): string[] {
  requireDir(dir, name, `pass ${name}:DIR, the folder holding the unpacked binary version`);
  const inner = join(dir, archiveDir);
  return existsSync(inner) ? [dir, inner] : [dir];
}

/** The class names shipped beside the CIFAR-100 batches, when present and of the right length. */
function classNamesFile(dirs: string[], file: string, classes: number): string[] | undefined {
  for (const d of dirs) {
    const p = join(d, file);
    if (!existsSync(p)) continue;
    const names = readFileSync(p, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
    return names.length === classes ? names : undefined;
  }
  return undefined;
}
