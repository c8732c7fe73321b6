// Sharpness you can compare: one row of measures per model, each with its error, from the Hessian operator (λ_max by
// Lanczos with its residual, tr(H)/P by Hutchinson with its standard error), ε-sharpness (Keskar et al.), the mean
// loss increase at radius r over k filter-normalised Gaussian directions, and the basin width along the same
// directions. Every stochastic part has its own generator derived from one seed, so adding one measure does not
// change the others. The measures take a LossSurface and a LinearOperator, never a model (modelSharpness builds them).
import { gaussianNoise } from '../directions/gaussian.js';
import { normalizeDirection } from '../directions/normalize.js';
import { normalizeInSubset, type ParamSelection } from '../directions/param-subset.js';
import type { NormMode } from '../directions/spec.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { analyseHessian } from '../hessian/analysis.js';
import type { HvpMethod } from '../hessian/hvp-backends.js';
import { modelHessian } from '../hessian/model-operator.js';
import type { ModelPoint } from '../hessian/model-point.js';
import type { LinearOperator } from '../hessian/operator.js';
import type { LossChoice } from '../loss/choice.js';
import type { ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { epsilonSharpness, type EpsilonSharpness } from './epsilon-sharpness.js';
import { modelLossSurface, type LossSurface } from './loss-surface.js';
import { basinWidth, lossIncreaseAtRadius, type BasinOptions, type BasinWidthResult, type LossIncreaseResult } from './random-directions.js';

export interface SharpnessOptions {
  seed: number;
  /** Hutchinson probes for tr(H) (≥ 2). */
  traceSamples: number;
  /** Lanczos tolerance relative to ‖H‖ (default 1e-5). */
  lanczosTol?: number;
  epsilon: { epsilon: number; steps: number; restarts: number };
  /** k directions gaussian:norm=NORM:seed=SEED+i, at radius r. */
  directions: { count: number; radius: number; norm: NormMode };
  basin: BasinOptions;
  /** Only these tensors move (directions, ε-box); the operator must be restricted to the same subset. */
  params?: ParamSelection;
  onProgress?: (stage: SharpnessStage, done: number, total: number) => void;
}

export type SharpnessStage = 'hessian' | 'epsilon' | 'directions' | 'basin';

export interface SharpnessMeasures {
  loss: number;
  /** Parameters the measures cover (P, or the subset's size). */
  parameters: number;
  lambdaMax: { value: number; residual: number; converged: boolean; matvecs: number };
  trace: { mean: number; stderr: number; samples: number };
  /** tr(H)/P with its standard error. */
  traceOverP: { mean: number; stderr: number };
  epsilonSharpness: EpsilonSharpness;
  lossIncrease: LossIncreaseResult;
  basinWidth: BasinWidthResult;
}

const SEED_OFFSETS = { hessian: 11, epsilon: 12 } as const;

export async function sharpnessMeasures(surface: LossSurface, op: LinearOperator, o: SharpnessOptions): Promise<SharpnessMeasures> {
  if (!Number.isInteger(o.directions.count) || o.directions.count < 1) throw new Error(`sharpness: the number of directions must be an integer ≥ 1, got ${o.directions.count}`);
  const report = (stage: SharpnessStage) => (done: number, total: number) => o.onProgress?.(stage, done, total);
  let products = 0;
  const h = await analyseHessian(op, {
    top: 1, bottom: 0, tol: o.lanczosTol, trace: { method: 'hutchinson', matvecs: o.traceSamples }, seed: (o.seed * 1_000_003 + SEED_OFFSETS.hessian) >>> 0,
    onProgress: () => report('hessian')(++products, products + 1),
  });
  const top = h.top!, trace = h.trace!;
  const eps = await epsilonSharpness(surface, { ...o.epsilon, rng: createRng((o.seed * 1_000_003 + SEED_OFFSETS.epsilon) >>> 0), params: o.params, progress: report('epsilon') });
  const dirs = gaussianDirections(surface.theta, o.seed, o.directions.count, o.directions.norm, o.params);
  let k = 0;
  const lossIncrease = await lossIncreaseAtRadius(surface, dirs, o.directions.radius, () => report('directions')(++k, dirs.length));
  let b = 0;
  const basin = await basinWidth(surface, dirs, o.basin, () => report('basin')(++b, dirs.length));
  return {
    loss: eps.loss0,
    parameters: op.size,
    lambdaMax: { value: top.values[0]!, residual: top.residuals[0]!, converged: top.converged, matvecs: top.matvecs },
    trace: { mean: trace.mean, stderr: trace.stderr, samples: trace.samples },
    traceOverP: { mean: trace.mean / op.size, stderr: trace.stderr / op.size },
    epsilonSharpness: eps,
    lossIncrease,
    basinWidth: basin,
  };
}

/** gaussian:norm=NORM:seed=SEED+i for i < count (bias-bn=zero, as the directions of `terrain curve`), in the subset if any. */
export function gaussianDirections(theta: ParamVector, seed: number, count: number, norm: NormMode, params?: ParamSelection): ParamVector[] {
  const scaling = { norm, biasBn: 'zero' as const, scale: 1 };
  return Array.from({ length: count }, (_, i) => {
    const raw = gaussianNoise(theta.layout, seed + i);
    return params ? normalizeInSubset(raw, theta, scaling, params) : normalizeDirection(raw, theta, scaling);
  });
}

export interface ModelSharpnessOptions extends SharpnessOptions {
  threads?: number;
  loss?: LossChoice;
  hvp?: HvpMethod;
}

/** The measures of one model on the given batches (BN in eval mode throughout). */
export async function modelSharpness(point: ModelPoint, batches: readonly LabeledBatch[], o: ModelSharpnessOptions): Promise<SharpnessMeasures> {
  const op = await modelHessian(point, batches, { method: o.hvp, bn: 'eval', threads: o.threads, loss: o.loss, ...(o.params ? { params: o.params.pattern } : {}) });
  try {
    const surface = await modelLossSurface(point, batches, { threads: o.threads, loss: o.loss });
    try {
      return await sharpnessMeasures(surface, op, o);
    } finally {
      await surface.dispose();
    }
  } finally {
    await op.dispose();
  }
}
