// Orthographic 3-D → 2-D for the static surface view: rotate the ground plane by the azimuth, tilt by the
// elevation, keep a depth per point so quads can be painted back to front (painter's algorithm).

export interface View3d {
  /** Degrees above the ground plane the viewer looks from (90 = straight down). */
  elevation: number;
  /** Degrees the ground plane is turned about the vertical axis (counter-clockwise seen from above). */
  azimuth: number;
}

export interface Projected {
  /** Screen coordinates, u to the right, v upwards, in the same units as the input. */
  u: number;
  v: number;
  /** Nearness to the viewer measured along the ground (−y' after turning): larger is nearer. For a height field
   *  seen from above, whatever hides a point lies on its viewing ray nearer along the ground, so painting in this
   *  order is exact for points; sorting by true 3-D depth would paint high back cells over low front ones. */
  depth: number;
}

/**
 * Projects (x, y, z) — ground x, y and height z — for a viewer at the given elevation, in front of the turned
 * ground plane (looking towards +y' from −y').
 */
export function project(x: number, y: number, z: number, view: View3d): Projected {
  const a = (view.azimuth * Math.PI) / 180, e = (view.elevation * Math.PI) / 180;
  const xr = x * Math.cos(a) - y * Math.sin(a);
  const yr = x * Math.sin(a) + y * Math.cos(a);
  return { u: xr, v: yr * Math.sin(e) + z * Math.cos(e), depth: -yr };
}

export interface Quad {
  /** Corner indices (i, j) in drawing order around the cell. */
  corners: [number, number][];
  /** Mean height, for colour; mean depth, for painting order. */
  z: number;
  depth: number;
}

/** The grid's cells as quads, sorted farthest first. `zAt(i, j)` is the cell corner's height. */
export function sortedQuads(nx: number, ny: number, depthAt: (i: number, j: number) => number, zAt: (i: number, j: number) => number): Quad[] {
  const quads: Quad[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const corners: [number, number][] = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
      const mean = (f: (i: number, j: number) => number) => corners.reduce((s, [a, b]) => s + f(a, b), 0) / 4;
      quads.push({ corners, z: mean(zAt), depth: mean(depthAt) });
    }
  }
  return quads.sort((p, q) => p.depth - q.depth);
}

/** About `count` round tick values covering [min, max] (1, 2, 5 × 10^k steps), as d3's ticks. */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power; // d3's tickIncrement thresholds: round to the nearest of 1, 2, 5, 10 on a log scale
  const step = power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1);
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}
