import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { symmetricWithSpectrum, type DenseMatrix } from '../linalg/dense.js';
import { denseOperator } from './operator.js';
import { slqDensity } from './slq.js';

function trapezoid(x: Float64Array, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += 0.5 * (x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!);
  return s;
}

function square(m: DenseMatrix): DenseMatrix {
  const n = m.rows, out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const a = m.data[i * n + k]!;
    for (let j = 0; j < n; j++) out[i * n + j]! += a * m.data[k * n + j]!;
  }
  return { rows: n, cols: n, data: out };
}

/** Standard deviation of vᵀMv/‖v‖² for Rademacher v: √(2 Σ_{i≠j} m_ij²)/n. */
function rademacherStd(m: DenseMatrix): number {
  const n = m.rows;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += m.data[i * n + j]! ** 2;
  return Math.sqrt(2 * s) / n;
}

/** Bulk around 2 with a negative tail and a few outliers, like a Hessian spectrum. */
function spectrum(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, (_, i) => (i < 6 ? 8 + i : 2 + 1.5 * rng.normal()));
}

test('density has unit mass and the first two moments of the exact spectrum', async () => {
  const n = 300, runs = 40, steps = 20;
  // Milder outliers than spectrum(): the Monte Carlo error of the second moment grows with Σλ⁴.
  const rng = createRng(1);
  const lambdas = Float64Array.from({ length: n }, (_, i) => (i < 3 ? 6 + i : 2 + 1.5 * rng.normal()));
  const { matrix } = symmetricWithSpectrum(lambdas, createRng(2));
  const result = await slqDensity(denseOperator(matrix), { runs, steps, rng: createRng(3) });
  const mass = trapezoid(result.grid, result.values);
  assert.ok(Math.abs(mass - 1) < 1e-6, `trapezoid mass ${mass}`);
  assert.ok(Math.abs(result.weights.reduce((s, w) => s + w, 0) - 1) < 1e-12, 'quadrature weights sum to 1');
  assert.equal(result.matvecs, runs * steps);

  const exactMean = lambdas.reduce((s, x) => s + x, 0) / n;
  const exactSecond = lambdas.reduce((s, x) => s + x * x, 0) / n;
  const mean = trapezoid(result.grid, result.values.map((v, i) => v * result.grid[i]!));
  // The Gaussian broadening adds σ² to the second moment.
  const second = trapezoid(result.grid, result.values.map((v, i) => v * result.grid[i]! ** 2)) - result.sigma ** 2;
  // Per start the quadrature is exact for these degrees, so only Monte Carlo error remains.
  const meanStd = rademacherStd(matrix) / Math.sqrt(runs);
  const secondStd = rademacherStd(square(matrix)) / Math.sqrt(runs);
  assert.ok(Math.abs(mean - exactMean) < 4 * meanStd, `mean ${mean} vs ${exactMean} (std ${meanStd})`);
  assert.ok(Math.abs(second - exactSecond) < 4 * secondStd, `second ${second} vs ${exactSecond} (std ${secondStd})`);
  assert.ok(Math.abs(mean / exactMean - 1) < 0.05, `mean within 5%: ${mean} vs ${exactMean}`);
  assert.ok(Math.abs(second / exactSecond - 1) < 0.05, `second moment within 5%: ${second} vs ${exactSecond}`);
});

test('mass below zero matches the fraction of negative eigenvalues; outliers are resolved', async () => {
  const n = 300;
  const lambdas = spectrum(n, 4);
  const { matrix } = symmetricWithSpectrum(lambdas, createRng(5));
  const result = await slqDensity(denseOperator(matrix), { runs: 10, steps: 80, sigma: 0.1, gridSize: 2000, rng: createRng(6) });
  const negative = lambdas.filter((x) => x < 0).length / n;
  const below = result.values.map((v, i) => (result.grid[i]! < 0 ? v : 0));
  const massBelow = trapezoid(result.grid, below);
  assert.ok(Math.abs(massBelow - negative) < 0.04, `mass below 0: ${massBelow} vs fraction ${negative}`);
  // Extreme Ritz values converge first: the largest node is the outlier 13.
  assert.ok(Math.abs(Math.max(...result.nodes) - 13) < 1e-8);
  assert.equal(result.sigma, 0.1);
});

test('a sigma finer than the grid spacing is refused with the gridSize that would work', async () => {
  const { matrix } = symmetricWithSpectrum(spectrum(40, 7), createRng(8));
  await assert.rejects(
    slqDensity(denseOperator(matrix), { runs: 2, steps: 10, sigma: 1e-4, rng: createRng(9) }),
    /grid spacing .* exceeds sigma 0\.000100 .* raise gridSize to at least \d+/,
  );
});

test('progress counts every Lanczos step and reports the running mean eigenvalue', async () => {
  const { matrix } = symmetricWithSpectrum(spectrum(50, 10), createRng(11));
  const seen: { iteration: number; total?: number; estimate: number }[] = [];
  await slqDensity(denseOperator(matrix), { runs: 3, steps: 5, rng: createRng(12), progress: (p) => seen.push(p) });
  assert.deepEqual(seen.map((p) => p.iteration), Array.from({ length: 15 }, (_, i) => i + 1));
  assert.ok(seen.every((p) => p.total === 15));
  assert.ok(Number.isNaN(seen[0]!.estimate) && Number.isFinite(seen[14]!.estimate));
});
