// Sharpness seen along random directions: the mean loss increase L(θ + r d) − L(θ) over k filter-normalised Gaussian
// directions d at radius r (with its standard error over directions), and the basin width: along each direction the
// interval of λ around 0 where L(θ + λd) stays below L(θ) + δ, found by marching outwards on a grid and bisecting the
// first crossing, averaged over directions. A direction that never crosses within the search range is censored:
// its half-width is counted as the range's end, so the mean is then a lower bound (the count says how often).
import { meanAndStderr } from '../linalg/vector.js';
import { combine, type ParamVector } from '../params.js';
import type { LossSurface } from './loss-surface.js';

export interface LossIncreaseResult {
  radius: number;
  loss0: number;
  /** Per direction: L(θ + r d) − L(θ). */
  increases: number[];
  mean: number;
  stderr: number;
}

export async function lossIncreaseAtRadius(surface: LossSurface, directions: readonly ParamVector[], radius: number, progress?: () => void): Promise<LossIncreaseResult> {
  if (directions.length === 0) throw new Error('loss increase: no directions given');
  if (!Number.isFinite(radius) || radius <= 0) throw new Error(`loss increase: radius must be a positive number, got ${radius}`);
  const loss0 = await surface.loss(surface.theta);
  const increases: number[] = [];
  for (const d of directions) {
    increases.push((await surface.loss(combine(surface.theta, [[radius, d]]))) - loss0);
    progress?.();
  }
  return { radius, loss0, increases, ...summary(increases) };
}

export interface BasinOptions {
  /** Loss rise that ends the basin: L(θ + λd) ≥ L(θ) + δ. */
  delta: number;
  /** Search |λ| up to this. */
  maxLambda: number;
  /** Grid points of the outward march per side. */
  gridSteps: number;
  /** Bisection steps on the first crossing (each halves the bracket). */
  bisections: number;
}

export interface BasinSide {
  /** |λ| where the loss first reaches L(θ) + δ (the range's end when censored). */
  edge: number;
  censored: boolean;
}

export interface BasinWidthResult {
  delta: number;
  maxLambda: number;
  loss0: number;
  /** Per direction: [negative side, positive side] and the width λ⁺ + λ⁻. */
  directions: { minus: BasinSide; plus: BasinSide; width: number }[];
  mean: number;
  stderr: number;
  /** Sides that never reached L(θ) + δ within maxLambda. */
  censored: number;
  evaluations: number;
}

export async function basinWidth(surface: LossSurface, directions: readonly ParamVector[], o: BasinOptions, progress?: () => void): Promise<BasinWidthResult> {
  if (directions.length === 0) throw new Error('basin width: no directions given');
  if (!(o.delta > 0)) throw new Error(`basin width: δ must be positive, got ${o.delta}`);
  if (!(o.maxLambda > 0)) throw new Error(`basin width: the search range must be positive, got ${o.maxLambda}`);
  if (!Number.isInteger(o.gridSteps) || o.gridSteps < 1) throw new Error(`basin width: grid steps must be an integer ≥ 1, got ${o.gridSteps}`);
  const loss0 = await surface.loss(surface.theta);
  const level = loss0 + o.delta;
  let evaluations = 1;
  const at = async (d: ParamVector, lambda: number): Promise<number> => {
    evaluations++;
    return surface.loss(combine(surface.theta, [[lambda, d]]));
  };
  const side = async (d: ParamVector, sign: 1 | -1): Promise<BasinSide> => {
    const h = o.maxLambda / o.gridSteps;
    for (let k = 1; k <= o.gridSteps; k++) {
      // A non-finite loss counts as outside the basin (it diverged).
      const l = await at(d, sign * k * h);
      if (!(l < level)) {
        let lo = (k - 1) * h, hi = k * h;
        for (let b = 0; b < o.bisections; b++) {
          const mid = (lo + hi) / 2;
          if ((await at(d, sign * mid)) < level) lo = mid; else hi = mid;
        }
        return { edge: (lo + hi) / 2, censored: false };
      }
    }
    return { edge: o.maxLambda, censored: true };
  };
  const out: BasinWidthResult['directions'] = [];
  for (const d of directions) {
    const minus = await side(d, -1), plus = await side(d, 1);
    out.push({ minus, plus, width: minus.edge + plus.edge });
    progress?.();
  }
  const widths = out.map((r) => r.width);
  return {
    delta: o.delta, maxLambda: o.maxLambda, loss0, directions: out, ...summary(widths),
    censored: out.reduce((n, r) => n + Number(r.minus.censored) + Number(r.plus.censored), 0), evaluations,
  };
}

/** Mean and its standard error (NaN error for one value). */
export function summary(values: readonly number[]): { mean: number; stderr: number } {
  if (values.length === 1) return { mean: values[0]!, stderr: NaN };
  return meanAndStderr(values);
}
