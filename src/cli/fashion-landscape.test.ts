// The landscape must-shows of the digits MLP (cli.test.ts), on the ResNet-20 of fashion.test.ts trained on real
// Fashion-MNIST (Debian's dataset-fashion-mnist; ≈ 81 % test accuracy after one epoch on 10,000 images). Curves are
// evaluated on a 500-image subset of the training split. Measured numbers: docs/fashion-mnist.md.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mliMetrics } from '../core/explain/mli.js';
import { FASHION, FASHION_MISSING, MAIN, trainedFashionResnet20 } from '../testing/fashion.js';

const work = mkdtempSync(join(tmpdir(), 'terrain-fashion-landscape-'));
let seed0 = '';

before(async () => {
  if (existsSync(FASHION)) seed0 = await trainedFashionResnet20(0, ['--save-steps', '20']);
});

function curve(model: string, direction: string, range: string, out: string, extra: string[] = []): { type: string; lambdas: number[]; loss: number[] } {
  const args = ['curve', '--model', model, '--data', 'fashion-mnist', '--samples', '500', '--direction', direction, '--range', range, ...extra, '--out', join(work, out), '--json', '--no-plots'];
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, TERRAIN_NO_PROGRESS: '1' } });
  assert.equal(r.status, 0, `terrain ${args.join(' ')} → ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { type: string; lambdas: number[]; loss: number[] };
}

const rounded = (xs: number[]): string => xs.map((x) => x.toPrecision(4)).join(' ');

test('resnet20 on Fashion-MNIST: Gaussian FilNorm curves are v-basins for ≥ 9 of 10 seeds', (t) => {
  if (!existsSync(FASHION)) { t.skip(FASHION_MISSING); return; }
  const types = Array.from({ length: 10 }, (_, s) => curve(join(seed0, 'final.safetensors'), `gaussian:seed=${s}`, '-1:1:25', `g${s}`).type);
  t.diagnostic(`types: ${types.join(', ')}`);
  assert.ok(types.filter((x) => x === 'v-basin').length >= 9, `v-basins: ${types.join(', ')}`);
});

// BN running statistics move with the weights (--bn perturb: the interpolation of two state dicts), so that both
// ends are the checkpoints themselves.
test('resnet20 on Fashion-MNIST: MLI (init → final) has no bump', (t) => {
  if (!existsSync(FASHION)) { t.skip(FASHION_MISSING); return; }
  const r = curve(join(seed0, 'init.safetensors'), `to:${join(seed0, 'final.safetensors')}`, '0:1:26', 'mli', ['--bn', 'perturb']);
  const m = mliMetrics(r.lambdas, r.loss);
  t.diagnostic(`MLI ${r.type}: ΔL = ${m.maxRise}, bumps ${m.bumps.length} (tolerance ${m.tolerance.toPrecision(3)}), L ${rounded(r.loss)}`);
  assert.ok(m.monotone, `MLI bumps: ${JSON.stringify(m.bumps)}; L ${rounded(r.loss)}`);
  assert.equal(r.type, 'monotone', `MLI curve is ${r.type}: ${rounded(r.loss)}`);
  assert.ok(r.loss[r.loss.length - 1]! < r.loss[0]! / 4, 'training lowered the loss');
});

// Each point gets BN statistics re-estimated on 512 training images (--bn recompute): beyond [0, 1] an interpolation
// of running variances is an extrapolation that drives some to zero (measured: L ≈ 3e15 at λ = −0.5 with --bn
// perturb), and with θ's statistics throughout (--bn eval) the far end is not the second model.
test('resnet20 on Fashion-MNIST: two independently trained models make a w-basin on λ ∈ [−0.5, 1.5]', async (t) => {
  if (!existsSync(FASHION)) { t.skip(FASHION_MISSING); return; }
  const seed1 = await trainedFashionResnet20(1);
  const r = curve(join(seed0, 'final.safetensors'), `to:${join(seed1, 'final.safetensors')}`, '-0.5:1.5:41', 'two', ['--bn', 'recompute', '--bn-batches', '2']);
  t.diagnostic(`two-model line ${r.type}: L ${rounded(r.loss)}`);
  assert.equal(r.type, 'w-basin', `two-model curve is ${r.type}: ${rounded(r.loss)}`);
});

// The FilNorm-scaled gradient at step 20 of 156 is steep and sharply curved: along it the loss bottoms out at
// λ ≈ 0.0012 (1.088 → 1.019) and reaches 3.7–5.8 at λ = ±0.01, where θ sits within the 10 % of the basin's
// prominence that the taxonomy calls its bottom. λ ∈ [−0.004, 0.004] resolves the basin the step descends into.
test('resnet20 on Fashion-MNIST: the negative gradient at an early checkpoint (step 20) gives a v-side curve', (t) => {
  if (!existsSync(FASHION)) { t.skip(FASHION_MISSING); return; }
  const r = curve(join(seed0, 'step-000020.safetensors'), 'gradient', '-0.004:0.004:41', 'neg-grad');
  t.diagnostic(`negative gradient at step 20 ${r.type}: L ${rounded(r.loss)}`);
  assert.equal(r.type, 'v-side', `negative-gradient curve is ${r.type}: ${rounded(r.loss)}`);
  const argMin = r.loss.indexOf(Math.min(...r.loss));
  assert.ok(r.lambdas[argMin]! > 0, `the minimum lies downhill, at λ = ${r.lambdas[argMin]}`);
});
