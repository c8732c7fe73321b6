// The expansion terms against finite differences of the evaluated loss, the comparison arithmetic on analytic
// curves, and the must-show: on a trained digits model the prediction is within 5% of the measured curve for
// |λ| ≤ 0.1 along filter-normalised Gaussian directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveDirection } from '../directions/index.js';
import { evaluateWeights } from '../evaluate/point.js';
import { modelHessian } from '../hessian/model-operator.js';
import type { ModelPoint } from '../hessian/model-point.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { combine, toTensors, type ParamVector } from '../params.js';
import { comparePrediction, maxRelativeErrorWithin, predictCurve, secondOrderTerms } from './second-order.js';
import { trainedDigits } from '../../testing/explain-fixture.js';

async function lossAt(p: ModelPoint, d: ParamVector, l: number, batches: readonly LabeledBatch[]): Promise<number> {
  const w = toTensors(combine(p.theta, [[l, d]]));
  for (const [k, t] of p.buffers) w.set(k, t);
  return (await evaluateWeights(p.model, w, batches, { threads: 1 })).loss;
}

test('comparePrediction: zero error on the exact quadratic; on a cubic the error grows like |λ|³', () => {
  const t = { loss: 2, slope: -0.5, curvature: 3 };
  const lambdas = [-0.2, -0.1, 0, 0.1, 0.2];
  assert.deepEqual(predictCurve(t, [0, 1]), [2, 3]);
  const exact = comparePrediction(t, lambdas, predictCurve(t, lambdas));
  assert.ok(exact.relativeError.every((e) => e < 1e-15));
  const cubic = lambdas.map((l, i) => predictCurve(t, lambdas)[i]! + l ** 3);
  const c = comparePrediction(t, lambdas, cubic);
  assert.equal(c.byRadius.length, 2);
  assert.ok(Math.abs(c.relativeError[4]! - 0.008 / cubic[4]!) < 1e-12);
  assert.equal(c.byRadius[0]!.maxRelativeError, Math.max(c.relativeError[1]!, c.relativeError[3]!));
  assert.equal(c.byRadius[1]!.maxRelativeError, Math.max(...c.relativeError));
  assert.ok(c.byRadius[1]!.maxRelativeError > 7 * c.byRadius[0]!.maxRelativeError, 'doubling |λ| multiplies a cubic miss by 8');
  const maxChange = Math.max(...cubic.map((v) => Math.abs(v - 2)));
  assert.ok(Math.abs(c.byRadius[1]!.maxChangeError - 0.008 / maxChange) < 1e-12);
  assert.equal(maxRelativeErrorWithin(c, 0.1), Math.max(c.relativeError[1]!, c.relativeError[3]!));
  assert.throws(() => comparePrediction(t, [0, 1], [1]), /2 λ values but 1 measured losses/);
});

test('trained digits MLP: gᵀε and εᵀHε equal central differences of the evaluated loss', async () => {
  const { final, batches } = await trainedDigits();
  const d = (await resolveDirection('gaussian:norm=filter:seed=7', { theta: final.theta, loadParams: async () => { throw new Error('unused'); } })).vector;
  const op = await modelHessian(final, batches, { threads: 1 });
  try {
    const t = await secondOrderTerms(op, d);
    const h = 0.01;
    const [lm, l0, lp] = [await lossAt(final, d, -h, batches), await lossAt(final, d, 0, batches), await lossAt(final, d, h, batches)];
    const slope = (lp - lm) / (2 * h), curvature = (lp - 2 * l0 + lm) / (h * h);
    assert.ok(Math.abs(t.loss - l0) < 1e-6 * l0, `L0 ${t.loss} vs evaluated ${l0}`);
    assert.ok(Math.abs(t.curvature - curvature) < 1e-2 * Math.abs(curvature), `εᵀHε ${t.curvature} vs second difference ${curvature}`);
    // The slope of a trained model is small; compare on the scale of the curvature term at this step.
    assert.ok(Math.abs(t.slope - slope) < 1e-3 * Math.abs(curvature), `gᵀε ${t.slope} vs central difference ${slope}`);
  } finally {
    await op.dispose();
  }
});

test('must-show: second-order prediction within 5% of the measured curve for |λ| ≤ 0.1 (trained digits model, filter-normalised Gaussian directions)', async (t) => {
  const { final, batches } = await trainedDigits();
  const lambdas = [-0.1, -0.075, -0.05, -0.025, 0, 0.025, 0.05, 0.075, 0.1];
  const op = await modelHessian(final, batches, { threads: 1 });
  try {
    for (const seed of [1, 2, 3]) {
      const d = (await resolveDirection(`gaussian:norm=filter:seed=${seed}`, { theta: final.theta, loadParams: async () => { throw new Error('unused'); } })).vector;
      const terms = await secondOrderTerms(op, d);
      const measured: number[] = [];
      for (const l of lambdas) measured.push(await lossAt(final, d, l, batches));
      const c = comparePrediction(terms, lambdas, measured);
      const worst = maxRelativeErrorWithin(c, 0.1);
      t.diagnostic(`seed ${seed}: L0 ${terms.loss.toPrecision(4)}, gᵀε ${terms.slope.toExponential(2)}, εᵀHε ${terms.curvature.toPrecision(4)}; max relative error ${(100 * worst).toFixed(3)}% (${(100 * c.byRadius[c.byRadius.length - 1]!.maxChangeError).toFixed(2)}% of the change)`);
      assert.ok(worst < 0.05, `seed ${seed}: max relative error ${worst} over |λ| ≤ 0.1`);
    }
  } finally {
    await op.dispose();
  }
});
