// Negatives (what must NOT change type), the features' values against analytic answers, options and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCurve } from './classify.js';
import { bowl, wells, sample, linspace, sum, type CurveFn } from '../../testing/analytic-curves.js';
import { createRng } from '../rng.js';

const clean = (f: CurveFn, a: number, b: number, n: number) => {
  const lambdas = linspace(a, b, n);
  return { lambdas, loss: lambdas.map(f) };
};

test('a v-basin with a wiggle of 1 % of its range stays a v-basin', () => {
  const wiggly = sum(bowl(0), (x) => 0.01 * Math.sin(40 * x));
  for (const n of [21, 51, 101, 201]) {
    const c = clean(wiggly, -1, 1, n);
    const r = classifyCurve(c.lambdas, c.loss);
    assert.equal(r.type, 'v-basin', `n=${n}`);
    if (n >= 101) assert.ok(r.features.rejectedMinima > 0, 'the wiggle makes local minima the prominence filter drops');
  }
});

test('a lopsided well whose low wall rises 2.5 % of the range is not a basin', () => {
  // falls 1.2 from λ=-1 to its bottom at 0.2, then rises only 0.03 to λ=1
  const lopsided: CurveFn = (x) => (x <= 0.2 ? 0.2 - x : (0.03 * (x - 0.2)) / 0.8);
  for (const n of [21, 51, 101]) {
    const c = sample(lopsided, -1, 1, n, 0.002, createRng(n));
    assert.equal(classifyCurve(c.lambdas, c.loss).type, 'monotone', `n=${n}`);
    // with a tolerance below that wall it is a basin, θ on its slope
    assert.equal(classifyCurve(c.lambdas, c.loss, { prominence: 0.01 }).type, 'v-side', `n=${n}, prominence 0.01`);
  }
});

test('a bowl whose minimum lies near the edge, walls rising less than τ there, is monotone', () => {
  const c = clean(bowl(0.9), -1, 1, 51); // right wall rises (0.1)² = 0.01 on a range of 3.61
  const r = classifyCurve(c.lambdas, c.loss);
  assert.equal(r.type, 'monotone');
  assert.equal(r.features.trend, 'decreasing');
});

test('a second well shallower than τ leaves one basin: v-basin, not w-basin', () => {
  const c = sample(wells([0, 0.6], 0.12, [1, 0.03]), -1, 1, 101, 0.002, createRng(5));
  assert.equal(classifyCurve(c.lambdas, c.loss).type, 'v-basin');
});

test('two wells, θ low on the inner slope is w-basin; high on it is w-peak (peakSplit 0.5)', () => {
  // wells at -0.5 and 0.5: the barrier at 0 is at ≈ 1 − 2e^{-0.25/0.08} ≈ 0.91, the bottoms at ≈ 0
  const f = wells([-0.5, 0.5], 0.2);
  for (const [origin, expected] of [[0.3, 'w-basin'], [0.1, 'w-peak'], [0, 'w-peak'], [-0.15, 'w-peak'], [0.5, 'w-basin']] as const) {
    const c = clean(f, -1.2, 1.2, 121);
    const r = classifyCurve(c.lambdas, c.loss, { origin });
    assert.equal(r.type, expected, `origin ${origin}: relative height ${r.features.origin.relativeHeight}`);
  }
});

test('origin on the outer wall of a single well is v-side; at a flat bottom it is v-basin', () => {
  const flatBottom: CurveFn = (x) => Math.max(Math.abs(x) - 0.2, 0) ** 2;
  const c = clean(flatBottom, -1, 1, 101);
  assert.equal(classifyCurve(c.lambdas, c.loss, { origin: 0.15 }).type, 'v-basin');
  const r = classifyCurve(c.lambdas, c.loss, { origin: 0.6 });
  assert.equal(r.type, 'v-side');
  assert.equal(r.features.origin.sits, 'slope');
});

