import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { symmetricWithSpectrum } from '../linalg/dense.js';
import { dot, norm, axpy } from '../linalg/vector.js';
import { countMatvecs, denseOperator, functionOperator, type LinearOperator } from './operator.js';
import { lanczos, residualNorms } from './lanczos.js';

/** Spectrum with negative, clustered and repeated eigenvalues around a uniform bulk. */
function testSpectrum(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const special = [12, 10, 9.9, 9.9, 9.85, -7, -6.5, -6.5, -6.49];
  const bulk = Array.from({ length: n - special.length }, () => -3 + 8 * rng.uniform());
  return Float64Array.from([...special, ...bulk]);
}

async function trueResidual(op: LinearOperator, lambda: number, v: Float64Array): Promise<number> {
  return norm(axpy(-lambda, v, await op.matvec(v)));
}

/** Products rounded through float32 as ONNX Runtime computes them: inputs, matrix, sums, outputs. */
function float32Operator(data: Float64Array, n: number): LinearOperator {
  const m32 = Float32Array.from(data);
  return functionOperator(n, true, async (v) => {
    const v32 = Float32Array.from(v), out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s = Math.fround(s + Math.fround(m32[i * n + j]! * v32[j]!));
      out[i] = s;
    }
    return Float64Array.from(out);
  });
}

function relativeErrors(got: Float64Array, want: number[]): number[] {
  return want.map((w, i) => Math.abs(got[i]! - w) / Math.abs(w));
}

test('top-5 of a 200×200 matrix with clustered and repeated eigenvalues, to 1e-10', async () => {
  const spectrum = testSpectrum(200, 1);
  const { matrix } = symmetricWithSpectrum(spectrum, createRng(2));
  const op = countMatvecs(denseOperator(matrix));
  const result = await lanczos(op, { k: 5, tol: 1e-10, rng: createRng(3) });
  const exact = [...spectrum].sort((a, b) => b - a).slice(0, 5);
  const errors = relativeErrors(result.eigenvalues, exact);
  assert.ok(Math.max(...errors) < 1e-10, `relative errors ${errors}`);
  assert.equal(result.converged, true);
  assert.equal(result.matvecs, op.matvecs, 'reported matvecs match the operator count');
  for (let i = 0; i < 5; i++) {
    const r = await trueResidual(op, result.eigenvalues[i]!, result.eigenvectors[i]!);
    assert.ok(r < 1e-8 * 12, `true residual ${i}: ${r}`);
    assert.ok(Math.abs(norm(result.eigenvectors[i]!) - 1) < 1e-12);
    for (let j = 0; j < i; j++) {
      assert.ok(Math.abs(dot(result.eigenvectors[i]!, result.eigenvectors[j]!)) < 1e-10, `v${i}·v${j}`);
    }
  }
  assert.ok(result.runs >= 2, 'the repeated 9.9 needs a deflated restart');
});

test('bottom-4 (most negative first) of the same kind of matrix', async () => {
  const spectrum = testSpectrum(250, 4);
  const { matrix } = symmetricWithSpectrum(spectrum, createRng(5));
  const op = denseOperator(matrix);
  const result = await lanczos(op, { k: 4, which: 'smallest', tol: 1e-10, rng: createRng(6) });
  const exact = [...spectrum].sort((a, b) => a - b).slice(0, 4);
  assert.deepEqual(exact, [-7, -6.5, -6.5, -6.49]);
  const errors = relativeErrors(result.eigenvalues, exact);
  assert.ok(Math.max(...errors) < 1e-10, `relative errors ${errors}`);
  for (let i = 0; i < 4; i++) {
    const r = await trueResidual(op, result.eigenvalues[i]!, result.eigenvectors[i]!);
    assert.ok(r < 1e-8 * 12, `true residual ${i}: ${r}`);
  }
});

