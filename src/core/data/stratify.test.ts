import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { classCounts } from './dataset.js';
import { allocateByClass, stratifiedSample, stratifiedSplit } from './stratify.js';

test('allocateByClass: exact total, each class within 1 of its proportional share', () => {
  const counts = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];
  for (const total of [0, 1, 7, 100, 360, 1000, 1797]) {
    const q = allocateByClass(counts, total);
    assert.equal(q.reduce((s, v) => s + v, 0), total);
    q.forEach((v, c) => assert.ok(Math.abs(v - (counts[c]! * total) / 1797) < 1, `class ${c}: ${v} for total ${total}`));
  }
  // 3 of [1, 1, 1] → one each; 1 of [1, 1] → the tie goes to class 0; 2 of [5, 0, 5] → 1, 0, 1
  assert.deepEqual(allocateByClass([1, 1, 1], 3), [1, 1, 1]);
  assert.deepEqual(allocateByClass([1, 1], 1), [1, 0]);
  assert.deepEqual(allocateByClass([5, 0, 5], 2), [1, 0, 1]);
  assert.deepEqual(allocateByClass([2, 6], 4), [1, 3]);
});

test('stratifiedSample: distinct ascending indices, class quotas met, deterministic per seed', () => {
  const y = Int32Array.from({ length: 500 }, (_, i) => (i * 7919) % 5 === 0 ? 0 : (i % 3) + 1);
  const counts = classCounts(y, 4);
  const a = stratifiedSample(y, 4, 123, createRng(5));
  assert.equal(new Set(a).size, 123);
  for (let i = 1; i < a.length; i++) assert.ok(a[i]! > a[i - 1]!);
  assert.deepEqual(classCounts(Int32Array.from(a, (i) => y[i]!), 4), allocateByClass(counts, 123));
  assert.deepEqual(stratifiedSample(y, 4, 123, createRng(5)), a);
  assert.notDeepEqual(stratifiedSample(y, 4, 123, createRng(6)), a);
});

test('stratifiedSplit partitions every index exactly once', () => {
  const y = Int32Array.from({ length: 101 }, (_, i) => i % 4);
  const { train, test } = stratifiedSplit(y, 4, 20, createRng(1));
  assert.equal(test.length, 20);
  assert.equal(train.length, 81);
  assert.deepEqual([...train, ...test].sort((p, q) => p - q), Array.from({ length: 101 }, (_, i) => i));
});
