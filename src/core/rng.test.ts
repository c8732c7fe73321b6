import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, permutation } from './rng.js';

test('same seed gives the same stream, different seeds differ', () => {
  const a = createRng(7), b = createRng(7), c = createRng(8);
  const xa = Array.from({ length: 5 }, () => a.uniform());
  const xb = Array.from({ length: 5 }, () => b.uniform());
  const xc = Array.from({ length: 5 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test('normal draws have mean ≈ 0 and variance ≈ 1', () => {
  const r = createRng(1);
  const n = 200_000;
  let s = 0, s2 = 0, s4 = 0;
  for (let i = 0; i < n; i++) { const x = r.normal(); s += x; s2 += x * x; s4 += x ** 4; }
  const mean = s / n, varc = s2 / n - mean * mean;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(varc - 1) < 0.015, `variance ${varc}`);
  assert.ok(Math.abs(s4 / n - 3) < 0.08, `fourth moment ${s4 / n} (Gaussian: 3, uniform would give 1.8)`);
});

test('permutation is a permutation', () => {
  const p = permutation(createRng(3), 1000);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
});
