import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gmiRow, gmiWhyRow, mliRow, mliWhyRow, negGradientRow, rareShapesRow, traceTrainingRow, type GmiMeasure } from './claims.js';
import { claimsMarkdown, rulesMarkdown } from './table.js';
import { meanAndStderr } from '../linalg/vector.js';
import { wilson } from './stats.js';

const gmi = (seed: number, types: string[], kappa: number[], trace = { mean: 1e-3, stderr: 1e-4 }): GmiMeasure => ({
  seed, types, normalisedCurvatures: kappa, slopes: kappa.map(() => 1e-3), curvatures: kappa.map(() => 0.5), predictedVBasinFraction: 1, traceOverP: trace,
});

test('wilson interval: textbook values and edges', () => {
  // 8/10 at 95%: Wilson interval 0.490–0.943 (Newcombe 1998, table I style computation).
  const w = wilson(8, 10);
  assert.ok(Math.abs(w.low - 0.4902) < 1e-3 && Math.abs(w.high - 0.9433) < 1e-3, JSON.stringify(w));
  const zero = wilson(0, 20);
  assert.equal(zero.low, 0);
  assert.ok(zero.high > 0.1 && zero.high < 0.2, `0/20 upper bound ${zero.high}`);
  assert.throws(() => wilson(3, 2), /0 ≤ k ≤ n/);
});

test('mean and standard error', () => {
  const m = meanAndStderr([1, 2, 3, 4]);
  assert.equal(m.mean, 2.5);
  assert.ok(Math.abs(m.stderr - Math.sqrt(5 / 3 / 4)) < 1e-12);
});

test('GMI rows: v-basin fraction against the threshold, curvature signs and trace significance', () => {
  const all = [gmi(0, Array(10).fill('v-basin'), Array(10).fill(0.01)), gmi(1, [...Array(9).fill('v-basin'), 'w-peak'], Array(10).fill(0.02))];
  const r = gmiRow('digits-mlp', all);
  assert.equal(r.verdict, 'holds');
  assert.equal(r.values.vBasins, 19);
  assert.match(r.measured, /19\/20 v-basins/);
  assert.equal(gmiRow('x', [gmi(0, ['v-basin', 'monotone', 'monotone', 'v-basin'], [1, 1, 1, 1])]).verdict, 'fails');

  assert.equal(gmiWhyRow('x', all).verdict, 'holds');
  assert.equal(gmiWhyRow('x', [gmi(0, ['v-basin', 'v-basin'], [0.01, -0.001])]).verdict, 'fails', 'one negative εᵀHε');
  assert.equal(gmiWhyRow('x', [gmi(0, ['v-basin'], [0.01], { mean: 1e-3, stderr: 6e-4 })]).verdict, 'fails', 'tr(H) within 2 s.e. of 0');

  const rare = rareShapesRow('x', all);
  assert.equal(rare.values.count, 1);
  assert.equal(rare.verdict, 'holds', '1/20 = 5% is at the limit');
  assert.equal(rareShapesRow('x', [gmi(0, ['w-peak', 'vvv-basin', 'v-basin'], [1, 1, 1])]).verdict, 'fails');
});

test('trace over training: the lowest checkpoint decides', () => {
  const ok = traceTrainingRow('x', [{ seed: 0, checkpoints: [{ name: 'init', epoch: 0, trace: { mean: 5, stderr: 1 } }, { name: 'final', epoch: 3, trace: { mean: 50, stderr: 2 } }] }]);
  assert.equal(ok.verdict, 'holds');
  assert.match(ok.measured, /lowest 5\.00 \(init, epoch 0\)/);
  const bad = traceTrainingRow('x', [{ seed: 0, checkpoints: [{ name: 'init', epoch: 0, trace: { mean: 1, stderr: 1 } }] }]);
  assert.equal(bad.verdict, 'fails');
});

test('MLI rows: bumps make it fail; the vertex decides the explanation', () => {
  const base = { seed: 0, monotone: true, maxRise: 0, bumpHeights: [], lossStart: 2.3, lossEnd: 0.1, slope: 1e-4, curvature: 2 };
  assert.equal(mliRow('x', [base]).verdict, 'holds');
  assert.equal(mliRow('x', [base, { ...base, seed: 1, monotone: false, maxRise: 0.2, bumpHeights: [0.2] }]).verdict, 'fails');
  assert.equal(mliWhyRow('x', [base]).verdict, 'holds');
  // gᵀδ = −1, δᵀHδ = 2: the quadratic falls until λ* = 0.5, not a half v-basin.
  assert.equal(mliWhyRow('x', [{ ...base, slope: -1 }]).verdict, 'fails');
  assert.equal(mliWhyRow('x', [{ ...base, curvature: -1 }]).verdict, 'fails');
});

