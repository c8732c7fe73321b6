import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataset } from './dataset.js';
import { fitSampleShape } from './fit-shape.js';

const ds = makeDataset({ name: 'npy', split: 'all', x: Float32Array.from({ length: 12 }, (_, i) => i), y: Int32Array.from([0, 1]), shape: [1, 3, 2], classes: 2 });

test('fitSampleShape drops or adds unit axes only; values untouched, anything else left for the caller to refuse', () => {
  const seq = fitSampleShape(ds, [3, 2]);
  assert.deepEqual(seq.shape, [3, 2]);
  assert.equal(seq.x, ds.x);
  assert.notEqual(seq.hash, ds.hash);
  assert.deepEqual(fitSampleShape(seq, [3, 2, 1]).shape, [3, 2, 1]);
  assert.equal(fitSampleShape(ds, [1, 3, 2]), ds);
  assert.equal(fitSampleShape(ds, [2, 3]), ds, 'a transpose is not a reshape');
  assert.equal(fitSampleShape(ds, [6]), ds);
});
