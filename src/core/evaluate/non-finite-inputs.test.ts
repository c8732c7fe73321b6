import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstNonFiniteSample, firstNonFiniteTensor, unravel } from './non-finite-inputs.js';

test('unravel is the inverse of row-major flattening', () => {
  const shape = [2, 3, 4];
  for (let f = 0; f < 24; f++) {
    const [a, b, c] = unravel(f, shape) as [number, number, number];
    assert.equal(a * 12 + b * 4 + c, f);
  }
});

test('the first tensor with NaN or ±∞ is named with its first position and count; integer tensors are skipped', () => {
  const w = Float32Array.from({ length: 6 }, (_, i) => i);
  w[4] = Infinity;
  w[5] = NaN;
  const found = firstNonFiniteTensor([
    ['steps', { dtype: 'int64', dims: [1], data: new BigInt64Array(1) }],
    ['fc.bias', { dtype: 'float32', dims: [3], data: new Float32Array(3) }],
    ['fc.weight', { dtype: 'float32', dims: [2, 3], data: w }],
  ]);
  assert.deepEqual(found, { where: 'fc.weight', position: [1, 1], value: Infinity, count: 2 });
  assert.equal(firstNonFiniteTensor([['ok', { dtype: 'float32', dims: [2], data: new Float32Array(2) }]]), undefined);
});

test('the first sample with NaN is named with its position and the number of such samples', () => {
  const x = new Float32Array(4 * 2 * 3);
  x[1 * 6 + 5] = NaN; // sample 1, position [1, 2]
  x[3 * 6 + 0] = -Infinity;
  assert.deepEqual(firstNonFiniteSample({ x, shape: [2, 3], count: 4 }), { where: 1, position: [1, 2], value: NaN, count: 2 });
  assert.equal(firstNonFiniteSample({ x: new Float32Array(6), shape: [2, 3], count: 1 }), undefined);
});
