import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../ir/tensor.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { nextSampleCount, parseTolerance, permutedBatches, targetOf } from './adaptive.js';

test('--tolerance: loss units or a percentage of the range; anything else is named', () => {
  assert.deepEqual(parseTolerance('0.01'), { kind: 'absolute', value: 0.01 });
  assert.deepEqual(parseTolerance('1.5%'), { kind: 'relative', percent: 1.5 });
  for (const bad of ['', '%', '-1', '0', 'abc', '100%', '1e999']) assert.throws(() => parseTolerance(bad), /^ToleranceError: tolerance '.*' is not a positive loss difference/, bad);
  assert.equal(targetOf({ kind: 'relative', percent: 2 }, [1, NaN, 3, Infinity, 6]), 0.1);
  assert.equal(targetOf({ kind: 'absolute', value: 0.3 }, [1, 2]), 0.3);
});

const lim = { target: 0.01, minSamples: 64, population: 10_000, batchSize: 32 };

test('next sample count: done when the error is met, exhausted or diverged; else n* = 1/(T²/s² + 1/N) clamped', () => {
  assert.equal(nextSampleCount({ samples: 64, loss: 1, lossSampleStderr: 0.009, variance: 0.005 }, lim), undefined);
  assert.equal(nextSampleCount({ samples: 10_000, loss: 1, lossSampleStderr: 0, variance: 4 }, lim), undefined);
  assert.equal(nextSampleCount({ samples: 64, loss: NaN, lossSampleStderr: NaN, variance: NaN }, lim), undefined);
  // Met, but fewer than --min-samples: grows to it.
  assert.equal(nextSampleCount({ samples: 32, loss: 1, lossSampleStderr: 0.001, variance: 0 }, lim), 64);
  // s² = 0.25 → n* = 1/(1e-4/0.25 + 1e-4) = 2000, capped at 4n = 1024.
  assert.equal(nextSampleCount({ samples: 256, loss: 1, lossSampleStderr: 0.03, variance: 0.25 }, lim), 1024);
  // From 1024 the same s² asks for 2000 → 2016 (whole batches).
  assert.equal(nextSampleCount({ samples: 1024, loss: 1, lossSampleStderr: 0.014, variance: 0.25 }, lim), 2016);
  // s² = 1 → n* = 1/(1e-4 + 1e-4) = 5000, half the split: all of it at once.
  assert.equal(nextSampleCount({ samples: 256, loss: 1, lossSampleStderr: 0.06, variance: 1 }, lim), 10_000);
  assert.equal(nextSampleCount({ samples: 256, loss: 1, lossSampleStderr: 0.06, variance: 0.99 }, lim), 1024);
  // A target the split cannot meet: the whole split.
  assert.equal(nextSampleCount({ samples: 4096, loss: 1, lossSampleStderr: 0.5, variance: 1e4 }, lim), 10_000);
});

function batch(rows: number[][], labels: number[]): LabeledBatch {
  return { x: { dtype: 'float32', dims: [rows.length, 2], data: Float32Array.from(rows.flat()) } as Tensor, y: { dtype: 'int64', dims: [labels.length], data: BigInt64Array.from(labels.map(BigInt)) } as Tensor, size: rows.length };
}

test('permuted batches hold every sample once, row with its label, in an order fixed by the seed', () => {
  const src = [batch([[0, 0], [1, 10], [2, 20]], [0, 1, 2]), batch([[3, 30], [4, 40]], [3, 4]), batch([[5, 50], [6, 60]], [5, 6])];
  const a = permutedBatches(src, 3, 7);
  assert.deepEqual(a.map((b) => b.size), [3, 3, 1]);
  const rows = a.flatMap((b) => Array.from({ length: b.size }, (_, j) => [(b.x.data as Float32Array)[2 * j]!, (b.x.data as Float32Array)[2 * j + 1]!, Number((b.y.data as BigInt64Array)[j])]));
  for (const [i, ten, label] of rows) { assert.equal(ten, 10 * i!); assert.equal(label, i); }
  assert.deepEqual(rows.map((r) => r[0]).sort(), [0, 1, 2, 3, 4, 5, 6]);
  assert.notDeepEqual(rows.map((r) => r[0]), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(permutedBatches(src, 3, 7), a);
  assert.notDeepEqual(permutedBatches(src, 3, 8).map((b) => Array.from(b.y.data as BigInt64Array)), a.map((b) => Array.from(b.y.data as BigInt64Array)));
});
