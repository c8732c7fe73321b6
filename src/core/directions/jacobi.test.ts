import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { symmetricEigen } from './jacobi.js';

/** Q diag(λ) Qᵀ with Q a product of random plane rotations: a symmetric matrix with a known spectrum. */
function withSpectrum(lambda: number[], seed: number): Float64Array {
  const n = lambda.length, rng = createRng(seed);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let r = 0; r < 6 * n * n; r++) {
    const p = rng.int(n), q = rng.int(n);
    if (p === q) continue;
    const a = rng.uniform() * 2 * Math.PI, c = Math.cos(a), s = Math.sin(a);
    for (let k = 0; k < n; k++) {
      const x = Q[k * n + p]!, y = Q[k * n + q]!;
      Q[k * n + p] = c * x - s * y;
      Q[k * n + q] = s * x + c * y;
    }
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let v = 0;
    for (let k = 0; k < n; k++) v += Q[i * n + k]! * lambda[k]! * Q[j * n + k]!;
    A[i * n + j] = v;
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) A[j * n + i] = A[i * n + j]!; // exact symmetry
  return A;
}

test('recovers a known spectrum (negative, repeated, zero eigenvalues) with orthonormal eigenvectors', () => {
  const lambda = [5, -3, 2, 2, 0, 1e-6, 10, -0.5];
  const n = lambda.length, A = withSpectrum(lambda, 3);
  const { values, vectors } = symmetricEigen(A, n);
  const tol = 1e-13 * Math.max(...lambda.map(Math.abs));
  const sorted = [...lambda].sort((a, b) => b - a);
  values.forEach((v, k) => assert.ok(Math.abs(v - sorted[k]!) < tol, `λ${k} ${v} vs ${sorted[k]}`));
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += A[i * n + j]! * vectors[k]![j]!;
      assert.ok(Math.abs(av - values[k]! * vectors[k]![i]!) < tol, `residual of eigenpair ${k}`);
    }
    for (let l = 0; l < n; l++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += vectors[k]![i]! * vectors[l]![i]!;
      assert.ok(Math.abs(d - (k === l ? 1 : 0)) < 1e-13, `vᵀv (${k}, ${l}) = ${d}`);
    }
  }
});

test('2×2 analytic case and trivial sizes', () => {
  const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
  assert.ok(Math.abs(values[0]! - 3) < 1e-15 && Math.abs(values[1]! - 1) < 1e-15);
  assert.ok(Math.abs(Math.abs(vectors[0]![0]!) - Math.SQRT1_2) < 1e-15 && vectors[0]![0]! * vectors[0]![1]! > 0);
  assert.deepEqual([...symmetricEigen(Float64Array.of(4), 1).values], [4]);
  assert.deepEqual([...symmetricEigen(Float64Array.of(1, 0, 0, 7), 2).values], [7, 1]);
});

test('rejects non-symmetric or mis-sized input', () => {
  assert.throws(() => symmetricEigen(Float64Array.of(1, 2, 3, 4), 2), /not symmetric at \(0, 1\): 2 vs 3/);
  assert.throws(() => symmetricEigen(Float64Array.of(1, 2, 3), 2), /3 entries, expected 2×2 = 4/);
  assert.throws(() => symmetricEigen(Float64Array.of(NaN), 1), /entry \(0, 0\) is NaN/);
});
