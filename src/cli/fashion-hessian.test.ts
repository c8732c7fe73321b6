// The Hessian must-shows on the ResNet-20 of fashion.test.ts trained on real Fashion-MNIST (shared with
// fashion-landscape.test.ts through fashion-fixture.ts): tr(H) > 0 at every saved checkpoint, the second-order
// prediction L0 + λgᵀε + ½λ²εᵀHε against the measured curve, and the GMI v-basin fraction. BN eval throughout (the
// loss whose expansion this is). Measured numbers, and where the expansion misses: docs/fashion-mnist.md.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FASHION, FASHION_MISSING, MAIN, trainedFashionResnet20 } from '../testing/fashion.js';

const work = mkdtempSync(join(tmpdir(), 'terrain-fashion-hessian-'));
let trained = '';

before(async () => {
  if (existsSync(FASHION)) trained = await trainedFashionResnet20(0, ['--save-steps', '20']);
});

function terrain<T>(args: string[]): T {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--json', '--no-plots'], { encoding: 'utf8', env: { ...process.env, TERRAIN_NO_PROGRESS: '1' } });
  assert.equal(r.status, 0, `terrain ${args.join(' ')} → ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

interface Checkpoint { name: string; epoch: number; loss: number; trace: { mean: number; stderr: number }; lambdaMax: number }

test('resnet20 on Fashion-MNIST: tr(H) > 0 at every saved checkpoint (init, step 20, final)', (t) => {
  if (!existsSync(FASHION)) { t.skip(FASHION_MISSING); return; }
  const r = terrain<{ checkpoints: Checkpoint[] }>(['hessian', '--checkpoints', trained, '--data', 'fashion-mnist', '--samples', '128', '--trace-samples', '10', '--out', join(work, 'h')]);
  assert.deepEqual(r.checkpoints.map((c) => c.name), ['init.safetensors', 'step-000020.safetensors', 'final.safetensors']);
  assert.deepEqual(r.checkpoints.map((c) => c.epoch), [0, 20 / 156, 1], 'a step checkpoint carries its fractional epoch');
  for (const c of r.checkpoints) {
    t.diagnostic(`${c.name}: loss ${c.loss.toFixed(4)}, tr(H) ${c.trace.mean.toPrecision(4)} ± ${c.trace.stderr.toPrecision(3)}, λ_max ${c.lambdaMax.toPrecision(4)}`);
    // 10 Rademacher probes: the estimates are 2.4–4 standard errors above zero (measured); λ_max > 0 is exact.
    assert.ok(c.trace.mean - 2 * c.trace.stderr > 0, `${c.name}: tr(H) = ${c.trace.mean} ± ${c.trace.stderr}`);
    assert.ok(c.lambdaMax > 0 && c.lambdaMax < c.trace.mean + 3 * c.trace.stderr, `${c.name}: λ_max ${c.lambdaMax}`);
  }
});

interface Explain {
  terms: { loss0: number; slope: number; curvature: number };
  lambdas: number[];
  measured: number[];
  predicted: number[];
  errorByRadius: { radius: number; maxRelativeError: number; maxChangeError: number }[];
}

const explain = (range: string, out: string): Explain =>
  terrain<Explain>(['explain', '--model', join(trained, 'final.safetensors'), '--data', 'fashion-mnist', '--samples', '256', '--direction', 'gaussian:norm=filter:seed=1', '--range', range, '--out', join(work, out)]);

/** Over |λ| ≤ radius: max |pred − meas| / max |meas − L0| (the error relative to the change δL). */
const changeError = (e: Explain, radius: number): number => e.errorByRadius.find((r) => Math.abs(r.radius - radius) < 1e-9 * radius)!.maxChangeError;

// ReLU kinks add curvature that the Hessian at θ does not hold (docs/hessian.md), so the quadratic term is off by
// 20–50 % at every scale measured; what holds is the expansion's order: gᵀε is exact, and the error relative to δL
// falls in proportion to |λ| (≈ 20 % at 0.1, 2 % at 0.001, 0.1 % at 0.0001).
test('resnet20 on Fashion-MNIST: the second-order prediction is right to first order in λ; its δL-relative error → 0 as |λ| → 0', (t) => {
  if (!existsSync(FASHION)) { t.skip(FASHION_MISSING); return; }
  const wide = explain('-0.1:0.1:21', 'explain-0.1');
  const narrow = explain('-0.001:0.001:21', 'explain-0.001');
  const { loss0, slope, curvature } = narrow.terms;
  const at = (e: Explain, l: number): number => e.measured[e.lambdas.findIndex((x) => Math.abs(x - l) < 1e-12)]!;
  const h = 0.001;
  const slopeMeasured = (at(narrow, h) - at(narrow, -h)) / (2 * h);
  const curvatureMeasured = (at(narrow, h) + at(narrow, -h) - 2 * at(narrow, 0)) / (h * h);
  const errors = [0.1, 0.01].map((r) => changeError(wide, r)).concat([0.001, 0.0002].map((r) => changeError(narrow, r)));
  t.diagnostic(`L0 ${loss0}, gᵀε ${slope} (central difference ${slopeMeasured}), εᵀHε ${curvature} (second difference at λ = ±0.001: ${curvatureMeasured})`);
  t.diagnostic(`max |pred − meas| / max |meas − L0| over |λ| ≤ 0.1, 0.01, 0.001, 0.0002: ${errors.map((e) => (100 * e).toFixed(2) + '%').join(', ')}`);
  t.diagnostic(`max |pred − meas| / meas over |λ| ≤ 0.1: ${(100 * wide.errorByRadius.at(-1)!.maxRelativeError).toFixed(2)}%`);
  assert.ok(Math.abs(at(narrow, 0) - loss0) <= 1e-6 * loss0, `L(θ) ${at(narrow, 0)} from the curve, ${loss0} from the Hessian pass`);
  assert.ok(Math.abs(slopeMeasured - slope) <= 0.01 * Math.abs(slope), `gᵀε ${slope} against the central difference ${slopeMeasured}`);
  assert.ok(curvature > 0, `εᵀHε ${curvature}`);
  for (let i = 1; i < errors.length; i++) assert.ok(errors[i]! < errors[i - 1]!, `error does not fall with |λ|: ${errors.join(', ')}`);
  assert.ok(errors[2]! <= 0.05, `δL-relative error ${errors[2]} over |λ| ≤ 0.001`);
  assert.ok(errors[3]! <= 0.01, `δL-relative error ${errors[3]} over |λ| ≤ 0.0002`);
});

test('resnet20 on Fashion-MNIST: GMI — v-basin fraction of 20 Gaussian FilNorm directions', (t) => {
  if (!existsSync(FASHION)) { t.skip(FASHION_MISSING); return; }
  const r = terrain<{ vBasinFraction: number; predictedVBasinFraction: number; typeCounts: Record<string, number>; normalisedCurvature: { mean: number; positiveFraction: number } }>(
    ['gmi', '--model', join(trained, 'final.safetensors'), '--data', 'fashion-mnist', '--samples', '128', '--directions', '20', '--range', '-1:1:21', '--trace-samples', '0', '--out', join(work, 'gmi')]);
  t.diagnostic(`v-basin fraction ${r.vBasinFraction} measured (${JSON.stringify(r.typeCounts)}), ${r.predictedVBasinFraction} predicted; εᵀHε/‖ε‖² mean ${r.normalisedCurvature.mean}, positive ${r.normalisedCurvature.positiveFraction}`);
  assert.equal(r.normalisedCurvature.positiveFraction, 1, 'every Gaussian direction curves upwards at the trained point');
  assert.ok(r.vBasinFraction >= 0.9, `v-basin fraction ${r.vBasinFraction}: ${JSON.stringify(r.typeCounts)}`);
});
