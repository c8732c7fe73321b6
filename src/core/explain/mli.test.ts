// MLI metrics on hand-made paths (known bumps), and on a trained digits model's init → final path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelHessian } from '../hessian/model-operator.js';
import { mliAnalysis, mliMetrics } from './mli.js';
import { trainedDigits } from '../../testing/explain-fixture.js';

const alphas = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

test('a decreasing path is monotone with ΔL = 0', () => {
  const m = mliMetrics(alphas, alphas.map((a) => 2 - a * a));
  assert.equal(m.monotone, true);
  assert.equal(m.maxRise, 0);
  assert.deepEqual(m.bumps, []);
  assert.equal(m.lossStart, 2);
  assert.equal(m.lossEnd, 1);
  assert.equal(m.argMin, 1);
});

test('one bump: start where the loss left its running minimum, end where it came back, height above that minimum', () => {
  //            0    .1   .2   .3   .4   .5   .6   .7   .8   .9   1
  const loss = [3.0, 2.5, 2.0, 2.4, 2.8, 2.2, 1.9, 1.5, 1.2, 1.1, 1.0];
  const m = mliMetrics(alphas, loss, { relativeTolerance: 0 });
  assert.equal(m.monotone, false);
  assert.equal(m.bumps.length, 1);
  const b = m.bumps[0]!;
  assert.equal(b.start, 0.2);
  assert.equal(b.end, 0.6);
  assert.equal(b.closed, true);
  assert.equal(b.peak, 0.4);
  assert.ok(Math.abs(b.height - 0.8) < 1e-12);
  assert.ok(Math.abs(b.width - 0.4) < 1e-12);
  assert.ok(Math.abs(m.maxRise - 0.8) < 1e-12);
});

test('two bumps, the second still open at α = 1; a rise below the tolerance is not a bump', () => {
  const loss = [3.0, 2.0, 2.5, 1.8, 1.5, 1.5005, 1.4, 1.0, 1.3, 1.6, 1.7];
  const m = mliMetrics(alphas, loss, { absoluteTolerance: 0.01, relativeTolerance: 0 });
  assert.equal(m.bumps.length, 2);
  assert.deepEqual(m.bumps.map((b) => [b.start, b.end, b.closed]), [[0.1, 0.3, true], [0.7, 1, false]]);
  assert.ok(Math.abs(m.bumps[1]!.height - 0.7) < 1e-12);
  assert.ok(Math.abs(m.maxRise - 0.7) < 1e-12);
  assert.ok(Math.abs(m.bumps[1]!.width - 0.3) < 1e-12);
  assert.equal(m.lossMin, 1.0);
  assert.equal(m.argMin, 0.7);
  assert.throws(() => mliMetrics([0, 0], [1, 1]), /α must increase/);
  assert.throws(() => mliMetrics([0, 1], [1, NaN]), /finite/);
});

test('trained digits MLP: the init → final path, its bumps, and the descent slope gᵀδ < 0 at θ_init', async (t) => {
  const { init, final, batches } = await trainedDigits();
  const op = await modelHessian(init, batches, { threads: 1 });
  try {
    const r = await mliAnalysis(init, final, batches, op, alphas, { threads: 1 });
    assert.equal(r.loss.length, alphas.length);
    assert.ok(r.initTerms.slope < 0, `gᵀδ at init should be negative (training went downhill), got ${r.initTerms.slope}`);
    assert.ok(Math.abs(r.loss[0]! - r.initTerms.loss) < 1e-5 * r.loss[0]!, 'α = 0 is θ_init');
    assert.ok(r.lossEnd < r.lossStart);
    assert.ok(Math.abs(r.predicted[0]! - r.loss[0]!) < 1e-5);
    t.diagnostic(`MLI: monotone ${r.monotone}, ΔL ${r.maxRise.toExponential(2)}, bumps ${JSON.stringify(r.bumps)}, L(0) ${r.lossStart.toFixed(4)} → L(1) ${r.lossEnd.toFixed(4)}, ‖δ‖ ${r.distance.toFixed(2)}, gᵀδ ${r.initTerms.slope.toPrecision(4)}, δᵀHδ ${r.initTerms.curvature.toPrecision(4)}`);
  } finally {
    await op.dispose();
  }
});
