// Synthetic run directories for the viewer's tests: every kind of result the viewer draws, with numbers from
// closed-form functions so tests can check what is drawn against what was written. Not used by the CLI.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GmiResult } from '../core/explain/gmi.js';
import type { CheckpointCurvature } from '../core/explain/training-curvature.js';
import type { MineResult, SeedOutcome } from '../core/mine/job.js';
import type { HistoryEntry } from '../core/mine/optimize.js';

export const grid = (from: number, to: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

async function put(dir: string, name: string, value: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 1));
}

const runJson = (kind: string, grids: string[], extra: Record<string, unknown> = {}, info: Record<string, unknown> = {}) => ({
  kind,
  identity: { model: { path: '/models/mlp.safetensors', sha256: 'ab'.repeat(32), arch: 'mlp' }, data: { source: 'digits', split: 'train', seed: 0, hash: 'cd'.repeat(32), count: 1437 }, grid: grids, ...extra },
  info: { command: ['terrain', kind, '--out', 'x'], version: '0.1.0', ...info },
});

export const CURVE_LAMBDAS = grid(-1, 1, 21);
export const curveLoss = (l: number): number => 0.1 + 2 * l * l;
export const SURFACE_X = grid(-1, 1, 11);
export const SURFACE_Y = grid(-0.5, 0.5, 6);
export const surfaceLoss = (x: number, y: number): number => 0.2 + x * x + 3 * y * y + 0.5 * x * y;
/** Checkpoint coordinates along the unit principal directions u1, u2 (as run.json stores them), and the axis scale. */
export const PCA_COORDINATES = [[0.9, 0.4], [0.5, 0.3], [0.2, -0.1]];
export const PCA_SCALE = 2;

/** Ten directions' εᵀHε/‖ε‖² and tr(H)/P of the gmi fixture. */
export const GMI_CURVATURES = [0.01, 0.012, 0.015, 0.018, 0.02, 0.021, 0.022, 0.025, 0.028, 0.03];
export const GMI_TRACE_OVER_P = 0.019;
export const mineObjective = (seed: number, step: number): number => (seed + 1) / (step + 1);

/** points.jsonl lines of the running curve fixture, indices from..to−1 (loss = curveLoss(λ)). */
export function runningCurvePoints(from: number, to: number): string {
  return Array.from({ length: to - from }, (_, k) => JSON.stringify({ index: from + k, loss: curveLoss(CURVE_LAMBDAS[from + k]!), accuracy: 0.9, lossStderr: 0.01 }) + '\n').join('');
}

