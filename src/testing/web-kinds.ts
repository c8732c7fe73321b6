// Synthetic run directories of terrain connect, plane, layers and sharpness, shaped field for field like the files
// those commands write (checked against real runs on digits MLPs), with numbers from closed forms so that tests can
// compare what is drawn with what was written. Not used by the CLI.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PathRecord } from '../core/connect/evaluate.js';
import type { ConnectResult } from '../core/connect/run.js';
import type { BlockResult } from '../core/sharpness/blocks.js';
import type { SharpnessMeasures } from '../core/sharpness/measures.js';
import { grid } from './web.js';

async function put(dir: string, name: string, value: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), JSON.stringify(value, null, 1));
}

const DATA = { source: 'digits', split: 'train', samples: 200, seed: 0, normalize: 'per-channel', loss: 'cross-entropy', hash: 'cd'.repeat(32), count: 200 };
const INFO = { version: '0.1.0', started: '2026-12-07T00:00:00.000Z', cwd: '/tmp' };

export const CONNECT_T = grid(0, 1, 7);
/** Loss along the line (a bump of height 0.5 over the end points) and along the trained curve (a bump of 0.05). */
export const lineLoss = (t: number, split: number): number => 0.3 + 0.02 * split + 0.5 * Math.sin(Math.PI * t);
export const curveLossT = (t: number, split: number): number => 0.3 + 0.02 * split + 0.05 * Math.sin(Math.PI * t);

function connectPath(split: string, path: 'curve' | 'line', k: number): PathRecord {
  const f = path === 'line' ? lineLoss : curveLossT;
  const loss = CONNECT_T.map((t) => f(t, k));
  const i = loss.indexOf(Math.max(...loss));
  const ends = Math.max(loss[0]!, loss[loss.length - 1]!);
  return {
    label: `${path === 'line' ? 'line' : 'bezier'} · ${split}`, split, path, lambdas: CONNECT_T, loss, accuracy: loss.map((l) => 1 - l / 2), lossStderr: loss.map(() => 0),
    barrier: { height: loss[i]! - ends, t: CONNECT_T[i]!, max: loss[i]!, ends },
  };
}

export const PLANE_X = grid(-2, 10, 9);
export const PLANE_Y = grid(-1, 5, 7);
/** B's y as Gram–Schmidt leaves it in a real run: rounding, not 0 (the note prints it as 0). */
export const PLANE_MODELS = [{ label: 'A', x: 0, y: 0 }, { label: 'B', x: 8, y: 5.3e-14 }, { label: 'C', x: 4, y: 3 }];
export const planeLoss = (x: number, y: number): number => 0.2 + 0.01 * (x - 4) ** 2 + 0.1 * (y - 2) ** 2;

export const LAYERS_LAMBDAS = grid(-1, 1, 5);
export const LAYER_BLOCKS = [
  { block: '(all)', parameters: 1210, curvature: 0.14, lambdaMax: 6.5, residual: 1.6e-5 },
  { block: 'layers', parameters: 1040, curvature: 0.02, lambdaMax: 2.8, residual: 2.3e-6 },
  { block: 'fc', parameters: 170, curvature: 0.22, lambdaMax: 5.0, residual: 1.9e-5 },
];

/** A block whose direction is 0 (1-D tensors with bias-bn=zero): no curve, no λ_max, a reason. */
export const SKIPPED_BLOCK: BlockResult = { block: 'norm', pattern: '^(?:norm\\.bias)$', tensors: ['norm.bias'], parameters: 16, skipped: 'its direction is 0 (only 1-D tensors or zero weights, with bias-bn=zero); use --bias-bn norm to move them' };

export const SHARP_MODELS = [
  { name: 'small/final', loss: 2.2e-4, lambdaMax: 0.0371, residual: 2e-7, trace: 1.57e-5, traceSe: 0.07e-5, eps: 8.6e-5, inc: 0.028, incSe: 0.005, width: 1.38, widthSe: 0.03, censored: 0 },
  { name: 'large/final', loss: 8.0e-5, lambdaMax: 0.0733, residual: 8e-7, trace: 1.70e-5, traceSe: 0.11e-5, eps: 5.9e-5, inc: 2.45, incSe: 0.31, width: 0.47, widthSe: 0.01, censored: 1 },
];

