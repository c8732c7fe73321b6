// Interior local extrema of a sampled curve and their topographic prominence.
// Prominence is scipy.signal.peak_prominences' definition, applied to minima by symmetry: from a minimum, walk
// each way until the curve drops below the minimum's value (or the interval ends); the highest point passed on
// each side is that side's wall; prominence = (lower wall) − (minimum's value). Nothing is smoothed.

export type ExtremumKind = 'min' | 'max';

export interface Extremum {
  kind: ExtremumKind;
  /** Grid index (middle of a plateau of equal values). */
  index: number;
  /** First and last grid index of the plateau; equal for an ordinary extremum. */
  first: number;
  last: number;
  lambda: number;
  value: number;
  /** Minimum: height of its lower wall above it. Maximum: its height above the higher of its two saddles. */
  prominence: number;
  /** Grid index of the wall (maximum for a minimum, saddle for a maximum) on each side. */
  leftBase: number;
  rightBase: number;
  /** Rise of each wall above the extremum (prominence is the smaller one). */
  leftRise: number;
  rightRise: number;
  /** Whether that side's wall is the end point of the interval (bounded by the grid, not by the curve). */
  leftAtEdge: boolean;
  rightAtEdge: boolean;
}

/**
 * Every interior local extremum of `values` with its prominence. Endpoints are never extrema: a curve that
 * keeps falling to the edge of the interval is a monotone stretch, not a basin (docs/taxonomy.md).
 * Runs of exactly equal values count as one extremum when both neighbours of the run lie on the same side.
 */
export function findExtrema(lambdas: readonly number[], values: readonly number[], kind: ExtremumKind): Extremum[] {
  const sign = kind === 'min' ? 1 : -1;
  const f = (i: number): number => sign * values[i]!;
  const n = values.length;
  const found: Extremum[] = [];
  let first = 1;
  while (first < n - 1) {
    let last = first;
    while (last + 1 < n && f(last + 1) === f(first)) last++;
    const isExtremum = last < n - 1 && f(first - 1) > f(first) && f(last + 1) > f(last);
    if (isExtremum) {
      const v = f(first);
      const left = wall(f, v, first - 1, -1, n);
      const right = wall(f, v, last + 1, +1, n);
      const lower = Math.min(left.height, right.height);
      const index = Math.floor((first + last) / 2);
      found.push({
        kind, index, first, last, lambda: lambdas[index]!, value: values[index]!,
        prominence: lower - v,
        leftBase: left.index, rightBase: right.index,
        leftRise: left.height - v, rightRise: right.height - v,
        leftAtEdge: left.atEdge, rightAtEdge: right.atEdge,
      });
    }
    first = last + 1;
  }
  return found;
}

/** Highest point met walking from `start` in direction `step` until a value below `v` or the interval's end. */
function wall(f: (i: number) => number, v: number, start: number, step: number, n: number): { height: number; index: number; atEdge: boolean } {
  let height = -Infinity;
  let index = start;
  for (let i = start; i >= 0 && i < n; i += step) {
    const fi = f(i);
    if (fi < v) break;
    if (fi > height) { height = fi; index = i; }
  }
  return { height, index, atEdge: index === 0 || index === n - 1 };
}
