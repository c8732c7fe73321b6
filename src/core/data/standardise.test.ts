import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataset } from './dataset.js';
import { channelStatistics, standardise } from './standardise.js';

// Two samples of 2 channels × 1×2: channel 0 values {1, 3, 5, 7}, channel 1 values {10, 10, 10, 10}.
const ds = makeDataset({ name: 't', split: 'train', shape: [2, 1, 2], classes: 2, x: Float32Array.from([1, 3, 10, 10, 5, 7, 10, 10]), y: Int32Array.from([0, 1]) });

test('channel statistics by hand: mean 4 and population std √5 for channel 0; constant channel 1', () => {
  const s = channelStatistics(ds);
  assert.deepEqual(s.mean, [4, 10]);
  assert.ok(Math.abs(s.std[0]! - Math.sqrt(5)) < 1e-12);
  assert.equal(s.std[1], 0);
});

test('standardise maps channel 0 to zero mean, unit std; a constant channel is only centred', () => {
  const z = standardise(ds, channelStatistics(ds));
  const r5 = Math.sqrt(5);
  const expected = [-3 / r5, -1 / r5, 0, 0, 1 / r5, 3 / r5, 0, 0];
  z.x.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `x[${i}] = ${v}, expected ${expected[i]}`));
  assert.deepEqual(z.standardisation?.mean, [4, 10]);
  assert.notEqual(z.hash, ds.hash);
  assert.equal(ds.x[0], 1, 'input untouched');
});

test('statistics of one split applied to another: flat samples are one channel', () => {
  const train = makeDataset({ name: 't', split: 'train', shape: [3], classes: 1, x: Float32Array.from([0, 2, 4, 2, 4, 6]), y: Int32Array.from([0, 0]) });
  const test = makeDataset({ name: 't', split: 'test', shape: [3], classes: 1, x: Float32Array.from([3, 3, 3]), y: Int32Array.from([0]) });
  const s = channelStatistics(train);
  assert.deepEqual(s.mean, [3]);
  const z = standardise(test, s);
  assert.deepEqual([...z.x], [0, 0, 0]);
  assert.equal(z.split, 'test');
});
