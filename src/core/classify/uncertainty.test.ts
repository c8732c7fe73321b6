import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCurve } from './classify.js';
import { classifyResult } from './result.js';
import { classifyWithErrors } from './uncertainty.js';

// Two wells at λ ≈ ±0.5, the right one 0.3 higher, θ on the barrier between them, 0.475 above the right well.
const lambdas = Array.from({ length: 21 }, (_, i) => -1 + i / 10);
const loss = lambdas.map((l) => 10 * (l * l - 0.25) ** 2 + 1 + 0.3 * l);
const se = (v: number): number[] => lambdas.map(() => v);

test('errors of zero or far below the barrier leave the type as it was, with full confidence', () => {
  const plain = classifyCurve(lambdas, loss);
  assert.equal(plain.type, 'w-peak');
  for (const s of [0, 1e-4]) {
    const c = classifyWithErrors(lambdas, loss, se(s));
    assert.equal(c.type, 'w-peak');
    assert.deepEqual(c.features, plain.features);
    assert.equal(c.typeConfidence, 1);
    assert.equal(c.uncertain, false);
  }
});

test('a barrier within k standard errors of the difference does not count', () => {
  // 2 · √(0.25² + 0.25²) = 0.71 > 0.475: the barrier and the right well it walls are not significant.
  const c = classifyWithErrors(lambdas, loss, se(0.25));
  assert.equal(c.type, 'v-side');
  assert.equal(c.features.basins.length, 1);
  assert.equal(c.features.maxima.length, 0);
  // k = 1 lets the same barrier through (0.35 < 0.475).
  assert.equal(classifyWithErrors(lambdas, loss, se(0.25), { errorMultiple: 1 }).features.basins.length, 2);
});

test('a type that flips within its error bars says so', () => {
  // The barrier just clears 2 standard errors (0.467 < 0.475); redrawn curves lose it or gain wells often enough.
  const c = classifyWithErrors(lambdas, loss, se(0.165));
  assert.equal(c.type, 'w-peak');
  assert.ok(c.typeConfidence < 0.9 && c.uncertain, `confidence ${c.typeConfidence}`);
  assert.ok(c.alternatives.length > 0);
  assert.deepEqual(classifyWithErrors(lambdas, loss, se(0.165)), c, 'seeded: the same answer every time');
});

test('classifyResult uses a tolerance result\'s errors; bad errors are named', () => {
  const r = classifyResult({ kind: 'curve', lambdas, loss, lossSampleStderr: se(0.25) });
  assert.equal(r.features.basins.length, 1);
  assert.equal(classifyResult({ kind: 'curve', lambdas, loss }).features.basins.length, 2);
  assert.equal(r['uncertain'] !== undefined, true);
  assert.throws(() => classifyWithErrors(lambdas, loss, [0.1]), /stderr has 1 entries, loss has 21/);
  assert.throws(() => classifyWithErrors(lambdas, loss, lambdas.map((_, i) => (i === 3 ? NaN : 0.1))), /stderr\[3\] is NaN/);
});

test('paired errors (a covariance of shared samples) keep a barrier that independent errors of the same size drop', () => {
  // Every point errs by 0.25, almost entirely in common (correlation 0.99): paired error √(2·0.0625·0.01) = 0.035.
  const n = lambdas.length;
  const covariance = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0.0625 : 0.99 * 0.0625)));
  const c = classifyWithErrors(lambdas, loss, se(0.25), { covariance });
  assert.equal(c.type, 'w-peak');
  assert.equal(c.features.basins.length, 2);
  assert.ok(c.typeConfidence >= 0.9, `confidence ${c.typeConfidence}: common shifts do not change the shape`);
  assert.equal(classifyWithErrors(lambdas, loss, se(0.25)).type, 'v-side');
  const r = classifyResult({ kind: 'curve', lambdas, loss, lossSampleStderr: se(0.25), lossCovariance: covariance });
  assert.equal(r.type, 'w-peak');
  assert.throws(() => classifyWithErrors(lambdas, loss, se(0.25), { covariance: [[1]] }), /lossCovariance must be a 21×21 array/);
});
