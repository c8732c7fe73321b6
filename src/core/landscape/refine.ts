// Refined grids (--refine): a coarse lattice first, then each cell is split in two along every axis longer than one
// step only where the values measured at its new nodes (edge midpoints, centre) disagree with what its corners
// predict (linear along an edge, bilinear inside) by more than the target. Cells that agree are accepted: the nodes
// inside them that were never evaluated are interpolated from the cell's corners and carry the largest disagreement
// seen when the cell was checked as their error bound. Every decision depends only on measured values, so a resumed
// run takes the same decisions and ends with the same result, bit for bit.
import { targetOf, type Tolerance } from './adaptive.js';

/** A cell of grid indices, corners included: i0..i1 along x, j0..j1 along y (j0 = j1 = 0 for a curve). */
export interface Cell { i0: number; i1: number; j0: number; j1: number }

export interface RefineOutcome {
  /** Per grid index (j·nx + i): whether it was evaluated. */
  measured: boolean[];
  /** Per grid index: the loss and accuracy, measured or interpolated (NaN where no cell covers it). */
  loss: number[];
  accuracy: number[];
  /** Per grid index: 0 where measured, else the disagreement bound of the accepted cell it was interpolated in. */
  bound: number[];
  /** The target in loss units (a percentage resolved against the coarse lattice's range). */
  target: number;
  levels: number;
  evaluated: number;
  /** Per grid index: the interpolation's terms (grid index, weight) of a point not measured; undefined if measured. */
  terms: ([number, number][] | undefined)[];
  /** --tolerance: per grid index the sampling error of its value (an interpolated point's from its corners'). */
  sampleStderr?: number[];
}

/** Largest coarse cell, in steps per axis: about eight cells along each axis before any refinement. */
const COARSE_CELLS = 8;

/**
 * Runs the refinement over an nx × ny grid (ny = 1 for a curve): `evaluate` computes the given indices (and may
 * already hold some), `valueOf` reads a measured point's loss and accuracy. With `errorOf` (--tolerance: values
 * measured on samples), a node disagrees only by what exceeds k standard errors of (node − interpolation):
 * errorOf gets the node's grid index and the interpolation's terms (grid index, weight) and returns those k errors.
 */
export async function refineGrid(
  nx: number, ny: number, tolerance: Tolerance,
  evaluate: (indices: number[]) => Promise<void>,
  valueOf: (index: number) => { loss: number; accuracy: number },
  errorOf?: (node: number, terms: readonly (readonly [number, number])[]) => number,
): Promise<RefineOutcome> {
  const index = (i: number, j: number) => j * nx + i;
  const measured = new Set<number>();
  const measure = async (cells: readonly Cell[], nodes: (c: Cell) => [number, number][]) => {
    const want: number[] = [];
    for (const c of cells) for (const [i, j] of nodes(c)) { const k = index(i, j); if (!measured.has(k)) { measured.add(k); want.push(k); } }
    want.sort((a, b) => a - b);
    if (want.length > 0) await evaluate(want);
  };
  const lossAt = (i: number, j: number) => valueOf(index(i, j)).loss;

  let active = coarseCells({ i0: 0, i1: nx - 1, j0: 0, j1: ny - 1 }, Math.max(1, Math.ceil((nx - 1) / COARSE_CELLS)), Math.max(1, Math.ceil((ny - 1) / COARSE_CELLS)));
  await measure(active, corners);
  const target = targetOf(tolerance, [...measured].map((k) => valueOf(k).loss));
  const accepted: { cell: Cell; bound: number }[] = [];
  let levels = 1;
  while (active.length > 0) {
    const splittable = (c: Cell) => c.i1 - c.i0 > 1 || c.j1 - c.j0 > 1;
    const splitting = active.filter(splittable);
    for (const c of active) if (!splittable(c)) accepted.push({ cell: c, bound: 0 });
    if (splitting.length === 0) break;
    await measure(splitting, newNodes);
    levels++;
    const next: Cell[] = [];
    for (const c of splitting) {
      let worst = 0;
      let beyond = 0; // the disagreement less its measurement error: what decides
      for (const [i, j] of newNodes(c)) {
        const d = disagreement(lossAt(i, j), interpolate(c, i, j, lossAt));
        worst = Math.max(worst, d);
        beyond = Math.max(beyond, errorOf ? d - errorOf(index(i, j), weights(c, i, j).map(([a, b, w]) => [index(a, b), w] as const)) : d);
      }
      if (beyond <= target) accepted.push({ cell: c, bound: worst });
      else next.push(...children(c));
    }
    active = next;
  }

  const total = nx * ny;
  const loss = new Array<number>(total).fill(Number.NaN), accuracy = new Array<number>(total).fill(Number.NaN);
  const bound = new Array<number>(total).fill(Number.NaN);
  const terms = new Array<[number, number][] | undefined>(total).fill(undefined);
  // Smallest cells last, so a node on a shared edge takes the finest cell's interpolation.
  accepted.sort((a, b) => area(b.cell) - area(a.cell));
  for (const { cell, bound: b } of accepted) {
    for (let j = cell.j0; j <= cell.j1; j++) for (let i = cell.i0; i <= cell.i1; i++) {
      const k = index(i, j);
      if (measured.has(k)) continue;
      loss[k] = interpolate(cell, i, j, lossAt);
      accuracy[k] = interpolate(cell, i, j, (a, c) => valueOf(index(a, c)).accuracy);
      bound[k] = b;
      terms[k] = weights(cell, i, j).map(([a, c, w]) => [index(a, c), w]);
    }
  }
  for (const k of measured) { const v = valueOf(k); loss[k] = v.loss; accuracy[k] = v.accuracy; bound[k] = 0; }
  return { measured: Array.from({ length: total }, (_, k) => measured.has(k)), loss, accuracy, bound, target, levels, evaluated: measured.size, terms };
}

