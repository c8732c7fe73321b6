import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { denseMatrix, denseMatvec, isSymmetric, randomOrthogonalColumns, symmetricWithSpectrum } from './dense.js';
import { dot, norm, axpy } from './vector.js';

test('denseMatvec on a 2×3 example', () => {
  const m = denseMatrix(2, 3, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...denseMatvec(m, [1, 0, -1])], [-2, -2]);
  assert.throws(() => denseMatvec(m, [1, 2]), /matrix is 2×3, vector has 2 entries/);
  assert.throws(() => denseMatrix(2, 2, [1]), /needs 4 entries, got 1/);
});

test('random orthogonal columns are orthonormal', () => {
  const q = randomOrthogonalColumns(60, createRng(1));
  for (let i = 0; i < 60; i++) for (let j = 0; j < 60; j++) {
    assert.ok(Math.abs(dot(q[i]!, q[j]!) - (i === j ? 1 : 0)) < 1e-13);
  }
});

test('Q diag(λ) Qᵀ is exactly symmetric with eigenpairs (λᵢ, qᵢ), trace Σλ', () => {
  const lambdas = Float64Array.from([5, -3, 0, 2, 2, 1e-3, -7, 4]);
  const { matrix, eigenvectors } = symmetricWithSpectrum(lambdas, createRng(2));
  assert.equal(isSymmetric(matrix), true);
  lambdas.forEach((lambda, i) => {
    const q = eigenvectors[i]!;
    assert.ok(norm(axpy(-lambda, q, denseMatvec(matrix, q))) < 1e-13);
  });
  let trace = 0;
  for (let i = 0; i < 8; i++) trace += matrix.data[i * 8 + i]!;
  assert.ok(Math.abs(trace - 3.001) < 1e-13);
});
