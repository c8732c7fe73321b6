// The plane of a surface: making the y direction orthogonal to x without changing its length, and their angle.
import { cosine as paramCosine, dot, norm, type ParamVector } from '../params.js';

/** cos∠(x, y); 0 when either vector is zero. */
export function cosine(x: ParamVector, y: ParamVector): number {
  return paramCosine(x, y);
}

/**
 * Gram–Schmidt of y against x, then rescaled back to ‖y‖, so that the grid's y axis keeps the units the user asked
 * for (e.g. a filter-normalised scale) while the two axes are exactly orthogonal. Computed in float64, rounded once.
 */
export function orthogonalize(x: ParamVector, y: ParamVector): ParamVector {
  x.layout.assertSame(y.layout, 'y direction');
  const xx = dot(x, x), yNorm = norm(y);
  if (xx === 0) throw new Error('orthogonalize: the x direction is zero');
  if (yNorm === 0) throw new Error('orthogonalize: the y direction is zero');
  const c = dot(x, y) / xx;
  const r = new Float64Array(y.data.length);
  let rr = 0;
  for (let i = 0; i < r.length; i++) {
    const v = y.data[i]! - c * x.data[i]!;
    r[i] = v;
    rr += v * v;
  }
  const rNorm = Math.sqrt(rr);
  // Relative to ‖y‖, a remainder at float32 rounding level means y had no component off the x axis.
  if (rNorm <= 1e-6 * yNorm) {
    throw new Error(`orthogonalize: the y direction is parallel to x (cosine ${cosine(x, y).toFixed(8)}); choose another y (e.g. another seed)`);
  }
  const f = yNorm / rNorm;
  return { layout: y.layout, data: Float32Array.from(r, (v) => v * f) };
}
