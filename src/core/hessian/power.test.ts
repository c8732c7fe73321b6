import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { symmetricWithSpectrum } from '../linalg/dense.js';
import { axpy, norm } from '../linalg/vector.js';
import { countMatvecs, denseOperator } from './operator.js';
import { powerIteration } from './power.js';
import { lanczos } from './lanczos.js';

/** Well-separated extremes around a bulk, so that power iteration converges in a few hundred steps. */
function separatedSpectrum(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const special = [20, 14, 10, -16, -11];
  return Float64Array.from([...special, ...Array.from({ length: n - special.length }, () => -5 + 10 * rng.uniform())]);
}

test('largest 3 by shifted deflated power iteration agree with Lanczos and the exact spectrum', async () => {
  const { matrix } = symmetricWithSpectrum(separatedSpectrum(150, 1), createRng(2));
  const op = countMatvecs(denseOperator(matrix));
  const power = await powerIteration(op, { k: 3, tol: 1e-8, rng: createRng(3) });
  const reference = await lanczos(denseOperator(matrix), { k: 3, tol: 1e-10, rng: createRng(4) });
  assert.equal(power.converged, true);
  assert.equal(power.matvecs, op.matvecs);
  assert.ok(Math.abs(power.shift - 20) < 1e-6, `shift from the magnitude run: ${power.shift}`);
  [20, 14, 10].forEach((exact, i) => {
    assert.ok(Math.abs(power.eigenvalues[i]! - exact) < 1e-8 * 20, `power λ${i} ${power.eigenvalues[i]}`);
    assert.ok(Math.abs(power.eigenvalues[i]! - reference.eigenvalues[i]!) < 1e-8 * 20);
  });
  for (let i = 0; i < 3; i++) {
    const r = norm(axpy(-power.eigenvalues[i]!, power.eigenvectors[i]!, await op.matvec(power.eigenvectors[i]!)));
    assert.ok(r <= 1e-8 * 20 * 1.01, `true residual ${r}`);
  }
});

test('smallest 2 (most negative) need the shift σI − A', async () => {
  const { matrix } = symmetricWithSpectrum(separatedSpectrum(150, 5), createRng(6));
  const power = await powerIteration(denseOperator(matrix), { k: 2, which: 'smallest', shift: 21, tol: 1e-8, rng: createRng(7) });
  assert.equal(power.shift, 21);
  assert.ok(Math.abs(power.eigenvalues[0]! + 16) < 1e-7, `${power.eigenvalues[0]}`);
  assert.ok(Math.abs(power.eigenvalues[1]! + 11) < 1e-7, `${power.eigenvalues[1]}`);
});

test('magnitude mode finds 20 then −16, the two largest |λ|', async () => {
  const { matrix } = symmetricWithSpectrum(separatedSpectrum(120, 8), createRng(9));
  const power = await powerIteration(denseOperator(matrix), { k: 2, which: 'magnitude', tol: 1e-8, rng: createRng(10) });
  assert.ok(Math.abs(power.eigenvalues[0]! - 20) < 1e-7);
  assert.ok(Math.abs(power.eigenvalues[1]! + 16) < 1e-7);
  assert.equal(power.shift, 0);
});

test('iteration cap reports converged=false and progress counts every matvec', async () => {
  const { matrix } = symmetricWithSpectrum(separatedSpectrum(100, 11), createRng(12));
  const seen: number[] = [];
  const power = await powerIteration(denseOperator(matrix), {
    k: 1, maxIter: 5, tol: 1e-12, rng: createRng(13), progress: (p) => seen.push(p.iteration),
  });
  assert.equal(power.converged, false);
  assert.equal(power.matvecs, 10, 'five for the magnitude run, five for the shifted run');
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});
