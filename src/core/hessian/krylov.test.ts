import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { denseMatvec, symmetricWithSpectrum } from '../linalg/dense.js';
import { gaussianVector } from '../linalg/random.js';
import { dot, normalise } from '../linalg/vector.js';
import { denseOperator } from './operator.js';
import { lanczosProcess } from './krylov.js';

test('basis is orthonormal and QᵀAQ is the tridiagonal T', async () => {
  const n = 120;
  const rng = createRng(1);
  const { matrix } = symmetricWithSpectrum(Float64Array.from({ length: n }, () => rng.normal()), createRng(2));
  const d = await lanczosProcess(denseOperator(matrix), { steps: 40, start: gaussianVector(rng, n) });
  assert.equal(d.basis.length, 40);
  let worstOrth = 0, worstT = 0;
  for (let i = 0; i < 40; i++) {
    const aqi = denseMatvec(matrix, d.basis[i]!);
    for (let j = 0; j < 40; j++) {
      worstOrth = Math.max(worstOrth, Math.abs(dot(d.basis[i]!, d.basis[j]!) - (i === j ? 1 : 0)));
      const t = i === j ? d.alpha[i]! : Math.abs(i - j) === 1 ? d.beta[Math.min(i, j)]! : 0;
      worstT = Math.max(worstT, Math.abs(dot(d.basis[j]!, aqi) - t));
    }
  }
  assert.ok(worstOrth < 1e-14, `orthogonality ${worstOrth}`);
  assert.ok(worstT < 1e-13, `QᵀAQ − T ${worstT}`);
});

test('Gauss quadrature: e₁ᵀTᵖe₁ = vᵀAᵖv for p < 2m', async () => {
  const n = 80, m = 4;
  const rng = createRng(3);
  const { matrix } = symmetricWithSpectrum(Float64Array.from({ length: n }, () => rng.uniform() * 2 - 0.5), createRng(4));
  const v = normalise(gaussianVector(rng, n));
  const d = await lanczosProcess(denseOperator(matrix), { steps: m, start: v });
  // Powers of the m×m tridiagonal applied to e₁, and powers of A applied to v.
  let te = new Float64Array(m); te[0] = 1;
  let av: Float64Array = Float64Array.from(v);
  for (let p = 1; p < 2 * m; p++) {
    const next = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      next[i] = d.alpha[i]! * te[i]! + (i > 0 ? d.beta[i - 1]! * te[i - 1]! : 0) + (i < m - 1 ? d.beta[i]! * te[i + 1]! : 0);
    }
    te = next;
    av = denseMatvec(matrix, av);
    const exact = dot(v, av);
    const viaT = te[0]!; // e₁ᵀ Tᵖ e₁
    assert.ok(Math.abs(viaT - exact) < 1e-12 * Math.max(1, Math.abs(exact)), `p=${p}: ${viaT} vs ${exact}`);
  }
  // Degree 2m is no longer exact in general.
  const next = d.alpha[0]! * te[0]! + d.beta[0]! * te[1]!;
  const exact2m = dot(v, denseMatvec(matrix, av));
  assert.ok(Math.abs(next - exact2m) > 1e-8, 'degree 2m differs');
});

test('a rank-2 operator makes the Krylov space invariant after three steps (v, Av, A²v)', async () => {
  const n = 50;
  const { matrix } = symmetricWithSpectrum(Float64Array.from({ length: n }, (_, i) => [4, -3][i] ?? 0), createRng(5));
  const d = await lanczosProcess(denseOperator(matrix), { steps: 20, start: gaussianVector(createRng(6), n) });
  // The start has a null-space component, so the space is span{v, Av, A²v}: three steps.
  assert.equal(d.invariant, true);
  assert.equal(d.alpha.length, 3);
  assert.equal(d.matvecs, 3);
});

test('deflated process keeps the basis orthogonal to the given vectors', async () => {
  const n = 60;
  const { matrix, eigenvectors } = symmetricWithSpectrum(Float64Array.from({ length: n }, (_, i) => n - i), createRng(7));
  const locked = eigenvectors.slice(0, 3);
  const d = await lanczosProcess(denseOperator(matrix), { steps: 30, start: gaussianVector(createRng(8), n), deflate: locked });
  for (const q of d.basis) for (const u of locked) assert.ok(Math.abs(dot(q, u)) < 1e-14);
});
