import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { symmetricWithSpectrum } from '../linalg/dense.js';
import { denseOperator } from './operator.js';
import { hutchinsonTrace } from './hutchinson.js';
import { meanAndStderr } from '../linalg/vector.js';

function spectrumWithNegatives(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => -2 + 6 * rng.uniform());
}

test('estimates lie within 3 standard errors of the exact trace for several seeds', async () => {
  const spectrum = spectrumWithNegatives(150, 1);
  const trace = spectrum.reduce((s, x) => s + x, 0);
  const op = denseOperator(symmetricWithSpectrum(spectrum, createRng(2)).matrix);
  for (const seed of [10, 11, 12, 13, 14]) {
    const result = await hutchinsonTrace(op, { samples: 50, rng: createRng(seed) });
    const z = Math.abs(result.estimate - trace) / result.stderr;
    assert.ok(z < 3, `seed ${seed}: estimate ${result.estimate} vs trace ${trace}, ${z.toFixed(2)} standard errors`);
    assert.equal(result.samples, 50);
    assert.equal(result.values.length, 50);
  }
});

test('reported stderr matches the spread of repeated estimates and the Rademacher variance formula', async () => {
  const n = 100;
  const spectrum = spectrumWithNegatives(n, 3);
  const trace = spectrum.reduce((s, x) => s + x, 0);
  const { matrix } = symmetricWithSpectrum(spectrum, createRng(4));
  const op = denseOperator(matrix);
  // Exact single-probe variance for Rademacher probes: 2 Σ_{i≠j} a_ij².
  let offDiagonalSquares = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) offDiagonalSquares += matrix.data[i * n + j]! ** 2;
  const samples = 20;
  const exactStderr = Math.sqrt((2 * offDiagonalSquares) / samples);
  const rng = createRng(5);
  const estimates: number[] = [];
  const stderrs: number[] = [];
  for (let trial = 0; trial < 150; trial++) {
    const r = await hutchinsonTrace(op, { samples, rng });
    estimates.push(r.estimate);
    stderrs.push(r.stderr);
  }
  const { mean, stderr: stderrOfMean } = meanAndStderr(estimates);
  const empiricalSpread = stderrOfMean * Math.sqrt(estimates.length);
  const meanReported = stderrs.reduce((s, x) => s + x, 0) / stderrs.length;
  assert.ok(Math.abs(mean - trace) < 4 * stderrOfMean, `unbiased: mean ${mean} vs ${trace}`);
  const ratio = meanReported / empiricalSpread;
  assert.ok(ratio > 0.5 && ratio < 2, `reported/empirical stderr ${ratio}`);
  assert.ok(Math.abs(empiricalSpread / exactStderr - 1) < 0.25, `empirical ${empiricalSpread} vs exact ${exactStderr}`);
});

test('progress reports the running mean; too few samples is an error', async () => {
  const op = denseOperator(symmetricWithSpectrum(spectrumWithNegatives(30, 6), createRng(7)).matrix);
  const seen: [number, number | undefined, number][] = [];
  const result = await hutchinsonTrace(op, { samples: 4, rng: createRng(8), progress: (p) => seen.push([p.iteration, p.total, p.estimate]) });
  assert.deepEqual(seen.map((s) => s[0]), [1, 2, 3, 4]);
  assert.equal(seen[3]![1], 4);
  assert.ok(Math.abs(seen[3]![2] - result.estimate) < 1e-12);
  await assert.rejects(hutchinsonTrace(op, { samples: 1, rng: createRng(1) }), /samples must be an integer ≥ 2/);
});
