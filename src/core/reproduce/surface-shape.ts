// Names a 2-D loss surface around θ by the loss along 8 rays from the grid point nearest the origin (±x, ±y and the
// diagonals): a ray "rises" when the origin is its lowest point; it "dips" when it falls below the origin and rises
// again before the grid's edge. saddle: both x rays dip and both y rays rise (or the other way round);
// wine-bottle: every ray dips (a ring of lower loss around a central bump); bowl: every ray rises.
export type SurfaceShape = 'saddle' | 'wine-bottle' | 'bowl' | 'other';
export type RayKind = 'rises' | 'dips' | 'falls' | 'other';

export interface SurfaceGrid {
  x: readonly number[];
  y: readonly number[];
  /** loss[j][i] at (x[i], y[j]). */
  loss: readonly (readonly number[])[];
}

export const RAY_STEPS = [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]] as const;

const nearestZero = (v: readonly number[]): number => v.reduce((b, t, i) => (Math.abs(t) < Math.abs(v[b]!) ? i : b), 0);

/** Loss along each of RAY_STEPS, from the origin to the grid's edge. */
export function surfaceRays(s: SurfaceGrid): number[][] {
  const i0 = nearestZero(s.x), j0 = nearestZero(s.y);
  return RAY_STEPS.map(([di, dj]) => {
    const ray: number[] = [];
    for (let i = i0, j = j0; i >= 0 && j >= 0 && i < s.x.length && j < s.y.length; i += di, j += dj) ray.push(s.loss[j]![i]!);
    return ray;
  });
}

/** tol: the smallest change that counts, in loss units. */
export function rayKind(ray: readonly number[], tol: number): RayKind {
  const l0 = ray[0]!;
  const min = Math.min(...ray), m = ray.indexOf(min);
  if (min >= l0 - tol) return Math.max(...ray) > l0 + tol ? 'rises' : 'other';
  const after = Math.max(...ray.slice(m));
  return after > min + tol ? 'dips' : 'falls';
}

export interface SurfaceShapeResult {
  shape: SurfaceShape;
  /** Kinds along +x, −x, +y, −y, then the diagonals (+,+), (+,−), (−,+), (−,−). */
  rays: RayKind[];
  tolerance: number;
}

export function surfaceShape(s: SurfaceGrid, relativeTolerance = 1e-3): SurfaceShapeResult {
  const all = s.loss.flat();
  const tolerance = relativeTolerance * (Math.max(...all) - Math.min(...all));
  const rays = surfaceRays(s).map((r) => rayKind(r, tolerance));
  const [px, nx, py, ny] = rays;
  const both = (a: RayKind | undefined, b: RayKind | undefined, k: RayKind): boolean => a === k && b === k;
  const shape: SurfaceShape = rays.every((k) => k === 'dips') ? 'wine-bottle'
    : rays.every((k) => k === 'rises') ? 'bowl'
    : (both(px, nx, 'dips') && both(py, ny, 'rises')) || (both(px, nx, 'rises') && both(py, ny, 'dips')) ? 'saddle'
    : 'other';
  return { shape, rays, tolerance };
}
