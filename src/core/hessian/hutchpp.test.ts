import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { symmetricWithSpectrum } from '../linalg/dense.js';
import { countMatvecs, denseOperator } from './operator.js';
import { hutchinsonTrace } from './hutchinson.js';
import { hutchppTrace } from './hutchpp.js';

/** A few large eigenvalues (one negative) over a small bulk: the shape of a trained network's Hessian. */
function lowRankDominated(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, (_, i) => (i < 12 ? 60 * Math.exp(-i / 3) * (i === 5 ? -1 : 1) : 0.4 * rng.uniform() - 0.1));
}

test('Hutch++ beats Hutchinson at equal matvecs on a low-rank-dominated spectrum', async () => {
  const spectrum = lowRankDominated(200, 1);
  const trace = spectrum.reduce((s, x) => s + x, 0);
  const op = denseOperator(symmetricWithSpectrum(spectrum, createRng(2)).matrix);
  const budget = 60;
  let squaredErrorPlain = 0, squaredErrorPP = 0;
  const seeds = [3, 4, 5, 6, 7, 8];
  for (const seed of seeds) {
    const plain = await hutchinsonTrace(op, { samples: budget, rng: createRng(seed) });
    const counted = countMatvecs(op);
    const pp = await hutchppTrace(counted, { matvecs: budget, rng: createRng(seed) });
    assert.equal(counted.matvecs, budget, 'spends exactly the budget');
    assert.equal(pp.matvecs, budget);
    assert.equal(pp.sketchRank, 20);
    assert.ok(Math.abs(pp.estimate - pp.lowRankTrace - pp.residualTrace) < 1e-12);
    // Its stderr covers the residual part, the only random part left.
    assert.ok(Math.abs(pp.estimate - trace) < 4 * pp.stderr, `seed ${seed}: error ${pp.estimate - trace}, stderr ${pp.stderr}`);
    squaredErrorPlain += (plain.estimate - trace) ** 2;
    squaredErrorPP += (pp.estimate - trace) ** 2;
  }
  const rmsPlain = Math.sqrt(squaredErrorPlain / seeds.length);
  const rmsPP = Math.sqrt(squaredErrorPP / seeds.length);
  assert.ok(rmsPP < rmsPlain / 10, `RMS error Hutch++ ${rmsPP} vs Hutchinson ${rmsPlain}`);
});

test('a sketch spanning the whole space gives the exact trace', async () => {
  const spectrum = Float64Array.from([3, -1, 4, 1, -5, 9, 2, 6]);
  const op = denseOperator(symmetricWithSpectrum(spectrum, createRng(9)).matrix);
  const result = await hutchppTrace(op, { matvecs: 30, rng: createRng(10) });
  assert.equal(result.sketchRank, 8);
  assert.ok(Math.abs(result.estimate - 19) < 1e-10, `${result.estimate}`);
  assert.ok(result.stderr < 1e-10);
});

test('progress reaches the budget with the final estimate; small budgets are rejected', async () => {
  const op = denseOperator(symmetricWithSpectrum(lowRankDominated(50, 11), createRng(12)).matrix);
  const seen: number[] = [];
  let last = NaN;
  const result = await hutchppTrace(op, { matvecs: 12, rng: createRng(13), progress: (p) => { seen.push(p.iteration); last = p.estimate; } });
  assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => i + 1));
  assert.equal(last, result.estimate);
  await assert.rejects(hutchppTrace(op, { matvecs: 5, rng: createRng(1) }), /matvecs must be an integer ≥ 6/);
});
