// PCA of a training trajectory around a centre point (Li et al. 2018, §7), via the Gram-matrix trick:
// rows M_i = θ_i − θ_c, G = M Mᵀ (n×n, float64), G = V Λ Vᵀ, principal directions u_k = Mᵀ v_k / √λ_k.
// No mean-centring (unlike sklearn's PCA in the reference code): the plotted plane is θ_c + span(u_1, u_2), and the
// uncentred PCA is exactly the plane through θ_c that minimises Σ_i dist(θ_i, plane)², so the reported distances
// and explained variance are those of the plane the user sees.
// Memory: the checkpoints themselves (n × P float32); time: n²/2 · P multiply-adds for G.
import type { ParamVector } from '../params.js';
import { symmetricEigen } from './jacobi.js';

export interface TrajectoryPca {
  /** Unit principal directions, at most `components` (fewer when the trajectory spans fewer dimensions). */
  directions: ParamVector[];
  /** λ_k / Σ λ: the share of Σ_i ‖θ_i − θ_c‖² captured by each direction. */
  explainedVarianceRatio: number[];
  /** √λ_k. */
  singularValues: number[];
  /** Each point's coordinates (θ_i − θ_c)·u_k in the plane. */
  coordinates: number[][];
  /** Each point's Euclidean distance to θ_c + span(u_1..u_k). */
  distances: number[];
  /** Σ_i ‖θ_i − θ_c‖². */
  totalSquaredDistance: number;
}

export interface PcaOptions {
  components?: number;
  /** Eigenvalues below relativeCutoff · λ_1 are treated as zero (the trajectory spans fewer dimensions). */
  relativeCutoff?: number;
}

export function trajectoryPca(points: readonly ParamVector[], center: ParamVector, options: PcaOptions = {}): TrajectoryPca {
  const { components = 2, relativeCutoff = 1e-12 } = options;
  const n = points.length;
  if (n === 0) throw new Error('trajectoryPca: no points besides the centre');
  points.forEach((p, i) => center.layout.assertSame(p.layout, `trajectory point ${i}`));
  const c = center.data, P = c.length;

  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const xi = points[i]!.data;
    for (let j = i; j < n; j++) {
      const xj = points[j]!.data;
      let s = 0;
      for (let p = 0; p < P; p++) s += (xi[p]! - c[p]!) * (xj[p]! - c[p]!);
      gram[i * n + j] = s;
      gram[j * n + i] = s;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += gram[i * n + i]!;
  if (total === 0) throw new Error(`trajectoryPca: all ${n} points equal the centre; there is no direction to find`);

  const eig = symmetricEigen(gram, n);
  const lambda1 = eig.values[0]!;
  const kept: number[] = [];
  for (let k = 0; k < Math.min(components, n); k++) if (eig.values[k]! > relativeCutoff * lambda1) kept.push(k);

  // u_k in float64 so that coordinates and distances are not blurred by float32 rounding.
  const us = kept.map((k) => {
    const v = eig.vectors[k]!, sigma = Math.sqrt(eig.values[k]!);
    const u = new Float64Array(P);
    for (let i = 0; i < n; i++) {
      const w = v[i]! / sigma, xi = points[i]!.data;
      if (w !== 0) for (let p = 0; p < P; p++) u[p] = u[p]! + w * (xi[p]! - c[p]!);
    }
    return u;
  });

  const coordinates = points.map((pt) => us.map((u) => {
    let s = 0;
    for (let p = 0; p < P; p++) s += (pt.data[p]! - c[p]!) * u[p]!;
    return s;
  }));
  // Deterministic sign: the first point with a clearly nonzero coordinate along u_k lies on its positive side.
  us.forEach((u, k) => {
    const sigma = Math.sqrt(eig.values[kept[k]!]!);
    const first = coordinates.find((xy) => Math.abs(xy[k]!) > 1e-9 * sigma);
    if (first && first[k]! < 0) {
      for (let p = 0; p < P; p++) u[p] = -u[p]!;
      for (const xy of coordinates) xy[k] = -xy[k]!;
    }
  });
  const distances = points.map((pt, i) => {
    const xy = coordinates[i]!;
    let s = 0;
    for (let p = 0; p < P; p++) {
      let r = pt.data[p]! - c[p]!;
      for (let k = 0; k < us.length; k++) r -= xy[k]! * us[k]![p]!;
      s += r * r;
    }
    return Math.sqrt(s);
  });

  return {
    directions: us.map((u) => ({ layout: center.layout, data: Float32Array.from(u) })),
    explainedVarianceRatio: kept.map((k) => eig.values[k]! / total),
    singularValues: kept.map((k) => Math.sqrt(eig.values[k]!)),
    coordinates,
    distances,
    totalSquaredDistance: total,
  };
}