test('curve-type rows and the markdown table', () => {
  const r = negGradientRow('digits-cnn', [{ seed: 0, type: 'v-side' }, { seed: 1, type: 'monotone' }], '');
  assert.equal(r.verdict, 'fails');
  assert.match(r.measured, /1\/2 v-side \(seed 0: v-side, seed 1: monotone\)/);
  const md = claimsMarkdown([r, { ...r, measured: 'a | b' }]);
  const lines = md.trim().split('\n');
  assert.equal(lines.length, 4);
  assert.ok(lines[3]!.includes('a \\| b'), 'pipes escaped');
  assert.match(rulesMarkdown([r, r]), /^- \*the negative gradient.*v-side.*\.\n$/);
});

test('trace epochs: 1-2-5 steps per decade and the last epoch', async () => {
  const { traceEpochs } = await import('./budget.js');
  assert.deepEqual(traceEpochs(20), [1, 2, 5, 10, 20]);
  assert.deepEqual(traceEpochs(7), [1, 2, 5, 7]);
  assert.deepEqual(traceEpochs(1), [1]);
});

test('mined shapes against Gaussian rates, and mined surfaces', async () => {
  const { minedShapesRow, minedSurfacesRow } = await import('./claims.js');
  const gauss = [gmi(0, Array(40).fill('v-basin'), Array(40).fill(0.01))];
  const ok = minedShapesRow('x', [
    { shape: 'w-peak', types: ['w-peak', 'w-peak', 'v-basin', 'w-peak'], successes: 3, inSampleTypes: ['w-peak', 'w-peak', 'w-peak', 'w-peak'] },
    { shape: 'vvv-basin', types: ['vvv-basin', 'vvv-basin'], successes: 2, inSampleTypes: [null, null] },
  ], gauss);
  assert.equal(ok.verdict, 'holds');
  assert.match(ok.measured, /w-peak: mined 3\/4 held-out \(75%\), 4\/4 on training data; Gaussian 0%/);
  // 0/40 Gaussian: upper bound ≈ 8.8%; one success in 20 (5%) does not beat it.
  const weak = minedShapesRow('x', [{ shape: 'w-peak', types: ['w-peak', ...Array(19).fill('v-basin')], successes: 1, inSampleTypes: [] }], gauss);
  assert.equal(weak.verdict, 'fails');
  assert.equal(minedSurfacesRow('x', [{ axes: 'a', want: 'saddle', shape: 'saddle', rays: [] }, { axes: 'b', want: 'wine-bottle', shape: 'other', rays: [] }]).verdict, 'fails');
  assert.equal(minedSurfacesRow('x', [{ axes: 'a', want: 'saddle', shape: 'saddle', rays: [] }]).verdict, 'holds');
});

test('--tolerance: a type uncertain within its errors counts against its claim and is reported', () => {
  const sure = negGradientRow('x', [{ seed: 0, type: 'v-side', uncertain: false }], '');
  assert.equal(sure.verdict, 'holds');
  assert.match(sure.uncertainty, /0 of 1 types uncertain/);
  const unsure = negGradientRow('x', [{ seed: 0, type: 'v-side', uncertain: true }], '');
  assert.equal(unsure.verdict, 'fails');
  assert.match(unsure.measured, /v-side \(uncertain\)/);
  const types = Array(10).fill('v-basin');
  assert.equal(gmiRow('x', [gmi(0, types, Array(10).fill(0.01))]).verdict, 'holds');
  const g = gmiRow('x', [{ ...gmi(0, types, Array(10).fill(0.01)), uncertain: types.map((_, i) => i < 5) }]);
  assert.equal(g.values['vBasins'], 5);
  assert.equal(g.verdict, 'fails');
  assert.match(g.uncertainty, /5 of 10 types uncertain/);
  assert.doesNotMatch(gmiRow('x', [gmi(0, types, Array(10).fill(0.01))]).uncertainty, /uncertain/, 'plain runs say nothing of it');
});
