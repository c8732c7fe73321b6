import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { denseMatrix, denseMatvec, symmetricWithSpectrum } from '../linalg/dense.js';
import { gaussianVector } from '../linalg/random.js';
import { dot } from '../linalg/vector.js';
import {
  countMatvecs, denseOperator, functionOperator, restrict, scaleOperator, shiftOperator, sumOperator,
} from './operator.js';

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

test('restrict(op, indices) equals the principal submatrix on those coordinates', async () => {
  const n = 100;
  const rng = createRng(1);
  const { matrix } = symmetricWithSpectrum(gaussianVector(rng, n), createRng(2));
  const indices = [3, 97, 10, 11, 12, 50, 0, 64];
  const sub = restrict(denseOperator(matrix), indices);
  assert.equal(sub.size, indices.length);
  assert.equal(sub.selfAdjoint, true);
  const principal = denseMatrix(indices.length, indices.length);
  indices.forEach((r, i) => indices.forEach((c, j) => { principal.data[i * indices.length + j] = matrix.data[r * n + c]!; }));
  for (let trial = 0; trial < 3; trial++) {
    const v = gaussianVector(rng, indices.length);
    assert.ok(maxDifference(await sub.matvec(v), denseMatvec(principal, v)) < 1e-14);
  }
});

test('restrict rejects out-of-range, repeated and empty index sets', () => {
  const op = denseOperator(denseMatrix(4, 4, new Float64Array(16)));
  assert.throws(() => restrict(op, [0, 4]), /index 4 is outside the operator's range 0\.\.3/);
  assert.throws(() => restrict(op, [1, 1]), /index 1 appears more than once/);
  assert.throws(() => restrict(op, []), /at least one index/);
});

test('sum, scale and shift combinators act as (A + B), sA and A + σI', async () => {
  const n = 30;
  const rng = createRng(3);
  const a = symmetricWithSpectrum(gaussianVector(rng, n), createRng(4)).matrix;
  const b = symmetricWithSpectrum(gaussianVector(rng, n), createRng(5)).matrix;
  const A = denseOperator(a), B = denseOperator(b);
  const v = gaussianVector(rng, n);
  const av = denseMatvec(a, v), bv = denseMatvec(b, v);
  const expectedSum = av.map((x, i) => x + bv[i]!);
  assert.ok(maxDifference(await sumOperator(A, B).matvec(v), expectedSum) < 1e-13);
  assert.ok(maxDifference(await scaleOperator(A, -2.5).matvec(v), av.map((x) => -2.5 * x)) < 1e-13);
  assert.ok(maxDifference(await shiftOperator(A, 3).matvec(v), av.map((x, i) => x + 3 * v[i]!)) < 1e-13);
  // The combinators must not alias the operator's output or modify the input.
  const vCopy = Float64Array.from(v);
  await shiftOperator(scaleOperator(A, 2), 1).matvec(v);
  assert.deepEqual(v, vCopy);
});

test('dense operator: symmetry detection, self-adjointness ⟨Av, w⟩ = ⟨v, Aw⟩, size checks', async () => {
  const rng = createRng(6);
  const { matrix } = symmetricWithSpectrum(gaussianVector(rng, 20), createRng(7));
  const op = denseOperator(matrix);
  assert.equal(op.selfAdjoint, true);
  const v = gaussianVector(rng, 20), w = gaussianVector(rng, 20);
  assert.ok(Math.abs(dot(await op.matvec(v), w) - dot(v, await op.matvec(w))) < 1e-12);
  assert.equal(denseOperator(denseMatrix(2, 2, [1, 2, 3, 4])).selfAdjoint, false);
  assert.equal(sumOperator(op, denseOperator(denseMatrix(20, 20, new Float64Array(400).fill(1)))).selfAdjoint, true);
  await assert.rejects(op.matvec(new Float64Array(19)), /operator has size 20, vector has 19 entries/);
  assert.throws(() => denseOperator(denseMatrix(2, 3)), /square matrix, got 2×3/);
  assert.throws(() => sumOperator(op, denseOperator(denseMatrix(3, 3))), /term 0 has size 20, term 1 has size 3/);
});

test('functionOperator checks the product length; countMatvecs counts', async () => {
  const bad = functionOperator(3, true, async () => new Float64Array(2));
  await assert.rejects(bad.matvec(new Float64Array(3)), /returned 2 entries, expected 3/);
  const counted = countMatvecs(functionOperator(3, true, async (v) => Float64Array.from(v)));
  await counted.matvec(new Float64Array(3));
  await counted.matvec(new Float64Array(3));
  assert.equal(counted.matvecs, 2);
});