test('a triple top eigenvalue is found three times through restarts', async () => {
  const rng = createRng(7);
  const spectrum = Float64Array.from({ length: 150 }, (_, i) => (i < 3 ? 7 : i < 5 ? 6 - i / 10 : 4 * rng.uniform() - 2));
  const { matrix } = symmetricWithSpectrum(spectrum, createRng(8));
  const result = await lanczos(denseOperator(matrix), { k: 5, tol: 1e-10, rng: createRng(9) });
  const errors = relativeErrors(result.eigenvalues, [7, 7, 7, 5.7, 5.6]);
  assert.ok(Math.max(...errors) < 1e-10, `got ${[...result.eigenvalues]}`);
  assert.ok(result.runs >= 2);
  // For k = 2 one plain run stops before rounding noise grows into a second copy of 7.
  const plain = await lanczos(denseOperator(matrix), { k: 2, tol: 1e-10, maxRestarts: 0, rng: createRng(9) });
  assert.ok(Math.abs(plain.eigenvalues[1]! - 5.7) < 1e-9, `plain run found ${[...plain.eigenvalues]}`);
  const restarted = await lanczos(denseOperator(matrix), { k: 2, tol: 1e-10, rng: createRng(9) });
  assert.ok(Math.abs(restarted.eigenvalues[1]! - 7) < 1e-9, `restarted run found ${[...restarted.eigenvalues]}`);
});

test('rank-3 operator: Krylov space becomes invariant, zeros fill the rest of the top 5', async () => {
  const n = 100;
  const spectrum = Float64Array.from({ length: n }, (_, i) => [5, 3, -2][i] ?? 0);
  const { matrix } = symmetricWithSpectrum(spectrum, createRng(10));
  const result = await lanczos(denseOperator(matrix), { k: 5, tol: 1e-10, rng: createRng(11) });
  const expected = [5, 3, 0, 0, 0];
  result.eigenvalues.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-10, `λ${i} = ${v}`));
  assert.equal(result.converged, true);
});

test('too few iterations: returns the best Ritz values and says converged=false', async () => {
  const { matrix } = symmetricWithSpectrum(testSpectrum(200, 12), createRng(13));
  const result = await lanczos(denseOperator(matrix), { k: 5, maxIter: 8, tol: 1e-12, rng: createRng(14) });
  assert.equal(result.converged, false);
  assert.equal(result.eigenvalues.length, 5);
  assert.equal(result.matvecs, 8);
});

test('same seed, same answer; progress reports every step with the leading Ritz value', async () => {
  const { matrix } = symmetricWithSpectrum(testSpectrum(120, 15), createRng(16));
  const steps: number[] = [];
  const estimates: number[] = [];
  const a = await lanczos(denseOperator(matrix), {
    k: 3, tol: 1e-9, rng: createRng(17),
    progress: (p) => { steps.push(p.iteration); estimates.push(p.estimate); },
  });
  const b = await lanczos(denseOperator(matrix), { k: 3, tol: 1e-9, rng: createRng(17) });
  assert.deepEqual([...a.eigenvalues], [...b.eigenvalues]);
  assert.deepEqual(steps, Array.from({ length: a.matvecs }, (_, i) => i + 1));
  // Within the first run the leading Ritz value rises monotonically towards λmax (interlacing).
  const firstRun = estimates.slice(0, 20);
  for (let i = 1; i < firstRun.length; i++) assert.ok(firstRun[i]! >= firstRun[i - 1]! - 1e-12);
  assert.ok(Math.abs(firstRun.at(-1)! - 12) < 1e-6);
});

test('rejects non-self-adjoint operators and impossible k', async () => {
  const asym = functionOperator(3, false, async (v) => v);
  await assert.rejects(lanczos(asym, { k: 1, rng: createRng(1) }), /self-adjoint/);
  const id = functionOperator(3, true, async (v) => Float64Array.from(v));
  await assert.rejects(lanczos(id, { k: 4, rng: createRng(1) }), /k must be an integer in 1\.\.3/);
});

test('float32-rounded products (like ONNX Hessian products): converges, eigenvalues to 1e-6, honest residuals', async () => {
  const spectrum = testSpectrum(200, 1);
  const { matrix } = symmetricWithSpectrum(spectrum, createRng(2));
  const op = float32Operator(matrix.data, 200);
  const result = await lanczos(op, { k: 5, tol: 1e-5, rng: createRng(3) });
  assert.equal(result.converged, true);
  const exact = [...spectrum].sort((a, b) => b - a).slice(0, 5);
  const errors = relativeErrors(result.eigenvalues, exact);
  assert.ok(Math.max(...errors) < 1e-6, `relative errors ${errors}`);
  // Measured residuals sit at the float32 noise floor, whatever the Lanczos estimates claim.
  const measured = await residualNorms(op, result.eigenvalues, result.eigenvectors);
  measured.forEach((r) => assert.ok(r < 1e-4 && r > 1e-9, `measured residual ${r}`));
});