test('basin width at half prominence of λ² is 2·√0.5, walls and asymmetry of a lopsided bowl', () => {
  const c = clean(bowl(0), -1, 1, 2001);
  const basin = classifyCurve(c.lambdas, c.loss).features.basins[0]!;
  assert.ok(Math.abs(basin.prominence - 1) < 1e-12);
  assert.ok(Math.abs(basin.width - 2 * Math.sqrt(0.5)) < 1e-6, `width ${basin.width}`);
  assert.ok(Math.abs(basin.asymmetry) < 1e-12);

  const lop = clean((x) => (x < 0 ? x * x : 3 * x * x), -1, 1, 201);
  const r = classifyCurve(lop.lambdas, lop.loss);
  const b = r.features.basins[0]!;
  assert.equal(b.prominence, 1); // the lower wall, f(-1)
  assert.deepEqual([b.leftRise, b.rightRise], [1, 3]);
  assert.equal(b.asymmetry, 0.5); // (3 − 1)/(3 + 1)
  assert.equal(r.features.asymmetry, 0.5); // same rises at ±1 around the origin
  const leftEdge = -Math.sqrt(0.5), rightEdge = Math.sqrt(0.5 / 3);
  assert.ok(Math.abs(b.left - leftEdge) < 1e-3 && Math.abs(b.right - rightEdge) < 1e-3, `${b.left}, ${b.right}`);
});

test('barrier heights between two wells of different depth', () => {
  const f = wells([-0.5, 0.5], 0.1, [1, 0.6]);
  const c = clean(f, -1, 1, 201);
  const r = classifyCurve(c.lambdas, c.loss);
  assert.equal(r.features.barriers.length, 1);
  const barrier = r.features.barriers[0]!;
  const expectedTop = Math.max(...c.loss.slice(50, 151)); // highest grid value between the wells at ±0.5
  assert.equal(barrier.value, expectedTop);
  assert.ok(Math.abs(barrier.heightFromLeft - (expectedTop - f(-0.5))) < 1e-3);
  assert.ok(Math.abs(barrier.heightFromRight - (expectedTop - f(0.5))) < 1e-3);
  assert.ok(barrier.lambda > -0.5 && barrier.lambda < 0.5);
});

test('features record where the origin sits, on a grid without 0 and with a chosen origin', () => {
  const c = clean(bowl(0), -0.5, 1.5, 50); // spacing 2/49: 0 falls between grid points
  const r = classifyCurve(c.lambdas, c.loss);
  assert.equal(r.type, 'v-basin');
  assert.equal(r.features.origin.sits, 'bottom');
  assert.ok(Math.abs(r.features.origin.gridLambda) <= 1 / 49 + 1e-12);
  const peak = clean((x) => -x * x, -1, 1, 41);
  assert.equal(classifyCurve(peak.lambdas, peak.loss).features.origin.sits, 'peak');
});

test('interpolation path [0, 1]: θ at the left edge, a barrier, then a second minimum inside', () => {
  const c = clean(wells([0.8], 0.1), 0, 1, 51);
  const r = classifyCurve(c.lambdas, c.loss);
  assert.equal(r.type, 'v-side'); // the well at 0.8 is the only basin; θ (at the edge) is on its far slope
  assert.equal(r.features.origin.atEdge, true);
  assert.equal(r.features.asymmetry, null);
});

test('input errors name the field and what arrived', () => {
  assert.throws(() => classifyCurve([0, 1, 2], [1, 2]), /lambdas has 3 entries, loss has 2/);
  assert.throws(() => classifyCurve([-1, 0, 1], [1, NaN, 1]), /loss\[1\] is NaN at λ=0/);
  assert.throws(() => classifyCurve([-1, 1, 0], [1, 2, 3]), /lambdas must increase strictly/);
  assert.throws(() => classifyCurve([0.5, 1, 1.5], [1, 2, 3]), /origin λ=0 lies outside the curve's interval \[0.5, 1.5\]/);
  assert.throws(() => classifyCurve([0, 1], [1, 2]), /at least 3 points/);
});
