import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { tridiagonalEigen, tridiagonalEigenRows } from './tridiagonal.js';

/** ‖T v − λ v‖ for the tridiagonal T. */
function residual(d: ArrayLike<number>, e: ArrayLike<number>, lambda: number, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) {
    let tv = d[i]! * v[i]!;
    if (i > 0) tv += e[i - 1]! * v[i - 1]!;
    if (i < d.length - 1) tv += e[i]! * v[i + 1]!;
    s += (tv - lambda * v[i]!) ** 2;
  }
  return Math.sqrt(s);
}

function maxOrthogonalityError(vectors: Float64Array[]): number {
  let worst = 0;
  for (let i = 0; i < vectors.length; i++) {
    for (let j = 0; j < vectors.length; j++) {
      let s = 0;
      for (let k = 0; k < vectors[i]!.length; k++) s += vectors[i]![k]! * vectors[j]![k]!;
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

test('discrete Laplacian tridiag(−1, 2, −1): eigenvalues 2 − 2cos(kπ/(m+1)), sine eigenvectors', () => {
  const m = 50;
  const d = new Float64Array(m).fill(2);
  const e = new Float64Array(m - 1).fill(-1);
  const { values, vectors } = tridiagonalEigen(d, e);
  for (let k = 1; k <= m; k++) {
    const exact = 2 - 2 * Math.cos((k * Math.PI) / (m + 1));
    assert.ok(Math.abs(values[k - 1]! - exact) < 1e-13, `λ${k}: ${values[k - 1]} vs ${exact}`);
    // Analytic eigenvector sin(jkπ/(m+1)), normalised; compare up to sign.
    const analytic = Float64Array.from({ length: m }, (_, j) => Math.sin(((j + 1) * k * Math.PI) / (m + 1)) * Math.sqrt(2 / (m + 1)));
    let overlap = 0;
    for (let j = 0; j < m; j++) overlap += analytic[j]! * vectors[k - 1]![j]!;
    assert.ok(Math.abs(Math.abs(overlap) - 1) < 1e-12, `eigenvector ${k} overlap ${overlap}`);
  }
});

test('2×2 matrix matches the closed form', () => {
  const [a, b, c] = [3, -2, 1.5];
  const { values } = tridiagonalEigen([a, c], [b]);
  const mean = (a + c) / 2, radius = Math.hypot((a - c) / 2, b);
  assert.ok(Math.abs(values[0]! - (mean - radius)) < 1e-14);
  assert.ok(Math.abs(values[1]! - (mean + radius)) < 1e-14);
});

test('1×1 and already-diagonal inputs', () => {
  assert.deepEqual([...tridiagonalEigen([4], []).values], [4]);
  const { values, vectors } = tridiagonalEigen([3, -1, 2], [0, 0]);
  assert.deepEqual([...values], [-1, 2, 3]);
  assert.deepEqual([...vectors[0]!], [0, 1, 0]);
});

test('Wilkinson W21+ (pairs of eigenvalues agreeing to 1e-13): residuals and orthogonality', () => {
  const m = 21;
  const d = Float64Array.from({ length: m }, (_, i) => Math.abs(10 - i));
  const e = new Float64Array(m - 1).fill(1);
  const { values, vectors } = tridiagonalEigen(d, e);
  // Known largest eigenvalue of W21+ (Wilkinson, The Algebraic Eigenvalue Problem, p. 309).
  assert.ok(Math.abs(values[m - 1]! - 10.746194182903393) < 1e-12, `λmax ${values[m - 1]}`);
  for (let i = 0; i < m; i++) assert.ok(residual(d, e, values[i]!, vectors[i]!) < 1e-13);
  assert.ok(maxOrthogonalityError(vectors) < 1e-13);
});

test('random 200×200 tridiagonal: residuals, orthonormality, trace and Frobenius norm preserved', () => {
  const rng = createRng(5);
  const m = 200;
  const d = Float64Array.from({ length: m }, () => rng.normal() * 3);
  const e = Float64Array.from({ length: m - 1 }, () => rng.normal());
  const { values, vectors } = tridiagonalEigen(d, e);
  let worst = 0;
  for (let i = 0; i < m; i++) worst = Math.max(worst, residual(d, e, values[i]!, vectors[i]!));
  assert.ok(worst < 1e-12, `worst residual ${worst}`);
  assert.ok(maxOrthogonalityError(vectors) < 1e-12);
  for (let i = 1; i < m; i++) assert.ok(values[i]! >= values[i - 1]!, 'ascending order');
  const trace = d.reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(values.reduce((s, x) => s + x, 0) - trace) < 1e-10);
  const frob = d.reduce((s, x) => s + x * x, 0) + 2 * e.reduce((s, x) => s + x * x, 0);
  assert.ok(Math.abs(values.reduce((s, x) => s + x * x, 0) - frob) / frob < 1e-13);
});

test('tridiagonalEigenRows returns exactly the requested rows of the full eigenvector matrix', () => {
  const rng = createRng(9);
  const m = 40;
  const d = Float64Array.from({ length: m }, () => rng.normal());
  const e = Float64Array.from({ length: m - 1 }, () => rng.normal());
  const full = tridiagonalEigen(d, e);
  const partial = tridiagonalEigenRows(d, e, [0, m - 1]);
  assert.deepEqual([...partial.values], [...full.values]);
  for (let i = 0; i < m; i++) {
    assert.equal(partial.rows[0]![i], full.vectors[i]![0]);
    assert.equal(partial.rows[1]![i], full.vectors[i]![m - 1]);
  }
});

test('shape errors name the lengths', () => {
  assert.throws(() => tridiagonalEigen([1, 2, 3], [1]), /needs 2, got 1/);
  assert.throws(() => tridiagonalEigenRows([1, 2], [1], [2]), /row index 2/);
});
