// GMI on a trained digits model (must-show: the v-basin fraction of 20 Gaussian directions), and tr(H) > 0 at every
// saved checkpoint of its training run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { resolveDirections } from '../directions/index.js';
import { modelHessian } from '../hessian/model-operator.js';
import { gmiAnalysis, summarise } from './gmi.js';
import { curvatureOverTraining, trainingCheckpoints } from './training-curvature.js';
import { trainedDigits } from '../../testing/explain-fixture.js';

test('summarise: mean, standard error, range and positive fraction', () => {
  const s = summarise([1, 2, 3, -2]);
  assert.equal(s.mean, 1);
  assert.ok(Math.abs(s.stderr - Math.sqrt(((0 + 1 + 4 + 9) / 3) / 4)) < 1e-12);
  assert.deepEqual([s.min, s.max, s.positiveFraction], [-2, 3, 0.75]);
});

test('must-show: v-basin fraction of 20 filter-normalised Gaussian directions through a trained digits model', async (t) => {
  const { final, batches } = await trainedDigits();
  const specs = Array.from({ length: 20 }, (_, i) => `gaussian:norm=filter:seed=${i}`);
  const dirs = await resolveDirections(specs, { theta: final.theta, loadParams: async () => { throw new Error('unused'); } });
  const op = await modelHessian(final, batches, { threads: 1 });
  try {
    const lambdas = [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1];
    const r = await gmiAnalysis(final, batches, op, { directions: dirs, lambdas, traceSamples: 20, seed: 0, threads: 1 });
    t.diagnostic(`v-basin fraction ${r.vBasinFraction} measured (${JSON.stringify(r.typeCounts)}), ${r.predictedVBasinFraction} predicted; εᵀHε/‖ε‖² mean ${r.normalisedCurvature.mean.toExponential(3)} ± ${r.normalisedCurvature.stderr.toExponential(2)} [${r.normalisedCurvature.min.toExponential(2)}, ${r.normalisedCurvature.max.toExponential(2)}]; tr(H)/P ${r.traceOverP!.mean.toExponential(3)} ± ${r.traceOverP!.stderr.toExponential(2)}`);
    assert.equal(r.directions.length, 20);
    // The GMI claim: at a trained point (g ≈ 0, εᵀHε > 0) random directions give v-basins.
    assert.ok(r.normalisedCurvature.positiveFraction === 1, 'every Gaussian direction has positive curvature at the trained point');
    assert.ok(r.vBasinFraction >= 0.9, `v-basin fraction ${r.vBasinFraction}`);
    assert.ok(r.trace!.mean - 3 * r.trace!.stderr > 0, `tr(H) = ${r.trace!.mean} ± ${r.trace!.stderr}`);
    for (const d of r.directions) assert.equal(d.loss[4], r.loss0, 'λ = 0 is the same point for every direction');
  } finally {
    await op.dispose();
  }
});

test('must-show: tr(H) > 0 and λ_max at every saved checkpoint of the training run', async (t) => {
  const { dir, batches } = await trainedDigits();
  const paths = trainingCheckpoints(dir);
  assert.deepEqual(paths.map((p) => basename(p)), ['init.safetensors', 'epoch-005.safetensors', 'epoch-010.safetensors', 'epoch-015.safetensors', 'final.safetensors']);
  const rows = await curvatureOverTraining(paths, batches, { traceSamples: 10, seed: 0, tol: 1e-3, threads: 1 });
  for (const r of rows) {
    t.diagnostic(`${r.name} (epoch ${r.epoch}): loss ${r.loss.toFixed(4)}, tr(H) ${r.trace.mean.toPrecision(4)} ± ${r.trace.stderr.toPrecision(2)}, λ_max ${r.lambdaMax.toPrecision(4)} (residual ${r.lambdaMaxResidual.toExponential(1)})`);
    assert.ok(r.trace.mean - 3 * r.trace.stderr > 0, `${r.name}: tr(H) = ${r.trace.mean} ± ${r.trace.stderr}`);
    assert.ok(r.lambdaMax > 0 && r.lambdaMax <= r.trace.mean + 3 * r.trace.stderr + r.lambdaMaxResidual, `${r.name}: λ_max ${r.lambdaMax} should not exceed tr(H) for a PSD-dominated Hessian`);
  }
  assert.deepEqual(rows.map((r) => r.epoch), [0, 5, 10, 15, 15]);
});

test('trainingCheckpoints orders init, epochs numerically, final; ignores other files; names an empty directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-ckpts-'));
  try {
    for (const n of ['final.safetensors', 'epoch-10.safetensors', 'epoch-9.safetensors', 'init.safetensors', 'eigen-1.safetensors', 'train.json']) writeFileSync(join(dir, n), '');
    assert.deepEqual(trainingCheckpoints(dir).map((p) => basename(p)), ['init.safetensors', 'epoch-9.safetensors', 'epoch-10.safetensors', 'final.safetensors']);
    const empty = mkdtempSync(join(tmpdir(), 'terrain-ckpts-'));
    assert.throws(() => trainingCheckpoints(empty), /no init\.safetensors, epoch-N\.safetensors or final\.safetensors/);
    rmSync(empty, { recursive: true });
  } finally {
    rmSync(dir, { recursive: true });
  }
});
