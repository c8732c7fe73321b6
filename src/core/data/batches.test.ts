import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { makeDataset } from './dataset.js';
import { DataError } from './errors.js';
import { makeBatches, shuffledBatches } from './batches.js';

// 7 samples of shape [1, 1, 2]: sample i holds (i, −i), label i mod 3.
const ds = makeDataset({
  name: 't', split: 'train', shape: [1, 1, 2], classes: 3,
  x: Float32Array.from({ length: 14 }, (_, k) => (k % 2 === 0 ? 1 : -1) * Math.floor(k / 2)),
  y: Int32Array.from({ length: 7 }, (_, i) => i % 3),
});
const firstValues = (x: ArrayLike<number>) => Array.from({ length: x.length / 2 }, (_, j) => x[2 * j]!);

test('makeBatches: float32 [n, 1, 1, 2] and int64 [n], in order, remainder last', () => {
  const b = makeBatches(ds, 3);
  assert.deepEqual(b.map((v) => v.size), [3, 3, 1]);
  assert.deepEqual(b[1]!.x.dims, [3, 1, 1, 2]);
  assert.equal(b[1]!.x.dtype, 'float32');
  assert.deepEqual([...b[1]!.x.data as Float32Array], [3, -3, 4, -4, 5, -5]);
  assert.equal(b[2]!.y.dtype, 'int64');
  assert.deepEqual(b[2]!.y.dims, [1]);
  assert.deepEqual([...b[0]!.y.data as BigInt64Array], [0n, 1n, 2n]);
  assert.equal(makeBatches(ds, 100).length, 1);
  assert.throws(() => makeBatches(ds, 0), DataError);
});

test('shuffledBatches: every sample once per epoch, labels stay with their images, seeded', () => {
  const rng = createRng(3);
  const epoch1 = [...shuffledBatches(ds, 2, rng)];
  const epoch2 = [...shuffledBatches(ds, 2, rng)];
  const seen1 = epoch1.flatMap((b) => firstValues(b.x.data as Float32Array));
  assert.deepEqual([...seen1].sort(), [0, 1, 2, 3, 4, 5, 6]);
  for (const b of epoch1) {
    const x = b.x.data as Float32Array, y = b.y.data as BigInt64Array;
    for (let j = 0; j < b.size; j++) assert.equal(Number(y[j]), x[2 * j]! % 3);
  }
  assert.notDeepEqual(seen1, epoch2.flatMap((b) => firstValues(b.x.data as Float32Array)), 'a new order each epoch');
  const again = [...shuffledBatches(ds, 2, createRng(3))].flatMap((b) => firstValues(b.x.data as Float32Array));
  assert.deepEqual(again, seen1, 'same seed, same order');
  assert.deepEqual([...shuffledBatches(ds, 2, createRng(3), { dropLast: true })].map((b) => b.size), [2, 2, 2]);
});

test('batches carry label sequences as int64 [n, T] and float targets as float32 [n, ...targetShape]', () => {
  const seq = makeDataset({ name: 'seq', split: 'all', x: Float32Array.from([1, 2, 3]), y: Int32Array.from([0, 1, -100, 2, 2, 0]), labelShape: [2], shape: [1], classes: 3 });
  const [b] = makeBatches(seq, 2);
  assert.deepEqual([b!.y.dims, [...(b!.y.data as BigInt64Array)].map(Number), b!.targets], [[2, 2], [0, 1, -100, 2], undefined]);
  const reg = makeDataset({ name: 'reg', split: 'all', x: Float32Array.from([1, 2, 3]), y: new Int32Array(3), targets: Float32Array.from([0.5, 1, 1.5, 2, 2.5, 3]), targetShape: [2], shape: [1], classes: 1 });
  const bs = makeBatches(reg, 2);
  assert.deepEqual(bs.map((x) => x.targets!.dims), [[2, 2], [1, 2]]);
  assert.deepEqual([...(bs[1]!.targets!.data as Float32Array)], [2.5, 3]);
});
