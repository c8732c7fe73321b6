import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropyStats, combineBatches } from './metrics.js';
import { float32, int64 } from '../../ir/tensor.js';

test('cross-entropy matches the formula, including huge logits', () => {
  const logits = float32([2, 3], [1, 2, 3, 1000, 0, -1000]);
  const s = crossEntropyStats(logits, int64([2], [2, 1]));
  const first = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
  assert.ok(Math.abs(s.lossSum - (first + 1000)) < 1e-9, `${s.lossSum}`);
  assert.equal(s.correct, 1);
});

test('bad labels are named', () => {
  assert.throws(() => crossEntropyStats(float32([1, 2], [0, 1]), int64([1], [5])), /label 5 of sample 0 is outside 0..1/);
});

test('combined statistics weight batches by size', () => {
  const p = combineBatches([{ lossSum: 10, correct: 5, size: 10 }, { lossSum: 3, correct: 0, size: 1 }]);
  assert.ok(Math.abs(p.loss - 13 / 11) < 1e-12);
  assert.equal(p.accuracy, 5 / 11);
  assert.ok(p.lossStderr > 0);
  const same = combineBatches([{ lossSum: 2, correct: 1, size: 2 }, { lossSum: 2, correct: 1, size: 2 }]);
  assert.equal(same.lossStderr, 0);
});
