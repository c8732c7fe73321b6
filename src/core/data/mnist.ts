// MNIST-layout data sets (MNIST, Fashion-MNIST): four IDX files, 28×28 grey images, 10 classes.
// Pixels are scaled to [0, 1] (÷255); standardisation happens later, from the training split.

import { makeDataset, filesHash, type DataSplits, type Dataset, type FileDigest, type SplitName } from './dataset.js';
import { DataError, formatCount as count } from './errors.js';
import { findFile, readDataFile, requireDir, type ReadOptions } from './files.js';
import { parseIdx } from './idx.js';

/** Where Debian's dataset-fashion-mnist package installs the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export type MnistFamily = 'mnist' | 'fashion-mnist';

const CLASSES = 10;

export function loadMnistLike(family: MnistFamily, dir: string, options: ReadOptions = {}): DataSplits {
  const debian = family === 'fashion-mnist' && dir === FASHION_MNIST_DIR;
  requireDir(dir, family, debian ? 'apt-get install dataset-fashion-mnist, or pass fashion-mnist:DIR' : `pass ${family}:DIR with the IDX files`);
  const fix = options.fix ?? (debian ? 're-install dataset-fashion-mnist' : `put the four ${family} IDX files in ${dir}`);
  const files: FileDigest[] = [];
  const train = loadSplit(family, dir, 'train', 'train', { ...options, fix }, files);
  const test = loadSplit(family, dir, 't10k', 'test', { ...options, fix }, files);
  return { train, test, source: `${family}:${dir}`, hash: filesHash(files), files };
}

function loadSplit(
  family: MnistFamily, dir: string, prefix: string, split: SplitName, options: ReadOptions, files: FileDigest[],
): Dataset {
  const fix = options.fix!;
  const imagesPath = findFile([dir], idxNames(prefix, 'images', 3), family, fix);
  const labelsPath = findFile([dir], idxNames(prefix, 'labels', 1), family, fix);
  const imagesFile = readDataFile(imagesPath, family, options);
  const labelsFile = readDataFile(labelsPath, family, options);
  files.push(imagesFile.digest, labelsFile.digest);
  const images = parseIdx(imagesFile.bytes, { rank: 3, items: 'images', label: `${family}: ${imagesPath}`, fix });
  const labels = parseIdx(labelsFile.bytes, { rank: 1, items: 'labels', label: `${family}: ${labelsPath}`, fix });
  const n = images.dims[0]!;
  if (labels.dims[0] !== n) {
    throw new DataError(`${family}: ${labelsPath} holds ${count(labels.dims[0]!)} labels but ${imagesPath} holds ${count(n)} images (mixed-up files? ${fix})`);
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels.data[i]!;
    if (v >= CLASSES) throw new DataError(`${family}: ${labelsPath} has label ${v} at index ${count(i)}, expected 0..${CLASSES - 1} (${fix})`);
    y[i] = v;
  }
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  return makeDataset({
    name: family, split, x, y, shape: [1, images.dims[1]!, images.dims[2]!], classes: CLASSES,
    ...(family === 'fashion-mnist' ? { classNames: FASHION_MNIST_CLASSES } : {}),
  });
}

/** The file names in use: official ('train-images-idx3-ubyte.gz'), unpacked, and the dotted variant. */
function idxNames(prefix: string, kind: 'images' | 'labels', rank: number): string[] {
  const base = `${prefix}-${kind}-idx${rank}-ubyte`;
  const dotted = `${prefix}-${kind}.idx${rank}-ubyte`;
  return [`${base}.gz`, base, `${dotted}.gz`, dotted];
}