/** Writes connect/, plane/, layers/ and sharpness/ under root. */
export async function writeKindRuns(root: string): Promise<void> {
  const c = join(root, 'connect');
  await put(c, 'run.json', { kind: 'connect', identity: { from: { path: 'a.safetensors' }, to: { path: 'b.safetensors' }, data: DATA, curve: 'bezier', bends: 1, points: 7 }, info: INFO });
  const paths = [connectPath('train', 'curve', 0), connectPath('train', 'line', 0), connectPath('test', 'curve', 1), connectPath('test', 'line', 1)];
  const height = (k: number): number => paths[k]!.barrier.height;
  // Typed as the command's own result, so the fixture follows any change of its fields.
  const result: ConnectResult = {
    kind: 'connect', curve: 'bezier', bends: 1, from: 'a.safetensors', to: 'b.safetensors', paths,
    barriers: { 'train curve': height(0), 'train line': height(1), 'test curve': height(2), 'test line': height(3) },
    barrierReduction: { train: 1 - height(0) / height(1), test: 1 - height(2) / height(3) }, bn: 'none',
    history: [{ epoch: 1, loss: 0.5, accuracy: 0.84, lr: 0.04, seconds: 0.05 }, { epoch: 2, loss: 0.4, accuracy: 0.86, lr: 0.007, seconds: 0.02 }], checkpoints: [join(c, 'bend-1.safetensors')],
  };
  await put(c, 'result.json', result);

  const p = join(root, 'plane');
  const grids = [`${PLANE_X[0]}:${PLANE_X.at(-1)}:${PLANE_X.length}`, `${PLANE_Y[0]}:${PLANE_Y.at(-1)}:${PLANE_Y.length}`];
  await put(p, 'run.json', { kind: 'surface', identity: { model: { path: 'a.safetensors', sha256: 'ab'.repeat(32), arch: 'mlp' }, data: DATA, directions: [{ spec: `file:${p}/direction-x.safetensors` }, { spec: `file:${p}/direction-y.safetensors` }], bn: 'eval', grid: grids }, info: INFO });
  await put(p, 'result.json', { kind: 'surface', x: PLANE_X, y: PLANE_Y, loss: PLANE_Y.map((y) => PLANE_X.map((x) => planeLoss(x, y))), accuracy: PLANE_Y.map(() => PLANE_X.map(() => 0.9)) });
  const curvePath = grid(0, 1, 61).map((t) => ({ x: 8 * t * t + 2 * t * (1 - t) * 4, y: 2 * t * (1 - t) * 3, offPlane: 0 }));
  await put(p, 'plane.json', {
    kind: 'plane', origin: 'a.safetensors', models: PLANE_MODELS.map((m, k) => ({ ...m, offPlane: 0, path: ['a', 'b', 'conn/bend-1'][k] + '.safetensors' })),
    distances: { AB: 8, AC: 5 }, curve: { dir: 'conn', bends: [{ label: 'bend 1', x: 4, y: 3, offPlane: 0 }], path: curvePath },
    basis: { x: `file:${p}/direction-x.safetensors`, y: `file:${p}/direction-y.safetensors` }, surface: 'result.json',
  });

  const l = join(root, 'layers');
  const dir = 'gaussian:norm=filter:seed=0:bias-bn=zero:scale=1';
  await put(l, 'run.json', { kind: 'layers', identity: { model: { path: 'a.safetensors' }, data: DATA, groupDepth: 1, direction: dir, range: '-1:1:5' }, info: INFO });
  await put(l, 'result.json', {
    kind: 'layers', lambdas: LAYERS_LAMBDAS, groupDepth: 1, direction: dir, samples: 200,
    blocks: [...LAYER_BLOCKS.map((b): BlockResult & { label: string } => ({
      label: b.block, block: b.block, pattern: b.block === '(all)' ? '' : `^(?:${b.block}\\.weight)$`, tensors: [`${b.block}.weight`, `${b.block}.bias`], parameters: b.parameters,
      loss: LAYERS_LAMBDAS.map((x) => 0.35 + b.curvature * x * x), type: 'v-basin', slope: 0.1, curvature: b.curvature, directionNorm: 5,
      lambdaMax: { value: b.lambdaMax, residual: b.residual, converged: true },
    })), { label: SKIPPED_BLOCK.block, ...SKIPPED_BLOCK }],
  });

  const s = join(root, 'sharpness');
  const options = { seed: 0, traceSamples: 3, lanczosTol: 1e-5, epsilon: { epsilon: 0.001, steps: 10, restarts: 1 }, directions: { count: 3, radius: 0.5, norm: 'filter' }, basin: { delta: 0.1, maxLambda: 2, gridSteps: 20, bisections: 12 } };
  await put(s, 'run.json', { kind: 'sharpness', identity: { models: SHARP_MODELS.map((m) => ({ path: `${m.name}.safetensors` })), data: DATA, ...options }, info: INFO });
  await put(s, 'result.json', {
    kind: 'sharpness',
    table: SHARP_MODELS.map((m) => ({ model: m.name, epoch: null, loss: m.loss, lambdaMax: m.lambdaMax, traceOverP: m.trace, epsilonSharpness: m.eps, lossIncrease: m.inc, basinWidth: m.width, lambdaMaxResidual: m.residual, traceOverPStderr: m.traceSe, lossIncreaseStderr: m.incSe, basinWidthStderr: m.widthSe })),
    models: SHARP_MODELS.map((m): SharpnessMeasures & Record<string, unknown> => ({
      name: m.name, path: `${m.name}.safetensors`, epoch: null, loss: m.loss, parameters: 1210,
      lambdaMax: { value: m.lambdaMax, residual: m.residual, converged: true, matvecs: 27 }, trace: { mean: m.trace * 1210, stderr: m.traceSe * 1210, samples: 3 },
      traceOverP: { mean: m.trace, stderr: m.traceSe },
      epsilonSharpness: { epsilon: 0.001, loss0: m.loss, maxLoss: m.loss + m.eps, increase: m.eps, keskar: (100 * m.eps) / (1 + m.loss), restarts: [m.eps], steps: 10, gradients: 10 },
      lossIncrease: { radius: 0.5, loss0: m.loss, increases: [m.inc - m.incSe, m.inc, m.inc + m.incSe], mean: m.inc, stderr: m.incSe },
      basinWidth: { delta: 0.1, maxLambda: 2, loss0: m.loss, directions: [], mean: m.width, stderr: m.widthSe, censored: m.censored, evaluations: 91 },
    })),
    orderings: { 'λ_max': ['small/final', 'large/final'], 'tr(H)/P': ['small/final', 'large/final'], 'ε-sharpness': ['large/final', 'small/final'], 'loss increase': ['small/final', 'large/final'], 'basin width (narrower = sharper)': ['small/final', 'large/final'] },
    orderingsAgree: false, samples: 200, params: null, options,
  });
}