/** NaN or infinite values always disagree, so a diverging region is refined rather than smoothed over. */
function disagreement(value: number, predicted: number): number {
  const d = Math.abs(value - predicted);
  return Number.isFinite(d) ? d : Number.POSITIVE_INFINITY;
}

/** The root split (without checks) until no cell is longer than `sx` × `sy` steps. */
export function coarseCells(root: Cell, sx: number, sy: number): Cell[] {
  if (root.i1 - root.i0 <= sx && root.j1 - root.j0 <= sy) return [root];
  const wide = root.i1 - root.i0 > sx, tall = root.j1 - root.j0 > sy;
  return splitCell(root, wide, tall).flatMap((c) => coarseCells(c, sx, sy));
}

/** Halves along every axis longer than one step (at the integer midpoint). */
export function children(c: Cell): Cell[] {
  return splitCell(c, c.i1 - c.i0 > 1, c.j1 - c.j0 > 1);
}

function splitCell(c: Cell, alongX: boolean, alongY: boolean): Cell[] {
  const xs = alongX ? [[c.i0, (c.i0 + c.i1) >> 1], [(c.i0 + c.i1) >> 1, c.i1]] : [[c.i0, c.i1]];
  const ys = alongY ? [[c.j0, (c.j0 + c.j1) >> 1], [(c.j0 + c.j1) >> 1, c.j1]] : [[c.j0, c.j1]];
  return ys.flatMap(([j0, j1]) => xs.map(([i0, i1]) => ({ i0: i0!, i1: i1!, j0: j0!, j1: j1! })));
}

export function corners(c: Cell): [number, number][] {
  const out: [number, number][] = [];
  for (const j of c.j0 === c.j1 ? [c.j0] : [c.j0, c.j1]) for (const i of c.i0 === c.i1 ? [c.i0] : [c.i0, c.i1]) out.push([i, j]);
  return out;
}

/** The corners of a cell's children that are not its own corners. */
export function newNodes(c: Cell): [number, number][] {
  const own = new Set(corners(c).map(([i, j]) => `${i},${j}`));
  const seen = new Set<string>();
  const out: [number, number][] = [];
  for (const child of children(c)) for (const [i, j] of corners(child)) {
    const key = `${i},${j}`;
    if (own.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push([i, j]);
  }
  return out;
}

/** The terms of interpolate(): each corner (i, j) of the cell with its weight, zero weights left out. */
export function weights(c: Cell, i: number, j: number): [number, number, number][] {
  const u = c.i1 === c.i0 ? 0 : (i - c.i0) / (c.i1 - c.i0);
  const v = c.j1 === c.j0 ? 0 : (j - c.j0) / (c.j1 - c.j0);
  const out: [number, number, number][] = [[c.i0, c.j0, (1 - u) * (1 - v)], [c.i1, c.j0, u * (1 - v)], [c.i0, c.j1, (1 - u) * v], [c.i1, c.j1, u * v]];
  return out.filter(([, , w]) => w !== 0);
}

/** Bilinear interpolation from the cell's corners (linear on a cell one index wide). */
export function interpolate(c: Cell, i: number, j: number, at: (i: number, j: number) => number): number {
  const u = c.i1 === c.i0 ? 0 : (i - c.i0) / (c.i1 - c.i0);
  const v = c.j1 === c.j0 ? 0 : (j - c.j0) / (c.j1 - c.j0);
  const bottom = (1 - u) * at(c.i0, c.j0) + (u === 0 ? 0 : u * at(c.i1, c.j0));
  if (v === 0) return bottom;
  const top = (1 - u) * at(c.i0, c.j1) + (u === 0 ? 0 : u * at(c.i1, c.j1));
  return (1 - v) * bottom + v * top;
}

function area(c: Cell): number {
  return (c.i1 - c.i0 + 1) * (c.j1 - c.j0 + 1);
}
