import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { DataError } from './errors.js';
import { fromBase64, npyBytes, NUMPY_FIXTURES, tempDir } from '../../testing/data-fixtures.js';
import { loadNpy, loadNpz, NO_SPLIT_NOTE } from './numpy.js';
import { parseNpz } from './npz.js';

const isDataError = (pattern: RegExp) => (e: unknown) => e instanceof DataError && pattern.test(e.message);
const numpyX = Array.from({ length: 24 }, (_, i) => i * 0.5 - 1);

test('npy:X,Y has no split: train and test are the same samples, and say so', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'x.npy'), fromBase64(NUMPY_FIXTURES.npyF4));
  writeFileSync(join(dir, 'y.npy'), fromBase64(NUMPY_FIXTURES.npyI8));
  const s = loadNpy(join(dir, 'x.npy'), join(dir, 'y.npy'));
  assert.equal(s.train, s.test);
  assert.equal(s.train.split, 'all');
  assert.equal(s.train.note, NO_SPLIT_NOTE);
  assert.deepEqual(s.train.shape, [3, 2, 2]);
  assert.equal(s.train.classes, 2);
  assert.deepEqual([...s.train.x], numpyX);
  assert.equal(s.files.length, 2);
});

test('sample shapes: (N, D) stays flat, (N, H, W) gains a channel; labels may be (N, 1)', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const p = (n: string) => join(dir, n);
  writeFileSync(p('flat.npy'), npyBytes('|u1', [3, 4], new Array(12).fill(200)));
  writeFileSync(p('grey.npy'), npyBytes('<f8', [3, 2, 2], new Array(12).fill(0.5)));
  writeFileSync(p('y.npy'), npyBytes('<i4', [3, 1], [0, 4, 2]));
  const flat = loadNpy(p('flat.npy'), p('y.npy')).train;
  assert.deepEqual(flat.shape, [4]);
  assert.equal(flat.x[0], 200, 'values are taken as stored');
  assert.equal(flat.classes, 5);
  assert.deepEqual(loadNpy(p('grey.npy'), p('y.npy')).train.shape, [1, 2, 2]);
  writeFileSync(p('y2.npy'), npyBytes('<i8', [2], [0, 1]));
  assert.throws(() => loadNpy(p('flat.npy'), p('y2.npy')), isDataError(/y2\.npy holds 2 labels but npy: .*flat\.npy holds 3 samples/));
  writeFileSync(p('onehot.npy'), npyBytes('<f4', [3, 2], [1, 0, 0, 1, 1, 0]));
  // A float (N, K) array is float targets (MSE/BCE), not labels: no class labels, one class.
  const hot = loadNpy(p('flat.npy'), p('onehot.npy')).train;
  assert.deepEqual([hot.classes, [...hot.y], hot.targetShape, [...hot.targets!]], [1, [0, 0, 0], [2], [1, 0, 0, 1, 1, 0]]);
  writeFileSync(p('vec.npy'), npyBytes('<f4', [3], [1, 2, 3]));
  assert.throws(() => loadNpy(p('vec.npy'), p('y.npy')), isDataError(/shape \(3\); expected \(N, D\)/));
});

test('npz from numpy.savez (zip64 members) with x/y arrays', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'd.npz'), fromBase64(NUMPY_FIXTURES.npz));
  const s = loadNpz(join(dir, 'd.npz'));
  assert.equal(s.train, s.test);
  assert.match(s.train.note ?? '', /npz data has no split/);
  assert.deepEqual([...s.train.x], numpyX);
  assert.deepEqual([...s.train.y], [1, 0]);
});

test('npz from numpy.savez_compressed with x_train/y_train/x_test/y_test gives a real split', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'd.npz'), fromBase64(NUMPY_FIXTURES.npzSplit));
  const s = loadNpz(join(dir, 'd.npz'));
  assert.notEqual(s.train, s.test);
  assert.equal(s.train.count, 2);
  assert.equal(s.test.count, 1);
  assert.equal(s.test.split, 'test');
  assert.deepEqual([...s.test.x], numpyX.slice(0, 12));
  assert.deepEqual([...s.test.y], [1]);
  assert.equal(s.test.classes, 2);
});

test('npz with other array names, no arrays, or a broken archive gives DataErrors', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const images = npyBytes('<f4', [2, 3], [1, 2, 3, 4, 5, 6]);
  const labels = npyBytes('|u1', [2], [0, 1]);
  writeFileSync(join(dir, 'alt.npz'), zipSync({ 'images.npy': images, 'labels.npy': labels }));
  assert.deepEqual([...loadNpz(join(dir, 'alt.npz')).train.y], [0, 1]);
  writeFileSync(join(dir, 'odd.npz'), zipSync({ 'a.npy': images, 'b.npy': labels }));
  assert.throws(() => loadNpz(join(dir, 'odd.npz')), isDataError(/holds arrays a, b; expected x and y/));
  assert.throws(() => parseNpz(zipSync({ 'readme.txt': new Uint8Array(3) }), 'npz: f'), isDataError(/holds no \.npy arrays/));
  const zip = fromBase64(NUMPY_FIXTURES.npz);
  assert.throws(() => parseNpz(zip.subarray(0, zip.length - 30), 'npz: f'), isDataError(/^npz: f is not a readable \.npz/));
  assert.throws(() => parseNpz(zipSync({ 'x.npy': new Uint8Array(5000) }), 'npz: f', 1000), isDataError(/member x\.npy unpacks to 5,000 bytes, more than the 1,000-byte limit/));
});
