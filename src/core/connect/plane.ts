// The plane through three models A, B, C: an orthonormal basis (Gram–Schmidt of B − A, then C − A), the plane
// coordinates of any point (its projection, relative to A) and a grid range that holds the points of interest.
// Float64 throughout; the basis vectors are rounded to float32 once.
import type { ParamVector } from '../params.js';
import { ConnectError } from './errors.js';

export interface PlaneBasis {
  origin: ParamVector;
  /** Unit vectors: u along B − A, v along the part of C − A orthogonal to u. */
  u: ParamVector;
  v: ParamVector;
  uData: Float64Array;
  vData: Float64Array;
}

function diff64(p: ParamVector, o: ParamVector): Float64Array {
  o.layout.assertSame(p.layout, 'model');
  return Float64Array.from(p.data, (x, i) => x - o.data[i]!);
}

function dot64(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function planeBasis(a: ParamVector, b: ParamVector, c: ParamVector, names = ['A', 'B', 'C']): PlaneBasis {
  const ab = diff64(b, a), ac = diff64(c, a);
  const nab = Math.sqrt(dot64(ab, ab));
  if (nab === 0) throw new ConnectError(`${names[1]} equals ${names[0]}: the plane needs three distinct models`);
  const u = ab.map((x) => x / nab);
  const cu = dot64(ac, u);
  const r = ac.map((x, i) => x - cu * u[i]!);
  const nr = Math.sqrt(dot64(r, r)), nac = Math.sqrt(dot64(ac, ac));
  // Relative to ‖C − A‖, a remainder at float32 rounding level means C lies on the line through A and B.
  if (nr <= 1e-6 * nac) throw new ConnectError(`${names[2]} lies on the line through ${names[0]} and ${names[1]}: the three models span no plane; choose another third model`);
  const v = r.map((x) => x / nr);
  return { origin: a, u: { layout: a.layout, data: Float32Array.from(u) }, v: { layout: a.layout, data: Float32Array.from(v) }, uData: u, vData: v };
}

/** Plane coordinates (x, y) of p − origin, and its distance from the plane. */
export function planeCoordinates(basis: PlaneBasis, p: ParamVector): { x: number; y: number; offPlane: number } {
  const d = diff64(p, basis.origin);
  const x = dot64(d, basis.uData), y = dot64(d, basis.vData);
  const rest = Math.max(0, dot64(d, d) - x * x - y * y);
  return { x, y, offPlane: Math.sqrt(rest) };
}

/** [from, to] holding every value with `margin` of the span on each side (Garipov et al.'s figures use about 20 %). */
export function paddedRange(values: readonly number[], margin: number): [number, number] {
  const lo = Math.min(...values), hi = Math.max(...values);
  const pad = margin * (hi - lo || 1);
  return [lo - pad, hi + pad];
}