/** Writes the fixture runs under root; returns their ids (relative paths). */
export async function writeFixtureRuns(root: string): Promise<Record<string, string>> {
  const L = CURVE_LAMBDAS;
  await put(join(root, 'curves/bowl'), 'run.json', runJson('curve', ['-1:1:21'], { directions: [{ spec: 'gaussian:norm=filter:seed=0:bias-bn=zero:scale=1' }] }));
  await put(join(root, 'curves/bowl'), 'result.json', {
    kind: 'curve', lambdas: L, loss: L.map(curveLoss), accuracy: L.map((l) => 1 - 0.3 * l * l), lossStderr: L.map(() => 0.01),
    type: 'v-basin', features: { points: 21 }, direction: 'gaussian:norm=filter:seed=0:bias-bn=zero:scale=1', bn: 'eval',
  });
  await put(join(root, 'curves/slope'), 'run.json', runJson('curve', ['-1:1:21']));
  await put(join(root, 'curves/slope'), 'result.json', { kind: 'curve', lambdas: L, loss: L.map((l) => 1 + l), accuracy: L.map(() => 0.5), lossStderr: L.map(() => 0.02), type: 'monotone', direction: 'gradient' });

  // A second-order explanation, as terrain explain writes it: measured (not loss), predicted, relativeError per λ.
  const predicted = L.map((l) => 0.1 + l * l);
  const measured = L.map((l) => 0.1 + l * l + 0.5 * l ** 4);
  await put(join(root, 'explain/gauss'), 'run.json', runJson('explain', [], { direction: 'gaussian:seed=3', range: '-1:1:21' }));
  await put(join(root, 'explain/gauss'), 'result.json', {
    kind: 'explain', direction: 'gaussian:norm=filter:seed=3:bias-bn=zero:scale=1', directionNorm: 12, hvp: 'exact', bn: 'eval',
    terms: { loss0: 0.1, accuracy0: 0.97, slope: 0, curvature: 2, directionNorm2: 144, gradientNorm: 0.01 },
    lambdas: L, measured, predicted, relativeError: L.map((_, i) => Math.abs(predicted[i]! - measured[i]!) / measured[i]!),
    errorByRadius: [0.1, 0.5, 1].map((radius) => ({ radius, maxRelativeError: radius ** 4 / 4, maxChangeError: radius ** 2 / 2 })),
    maxRelativeErrorWithin0_1: 2.5e-5, measuredType: 'v-basin',
  });
  // Its measured curve, a nested run directory (not listed on its own).
  await put(join(root, 'explain/gauss/measured'), 'run.json', runJson('curve', ['-1:1:21']));
  await put(join(root, 'explain/gauss/measured'), 'result.json', { kind: 'curve', lambdas: L, loss: measured, type: 'v-basin' });

  const X = SURFACE_X, Y = SURFACE_Y;
  const pca = (k: number) => ({ kind: 'pca', norm: PCA_SCALE, rawNorm: 1, pca: { dir: '/train', final: '/train/final.safetensors', checkpoints: ['/train/init.safetensors', '/train/epoch-001.safetensors', '/train/epoch-002.safetensors'], component: k, explainedVarianceRatio: [0.8, 0.15], coordinates: PCA_COORDINATES, distances: [0, 0, 0], thetaToFinal: 0 } });
  const specs = [`pca:/train:k=1:norm=none:bias-bn=keep:scale=${PCA_SCALE}`, `pca:/train:k=2:norm=none:bias-bn=keep:scale=${PCA_SCALE}`];
  await put(join(root, 'surfaces/pca-plane'), 'run.json', runJson('surface', ['-1:1:11', '-0.5:0.5:6'], { directions: specs.map((spec) => ({ spec })) }, { directionInfo: [pca(1), pca(2)] }));
  await put(join(root, 'surfaces/pca-plane'), 'result.json', {
    kind: 'surface', x: X, y: Y, loss: Y.map((y) => X.map((x) => surfaceLoss(x, y))), accuracy: Y.map((y) => X.map((x) => 1 - 0.1 * (x * x + y * y))),
    lossStderr: Y.map(() => X.map(() => 0.01)), directions: specs, cosineXY: 0, bn: 'eval',
  });

  // Still running: run.json and the first 25 of 66 points, no result.json.
  await put(join(root, 'surfaces/running'), 'run.json', runJson('surface', ['-1:1:11', '-0.5:0.5:6']));
  await put(join(root, 'surfaces/running'), 'points.jsonl', Array.from({ length: 25 }, (_, k) => JSON.stringify({ index: k, loss: surfaceLoss(X[k % 11]!, Y[Math.floor(k / 11)]!), accuracy: 0.9, lossStderr: 0.01 })).join('\n') + '\n');

  // A curve still running: 8 of its 21 points.
  await put(join(root, 'curves/running'), 'run.json', runJson('curve', ['-1:1:21']));
  await put(join(root, 'curves/running'), 'points.jsonl', runningCurvePoints(0, 8));

  await put(join(root, 'hessian/top'), 'run.json', runJson('hessian', [], { top: 3, bottom: 1 }));
  const dg = grid(-1, 6, 50);
  await put(join(root, 'hessian/top'), 'result.json', {
    kind: 'hessian', eigenvalues: [5, 2, 1], bottomEigenvalues: [-0.1], residuals: { top: [1e-6, 1e-6, 2e-6], bottom: [3e-6] },
    trace: { mean: 10, stderr: 0.5 }, density: { grid: dg, values: dg.map((g) => Math.exp(-g * g)), sigma: 0.1, runs: 3 }, parameters: { count: 100 },
  });
  const curvature: CheckpointCurvature[] = [0, 1, 2].map((epoch) => ({
    path: `/t/epoch-00${epoch}.safetensors`, name: `epoch-00${epoch}.safetensors`, epoch, loss: 2 / (epoch + 1), accuracy: 0.5 + 0.2 * epoch,
    trace: { mean: 5 + 3 * epoch, stderr: 0.5, samples: 10 }, lambdaMax: 1 + epoch, lambdaMaxResidual: 1e-5, matvecs: 40,
  }));
  await put(join(root, 'hessian/training'), 'run.json', runJson('hessian-checkpoints', []));
  await put(join(root, 'hessian/training'), 'result.json', { kind: 'hessian-checkpoints', checkpoints: curvature, hvp: 'exact', bn: 'eval', params: null, samples: 100 });

  // gmi: N Gaussian directions sharing one λ grid, their εᵀHε/‖ε‖² beside tr(H)/P.
  const G = grid(-1, 1, 11);
  const gmi: GmiResult = {
    kind: 'gmi', lambdas: G, loss0: 0.1, parameters: 1000, vBasinFraction: 0.9, predictedVBasinFraction: 1, typeCounts: { 'v-basin': 9, 'w-basin': 1 },
    directions: Array.from({ length: GMI_CURVATURES.length }, (_, k) => ({
      spec: `gaussian:norm=filter:seed=${k}:bias-bn=zero:scale=1`, slope: 0, curvature: GMI_CURVATURES[k]! * 100, directionNorm2: 100, normalisedCurvature: GMI_CURVATURES[k]!,
      loss: G.map((l) => 0.1 + GMI_CURVATURES[k]! * 50 * l * l), predicted: G.map((l) => 0.1 + GMI_CURVATURES[k]! * 50 * l * l), measuredType: k === 0 ? 'w-basin' : 'v-basin', predictedType: 'v-basin',
    })),
    normalisedCurvature: { mean: 0.02, stderr: 0.001, min: 0.01, max: 0.03, positiveFraction: 1 },
    trace: { mean: 20, stderr: 1, samples: 10 }, traceOverP: { mean: GMI_TRACE_OVER_P, stderr: 0.001 },
  };
  await put(join(root, 'gmi/digits'), 'run.json', runJson('gmi', []));
  await put(join(root, 'gmi/digits'), 'result.json', gmi);

  // A mining run as terrain mine lays it out: per seed a history.jsonl and a held-out curve run; the summary on top.
  const seeds: SeedOutcome[] = [];
  for (const seed of [0, 1]) {
    const dir = join(root, 'mine/w-peak', `seed-${seed}`);
    const history: HistoryEntry[] = Array.from({ length: 12 }, (_, step) => ({ step, objective: mineObjective(seed, step), losses: [0.1, 0.2], lr: 0.01, gradNorm: 1 / (step + 1), ms: 5 }));
    await put(dir, 'history.jsonl', history.map((h) => JSON.stringify(h)).join('\n') + '\n');
    const type = seed === 0 ? 'w-peak' : 'v-basin';
    await put(join(dir, 'heldout'), 'run.json', runJson('curve', ['-1:1:21']));
    await put(join(dir, 'heldout'), 'result.json', { kind: 'curve', lambdas: L, loss: L.map((l) => (seed === 0 ? 0.5 - l * l + l ** 4 : curveLoss(l))), type });
    seeds.push({ seed, type, success: seed === 0, inSampleType: null, finalObjective: mineObjective(seed, 11), heldOutObjective: 0.1, steps: 12, seconds: 0.06, direction: join(dir, 'direction.safetensors'), curve: join(dir, 'heldout/result.json') });
  }
  const selection = { source: 'digits', split: 'test', seed: 0, hash: 'ef'.repeat(32), count: 360 };
  const mine: MineResult = { kind: 'mine', shape: 'w-peak', target: 'w-peak', probes: [-1, -0.5, 0, 0.5, 1], judgeRange: '-1:1:21', heldOut: selection, mining: selection, seeds, successes: 1, successRate: 0.5, best: { seed: 0, success: true, direction: seeds[0]!.direction } };
  await put(join(root, 'mine/w-peak'), 'run.json', runJson('mine', [], { seeds: [0, 1] }));
  await put(join(root, 'mine/w-peak'), 'points.jsonl', seeds.map((o, index) => JSON.stringify({ index, ...o })).join('\n') + '\n');
  await put(join(root, 'mine/w-peak'), 'result.json', mine);

  await put(join(root, 'train/seed0'), 'train.json', {
    config: { epochs: 3, batch: 128, lr: 0.1, seed: 0 }, meta: { dataset: 'digits' }, done: true, testLoss: 0.1, testAccuracy: 0.97,
    epochs: [1, 2, 3].map((epoch) => ({ epoch, trainLoss: 1 / epoch, trainAccuracy: 1 - 0.1 / epoch, testLoss: 1.2 / epoch, testAccuracy: 1 - 0.12 / epoch, lr: 0.1 / epoch })),
    checkpoints: ['init.safetensors', 'final.safetensors'],
  });
  return {
    bowl: 'curves/bowl', runningCurve: 'curves/running', slope: 'curves/slope', explain: 'explain/gauss', pca: 'surfaces/pca-plane', running: 'surfaces/running',
    hessian: 'hessian/top', hessianTraining: 'hessian/training', gmi: 'gmi/digits', mine: 'mine/w-peak', train: 'train/seed0',
  };
}
