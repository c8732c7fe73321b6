// ε-sharpness (Keskar et al. 2017, "On Large-Batch Training for Deep Learning", metric 2.1): the largest loss in the
// box C_ε = { y : |y_i| ≤ ε(|θ_i| + 1) } around θ, as an increase over L(θ) and as Keskar's relative figure
// 100·(max L − L(θ))/(1 + L(θ)). Keskar maximise with L-BFGS-B; here projected gradient ascent with sign steps (the
// box is an ℓ∞ ball after scaling, where the sign of the gradient is the steepest ascent): y ← clip(y + α b ⊙ sign ∇L),
// from a seeded uniform start in the box, keeping the best point seen. A convex quadratic's maximum over a box lies
// at a vertex, which these steps reach exactly; in general the result is a lower bound on the maximum.
import type { ParamSelection } from '../directions/param-subset.js';
import type { ParamVector } from '../params.js';
import type { Rng } from '../rng.js';
import type { LossSurface } from './loss-surface.js';

export interface EpsilonSharpnessOptions {
  /** Box size ε, relative to |θ_i| + 1 (Keskar et al. use 1e-3 and 5e-4). */
  epsilon: number;
  /** Gradient steps per restart. */
  steps: number;
  /** Step length α as a fraction of each coordinate's half-width (default 2.5/steps, Madry et al.'s choice). */
  stepFraction?: number;
  /** Random starts (the first at a seeded uniform point of the box). */
  restarts?: number;
  rng: Rng;
  /** Only these tensors move (the box has width 0 elsewhere). */
  params?: ParamSelection;
  progress?: (done: number, total: number) => void;
}

export interface EpsilonSharpness {
  epsilon: number;
  loss0: number;
  /** The largest loss found in the box. */
  maxLoss: number;
  /** maxLoss − L(θ). */
  increase: number;
  /** Keskar et al.'s metric: 100 · increase / (1 + L(θ)). */
  keskar: number;
  /** Per restart: the increase it reached. */
  restarts: number[];
  steps: number;
  /** Loss evaluations with gradient. */
  gradients: number;
}

export async function epsilonSharpness(surface: LossSurface, o: EpsilonSharpnessOptions): Promise<EpsilonSharpness> {
  if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon)) throw new Error(`ε-sharpness: ε must be a positive number, got ${o.epsilon}`);
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error(`ε-sharpness: steps must be an integer ≥ 1, got ${o.steps}`);
  const restarts = o.restarts ?? 1;
  if (!Number.isInteger(restarts) || restarts < 1) throw new Error(`ε-sharpness: restarts must be an integer ≥ 1, got ${restarts}`);
  const alpha = o.stepFraction ?? 2.5 / o.steps;
  const theta = surface.theta, n = theta.data.length;
  const half = boxHalfWidths(theta, o.epsilon, o.params);
  const loss0 = await surface.loss(theta);
  const total = restarts * (o.steps + 1);
  let done = 0, gradients = 0;
  let best = loss0;
  const reached: number[] = [];
  for (let r = 0; r < restarts; r++) {
    const y = Float64Array.from(half, (b) => (b === 0 ? 0 : (2 * o.rng.uniform() - 1) * b));
    let bestHere = -Infinity;
    for (let step = 0; step <= o.steps; step++) {
      const p = offset(theta, y);
      // The last point needs no gradient, only its loss.
      if (step === o.steps) bestHere = Math.max(bestHere, await surface.loss(p));
      else {
        const { loss, gradient } = await surface.lossAndGradient(p);
        gradients++;
        bestHere = Math.max(bestHere, loss);
        for (let i = 0; i < n; i++) {
          const b = half[i]!;
          if (b === 0) continue;
          const g = gradient[i]!;
          const moved = y[i]! + alpha * b * (g > 0 ? 1 : g < 0 ? -1 : 0);
          y[i] = moved > b ? b : moved < -b ? -b : moved;
        }
      }
      o.progress?.(++done, total);
    }
    reached.push(bestHere - loss0);
    best = Math.max(best, bestHere);
  }
  const increase = best - loss0;
  return { epsilon: o.epsilon, loss0, maxLoss: best, increase, keskar: (100 * increase) / (1 + loss0), restarts: reached, steps: o.steps, gradients };
}

/** b_i = ε(|θ_i| + 1) on the selected tensors, 0 elsewhere. */
export function boxHalfWidths(theta: ParamVector, epsilon: number, params?: ParamSelection): Float64Array {
  const b = new Float64Array(theta.data.length);
  theta.layout.slots.forEach((s, k) => {
    if (params && !params.mask[k]) return;
    for (let i = s.offset; i < s.offset + s.size; i++) b[i] = epsilon * (Math.abs(theta.data[i]!) + 1);
  });
  return b;
}

/** θ + y rounded to float32 (the parameters' type). */
function offset(theta: ParamVector, y: Float64Array): ParamVector {
  return { layout: theta.layout, data: Float32Array.from(theta.data, (t, i) => t + y[i]!) };
}
