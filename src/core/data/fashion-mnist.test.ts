// The real Fashion-MNIST files from Debian's dataset-fashion-mnist (read once for every test here).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../rng.js';
import { classCounts, type DataSplits } from './dataset.js';
import { FASHION_MNIST_DIR } from './mnist.js';
import { readSplits, standardiseSplits } from './resolve.js';
import { sampleSubset } from './subset.js';
import { crossCheckSkip, pythonPath } from '../../testing/python.js';

const SKIP = existsSync(FASHION_MNIST_DIR) ? false : `Fashion-MNIST not installed at ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist)`;

let cached: { raw: DataSplits; standard: DataSplits; readMs: number; standardiseMs: number } | undefined;
function load() {
  if (!cached) {
    let t = performance.now();
    const raw = readSplits({ kind: 'fashion-mnist', dir: FASHION_MNIST_DIR });
    const readMs = performance.now() - t;
    t = performance.now();
    const standard = standardiseSplits(raw);
    cached = { raw, standard, readMs, standardiseMs: performance.now() - t };
  }
  return cached;
}

test('Fashion-MNIST: 60,000 + 10,000 images of 1×28×28, 6,000/1,000 per class, pixels k/255', { skip: SKIP }, (t) => {
  const { raw, readMs } = load();
  t.diagnostic(`read and decoded 70,000 images in ${readMs.toFixed(0)} ms`);
  assert.equal(raw.train.count, 60000);
  assert.equal(raw.test.count, 10000);
  assert.deepEqual(raw.train.shape, [1, 28, 28]);
  assert.deepEqual(classCounts(raw.train.y, 10), new Array(10).fill(6000));
  assert.deepEqual(classCounts(raw.test.y, 10), new Array(10).fill(1000));
  assert.equal(raw.train.classNames?.[9], 'Ankle boot');
  let lo = Infinity, hi = -Infinity;
  for (const v of raw.test.x) { if (v < lo) lo = v; if (v > hi) hi = v; }
  assert.equal(lo, 0);
  assert.equal(hi, 1);
  assert.ok(raw.test.x.every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-4));
});

test('Fashion-MNIST: training mean 0.2860 and std 0.3530 (the published values); both splits use them', { skip: SKIP }, (t) => {
  const { standard, standardiseMs } = load();
  t.diagnostic(`standardised both splits in ${standardiseMs.toFixed(0)} ms`);
  const s = standard.train.standardisation!;
  assert.ok(Math.abs(s.mean[0]! - 0.2860) < 5e-5, `mean ${s.mean[0]}`);
  assert.ok(Math.abs(s.std[0]! - 0.3530) < 5e-5, `std ${s.std[0]}`);
  assert.deepEqual(standard.test.standardisation, s);
});

test('Fashion-MNIST: file digests match sha256sum; subsets are stratified and seeded', { skip: SKIP }, (t) => {
  const { raw, standard } = load();
  const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
  const sums = spawnSync('sha256sum', names.map((n) => join(FASHION_MNIST_DIR, n)), { encoding: 'utf8' });
  if (sums.status === 0) {
    assert.deepEqual(raw.files.map((f) => f.sha256), sums.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]));
  } else {
    t.diagnostic('sha256sum not available; digest check skipped');
  }
  const a = sampleSubset(standard.test, 1000, createRng(3));
  assert.deepEqual(classCounts(a.y, 10), new Array(10).fill(100));
  assert.equal(sampleSubset(standard.test, 1000, createRng(3)).hash, a.hash);
  assert.notEqual(sampleSubset(standard.test, 1000, createRng(4)).hash, a.hash);
});

test('Fashion-MNIST: pixel sums per class agree with numpy reading the same gzip files', { skip: SKIP }, (t) => {
  const skip = crossCheckSkip('numpy');
  if (skip) { t.skip(skip); return; }
  const script = `import gzip, numpy, sys
d = sys.argv[1]
x = numpy.frombuffer(gzip.open(d + '/t10k-images-idx3-ubyte.gz').read(), numpy.uint8, offset=16).reshape(-1, 784)
y = numpy.frombuffer(gzip.open(d + '/t10k-labels-idx1-ubyte.gz').read(), numpy.uint8, offset=8)
print(' '.join(str(int(x[y == k].astype(numpy.int64).sum())) for k in range(10)))`;
  const out = spawnSync(pythonPath(), ['-c', script, FASHION_MNIST_DIR], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const { raw } = load();
  const sums = new Array<number>(10).fill(0);
  for (let i = 0; i < raw.test.count; i++) {
    let s = 0;
    for (let j = 0; j < 784; j++) s += Math.round(raw.test.x[i * 784 + j]! * 255);
    sums[raw.test.y[i]!]! += s;
  }
  assert.deepEqual(sums, out.stdout.trim().split(' ').map(Number));
});
