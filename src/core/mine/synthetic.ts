// A synthetic landscape where the w-peak direction is known: a double well along a unit vector e on top of a steep
// quadratic bowl in every direction orthogonal to e, centred on θ:
//   L(θ + x) = c·((t/r)² − 1)² + ½ Σ_i a_i (P x)_i² + nᵦ·x,   t = e·x,  P = I − e eᵀ,  a_i ≥ a_min > 0,
// nᵦ a zero-mean Gaussian vector drawn per minibatch (seeded by the step), so the gradients are noisy like SGD's.
// Along d = R·(cos φ·e + sin φ·v), v ⊥ e, ‖d‖ = R = ‖θ‖, with λ₀ = r/R:
//   f(0) = c,  f(±λ₀) = c·sin⁴φ + ½ r² sin²φ·vᵀAv ≥ c·sin⁴φ + ½ r² a_min sin²φ,
// so f(±λ₀) ≤ (1 − μ)·c (a w-peak with relative margin μ) forces sin²φ ≤ 2(1 − μ)c/(r² a_min): with a_min = 200 c/r²
// and μ = 0.2, |cos φ| ≥ 0.996. φ = 0 gives f(±λ₀) = 0, f(±2λ₀) = 9c: the true w-peak direction is ±e.
import { createRng, normalArray } from '../rng.js';
import { ParamLayout, type ParamVector } from '../params.js';
import type { BatchProbe, Probe } from './optimize.js';

export interface DoubleWellOptions {
  /** θ is one [rows, cols] tensor (rank 2, so every norm mode constrains it). */
  rows: number;
  cols: number;
  seed: number;
  /** Well depth c and well position r (along e, in parameter units). */
  depth: number;
  radius: number;
  /** Bowl curvatures a_i drawn uniformly in [min, max] (units of c/r²). */
  curvature: [number, number];
  /** Standard deviation of each entry of the per-batch linear noise nᵦ. */
  noise: number;
}

export const DEFAULT_DOUBLE_WELL: Readonly<DoubleWellOptions> = {
  rows: 40, cols: 25, seed: 1, depth: 1, radius: 1, curvature: [200, 2000], noise: 0.02,
};

export interface DoubleWell {
  theta: ParamVector;
  /** The unit vector e of the double well, scaled to ‖θ‖ (the true w-peak direction up to sign). */
  trueDirection: ParamVector;
  /** λ₀ = r/‖θ‖: where the wells lie along trueDirection. */
  lambda0: number;
  /** The noise-free loss. */
  loss(point: Float32Array): number;
  probe: Probe;
}

export function doubleWell(options: Partial<DoubleWellOptions> = {}): DoubleWell {
  const o = { ...DEFAULT_DOUBLE_WELL, ...options };
  const layout = new ParamLayout([{ name: 'w', shape: [o.rows, o.cols] }]);
  const n = layout.size;
  const rng = createRng(o.seed);
  const theta = normalArray(rng, n);
  const e = unit(normalArray(rng, n));
  const a = Float64Array.from({ length: n }, () => (o.curvature[0] + rng.uniform() * (o.curvature[1] - o.curvature[0])) * o.depth / o.radius ** 2);
  const R = Math.sqrt(theta.reduce((s, x) => s + x * x, 0));

  const lossAndGrad = (point: Float32Array, noiseSeed: number | undefined, withGrad: boolean): { loss: number; grad?: Float32Array } => {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = point[i]! - theta[i]!;
    let t = 0;
    for (let i = 0; i < n; i++) t += e[i]! * x[i]!;
    const px = x.map((xi, i) => xi - t * e[i]!);
    const q = (t / o.radius) ** 2 - 1;
    let loss = o.depth * q * q;
    const apx = px.map((v, i) => a[i]! * v);
    for (let i = 0; i < n; i++) loss += 0.5 * apx[i]! * px[i]!;
    const noise = noiseSeed === undefined ? undefined : normalArray(createRng(noiseSeed), n, o.noise);
    if (noise) for (let i = 0; i < n; i++) loss += noise[i]! * x[i]!;
    if (!withGrad) return { loss };
    // ∇ = h'(t)·e + P(A P x) + nᵦ, with h'(t) = 4c·q·t/r².
    const dh = (4 * o.depth * q * t) / o.radius ** 2;
    let eApx = 0;
    for (let i = 0; i < n; i++) eApx += e[i]! * apx[i]!;
    const grad = new Float32Array(n);
    for (let i = 0; i < n; i++) grad[i] = dh * e[i]! + apx[i]! - eApx * e[i]! + (noise ? noise[i]! : 0);
    return { loss, grad };
  };

  const probe: Probe = {
    batch(step: number): BatchProbe {
      const seed = (o.seed * 7919 + step) >>> 0;
      return async (point, withGradient) => lossAndGrad(point, seed, withGradient);
    },
  };
  return {
    theta: { layout, data: theta },
    trueDirection: { layout, data: Float32Array.from(e, (v) => v * R) },
    lambda0: o.radius / R,
    loss: (point) => lossAndGrad(point, undefined, false).loss,
    probe,
  };
}

function unit(v: Float32Array): Float32Array {
  const s = Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
  return v.map((x) => x / s);
}
