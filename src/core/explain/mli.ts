// Monotonic linear interpolation (MLI; Goodfellow et al. 2015, Lucas et al. 2021): the loss along
// θ(α) = (1 − α) θ_init + α θ_final, α ∈ [0, 1]. The path is monotone when the loss never rises above the lowest
// value reached so far; each rise is a bump. ΔL = max_{α ≤ α'} L(α') − L(α), the largest rise, is the
// non-monotonicity Lucas et al. report (MLI holds when ΔL ≤ the tolerance). The second-order expansion at θ_init
// along δ = θ_final − θ_init (slope gᵀδ, curvature δᵀHδ) is the local explanation of the path's start.
import { evaluateWeights, type LabeledBatch } from '../evaluate/point.js';
import type { ModelHessian } from '../hessian/model-operator.js';
import type { ModelPoint } from '../hessian/model-point.js';
import type { Tensor } from '../../ir/tensor.js';
import { combine, sub, toTensors } from '../params.js';
import { predictCurve, secondOrderTerms, type SecondOrderTerms } from './second-order.js';

export interface MliOptions {
  /** A rise counts when it exceeds max(absoluteTolerance, relativeTolerance · (max L − min L)). Defaults 0 and 1e-3. */
  absoluteTolerance?: number;
  relativeTolerance?: number;
}

export interface Bump {
  /** α where the loss last stood at the running minimum before rising. */
  start: number;
  /** α where it first comes back to that minimum (within the tolerance), or the last α if it never does. */
  end: number;
  /** False when the path ends before the loss returns to the minimum. */
  closed: boolean;
  /** α of the highest point of the bump. */
  peak: number;
  /** Largest loss above the running minimum within the bump. */
  height: number;
  /** end − start. */
  width: number;
}

export interface MliMetrics {
  monotone: boolean;
  /** ΔL = max over α ≤ α' of L(α') − L(α) (0 for a non-increasing path). */
  maxRise: number;
  bumps: Bump[];
  tolerance: number;
  lossStart: number;
  lossEnd: number;
  /** min L on the path and where it is; an interior minimum below L(1) means the path overshoots the end point. */
  lossMin: number;
  argMin: number;
}

export function mliMetrics(alphas: readonly number[], losses: readonly number[], o: MliOptions = {}): MliMetrics {
  const n = alphas.length;
  if (n < 2 || losses.length !== n) throw new Error(`mli: need at least 2 points with one loss each, got ${n} α and ${losses.length} losses`);
  for (let i = 1; i < n; i++) if (!(alphas[i]! > alphas[i - 1]!)) throw new Error(`mli: α must increase, got ${alphas[i - 1]} then ${alphas[i]}`);
  if (!losses.every(Number.isFinite)) throw new Error('mli: every loss must be finite');
  const lossMin = Math.min(...losses), lossMax = Math.max(...losses);
  const tolerance = Math.max(o.absoluteTolerance ?? 0, (o.relativeTolerance ?? 1e-3) * (lossMax - lossMin));
  const bumps: Bump[] = [];
  let runMin = losses[0]!, runMinAt = 0, maxRise = 0;
  let open: Bump | undefined;
  for (let i = 1; i < n; i++) {
    const excess = losses[i]! - runMin;
    maxRise = Math.max(maxRise, excess);
    if (excess > tolerance) {
      if (!open) open = { start: alphas[runMinAt]!, end: alphas[i]!, closed: false, peak: alphas[i]!, height: excess, width: 0 };
      if (excess > open.height) { open.height = excess; open.peak = alphas[i]!; }
      open.end = alphas[i]!;
    } else if (open) {
      open.end = alphas[i]!;
      open.closed = true;
      bumps.push(open);
      open = undefined;
    }
    if (losses[i]! < runMin) { runMin = losses[i]!; runMinAt = i; }
  }
  if (open) bumps.push(open);
  for (const b of bumps) b.width = b.end - b.start;
  return {
    monotone: bumps.length === 0, maxRise, bumps, tolerance,
    lossStart: losses[0]!, lossEnd: losses[n - 1]!, lossMin, argMin: alphas[losses.indexOf(lossMin)]!,
  };
}

export interface MliAnalysis extends MliMetrics {
  kind: 'mli';
  alphas: number[];
  loss: number[];
  accuracy: number[];
  /** Second-order terms at θ_init along δ = θ_final − θ_init, and the predicted path. */
  initTerms: SecondOrderTerms;
  predicted: number[];
  /** ‖θ_final − θ_init‖. */
  distance: number;
}

/**
 * The measured path (BN running statistics interpolated linearly with the weights, as a state-dict interpolation
 * does) and the expansion at θ_init; `initHessian` is the model operator at θ_init (BN eval) over the same batches.
 */
export async function mliAnalysis(init: ModelPoint, final: ModelPoint, batches: readonly LabeledBatch[], initHessian: ModelHessian, alphas: readonly number[], o: MliOptions & { threads?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<MliAnalysis> {
  const delta = sub(final.theta, init.theta);
  const loss: number[] = [], accuracy: number[] = [];
  for (const [i, a] of alphas.entries()) {
    const weights = toTensors(combine(init.theta, [[a, delta]]));
    for (const [k, t] of interpolateBuffers(init.buffers, final.buffers, a)) weights.set(k, t);
    const s = await evaluateWeights(init.model, weights, batches, { threads: o.threads });
    loss.push(s.loss);
    accuracy.push(s.accuracy);
    o.onProgress?.(i + 1, alphas.length + 1);
  }
  const initTerms = await secondOrderTerms(initHessian, delta);
  o.onProgress?.(alphas.length + 1, alphas.length + 1);
  return {
    kind: 'mli', alphas: [...alphas], loss, accuracy, ...mliMetrics(alphas, loss, o),
    initTerms, predicted: predictCurve(initTerms, alphas), distance: Math.sqrt(initTerms.directionNorm2),
  };
}

function interpolateBuffers(a: ReadonlyMap<string, Tensor>, b: ReadonlyMap<string, Tensor>, alpha: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of a) {
    const u = b.get(name);
    if (!u || u.dims.join() !== t.dims.join()) throw new Error(`buffer '${name}' [${t.dims}] is missing or shaped differently in the final checkpoint`);
    const x = t.data as Float32Array, y = u.data as Float32Array;
    out.set(name, { dtype: 'float32', dims: t.dims, data: Float32Array.from(x, (v, i) => v + alpha * (y[i]! - v)) });
  }
  return out;
}
