// Synthetic run directories for the viewer's tests: every kind of result the viewer draws, with numbers from
// closed-form functions so tests can check what is drawn against what was written. Not used by the CLI.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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

  // A second-order explanation: measured curve, its prediction, and the prediction's relative error.
  const predicted = L.map((l) => 0.1 + l * l);
  const measured = L.map((l) => 0.1 + l * l + 0.5 * l ** 4);
  await put(join(root, 'explain/gauss'), 'run.json', runJson('explain', ['-1:1:21']));
  await put(join(root, 'explain/gauss'), 'result.json', {
    kind: 'explain', lambdas: L, loss: measured, predicted, relativeError: L.map((_, i) => Math.abs(predicted[i]! - measured[i]!) / measured[i]!), gTe: 0, eHe: 2,
  });

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

  await put(join(root, 'hessian/top'), 'run.json', runJson('hessian', [], { top: 4 }));
  const dg = grid(-1, 6, 50);
  await put(join(root, 'hessian/top'), 'result.json', { eigenvalues: [1, 5, 2, -0.1], trace: { mean: 10, stderr: 0.5 }, density: { grid: dg, values: dg.map((g) => Math.exp(-g * g)) } });

  // A mining run: per-restart objective histories and final curves.
  await put(join(root, 'mine/w-peak'), 'run.json', runJson('mine', [], { shape: 'w-peak' }));
  await put(join(root, 'mine/w-peak'), 'result.json', {
    kind: 'mine', shape: 'w-peak', successRate: 0.5,
    restarts: [0, 1].map((seed) => ({
      seed, success: seed === 0, type: seed === 0 ? 'w-peak' : 'v-basin',
      history: Array.from({ length: 12 }, (_, step) => ({ step, objective: (seed + 1) / (step + 1), loss: 0.1 + step * 0.01 })),
      lambdas: L, loss: L.map((l) => (seed === 0 ? 0.5 - l * l + l ** 4 : curveLoss(l))),
    })),
  });

  await put(join(root, 'train/seed0'), 'train.json', {
    config: { epochs: 3, batch: 128, lr: 0.1, seed: 0 }, meta: { dataset: 'digits' }, done: true, testLoss: 0.1, testAccuracy: 0.97,
    epochs: [1, 2, 3].map((epoch) => ({ epoch, trainLoss: 1 / epoch, trainAccuracy: 1 - 0.1 / epoch, testLoss: 1.2 / epoch, testAccuracy: 1 - 0.12 / epoch, lr: 0.1 / epoch })),
    checkpoints: ['init.safetensors', 'final.safetensors'],
  });
  return {
    bowl: 'curves/bowl', runningCurve: 'curves/running', slope: 'curves/slope', explain: 'explain/gauss', pca: 'surfaces/pca-plane', running: 'surfaces/running',
    hessian: 'hessian/top', mine: 'mine/w-peak', train: 'train/seed0',
  };
}
