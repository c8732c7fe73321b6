// Geometric features of a sampled curve, given its significant minima and maxima: basins (with width, walls and
// asymmetry), barriers between adjacent basins, and where the origin λ (θ itself) sits. No smoothing anywhere.

import type { Extremum } from './extrema.js';

export interface ExtremumFeature { index: number; lambda: number; value: number; prominence: number }

export interface Basin extends ExtremumFeature {
  /** λ where the curve crosses `widthLevel` on each side (linear interpolation between grid points). */
  left: number;
  right: number;
  /** right − left, in λ units, and in mean grid spacings. */
  width: number;
  widthSteps: number;
  /** The loss level the width is measured at: value + widthLevel · prominence. */
  widthLevel: number;
  /** Grid-index range of the basin's catchment: between the walls (barrier, significant maximum or edge). */
  catchment: [number, number];
  /** Wall heights above the minimum at the catchment's bounds, and (right − left)/(right + left) ∈ [-1, 1]. */
  leftRise: number;
  rightRise: number;
  asymmetry: number;
}

export interface Barrier {
  /** Indices (into basins) of the two basins it separates. */
  between: [number, number];
  index: number;
  lambda: number;
  value: number;
  /** Barrier value minus each basin's minimum. */
  heightFromLeft: number;
  heightFromRight: number;
}

export type OriginSite = 'bottom' | 'peak' | 'slope';

export interface OriginPlacement {
  /** The origin λ asked for (θ itself, normally 0), and the grid point nearest it. */
  lambda: number;
  index: number;
  gridLambda: number;
  value: number;
  sits: OriginSite;
  /** Basin whose catchment holds the origin, or null (a monotone stretch outside every basin). */
  basin: number | null;
  /** (value − basin minimum) / (wall on the origin's side − basin minimum); null outside every basin. */
  relativeHeight: number | null;
  atEdge: boolean;
}

export function toFeature(e: Extremum): ExtremumFeature {
  return { index: e.index, lambda: e.lambda, value: e.value, prominence: e.prominence };
}

/** Basins from significant minima (sorted by λ), their walls bounded by barriers, significant maxima or the edges. */
export function describeBasins(
  lambdas: readonly number[], loss: readonly number[], minima: readonly Extremum[], maxima: readonly Extremum[],
  widthLevel: number,
): { basins: Basin[]; barriers: Barrier[] } {
  const n = loss.length;
  const step = (lambdas[n - 1]! - lambdas[0]!) / (n - 1);
  const barriers: Barrier[] = [];
  for (let k = 0; k + 1 < minima.length; k++) {
    const a = minima[k]!, b = minima[k + 1]!;
    const index = argmax(loss, a.last + 1, b.first - 1);
    barriers.push({
      between: [k, k + 1], index, lambda: lambdas[index]!, value: loss[index]!,
      heightFromLeft: loss[index]! - a.value, heightFromRight: loss[index]! - b.value,
    });
  }
  const basins = minima.map((m, k): Basin => {
    const lo = k > 0 ? barriers[k - 1]!.index : nearestMaximum(maxima, m.first, -1) ?? argmax(loss, 0, m.first);
    const hi = k + 1 < minima.length ? barriers[k]!.index : nearestMaximum(maxima, m.last, +1) ?? argmax(loss, m.last, n - 1);
    const level = m.value + widthLevel * m.prominence;
    const left = crossing(lambdas, loss, m.first, -1, level);
    const right = crossing(lambdas, loss, m.last, +1, level);
    const leftRise = loss[lo]! - m.value, rightRise = loss[hi]! - m.value;
    return {
      ...toFeature(m), left, right, width: right - left, widthSteps: (right - left) / step, widthLevel: level,
      catchment: [lo, hi], leftRise, rightRise, asymmetry: ratio(rightRise - leftRise, rightRise + leftRise),
    };
  });
  return { basins, barriers };
}

export interface PlacementTolerances { bottomTolerance: number; peakTolerance: number }

/** Where the grid point nearest `origin` sits: at a basin's bottom, on a significant peak, or on a slope. */
export function placeOrigin(
  lambdas: readonly number[], loss: readonly number[], origin: number,
  basins: readonly Basin[], maxima: readonly Extremum[], tol: PlacementTolerances,
): OriginPlacement {
  const n = loss.length;
  let i0 = 0;
  for (let i = 1; i < n; i++) if (Math.abs(lambdas[i]! - origin) < Math.abs(lambdas[i0]! - origin)) i0 = i;
  const v0 = loss[i0]!;
  const holders = basins.map((b, k) => ({ b, k })).filter(({ b }) => b.catchment[0] <= i0 && i0 <= b.catchment[1]);
  let sits: OriginSite = 'slope';
  for (const { b } of holders) {
    if (plateauBetween(loss, b.index, i0, b.value + tol.bottomTolerance * b.prominence, -1)) sits = 'bottom';
  }
  if (sits === 'slope') {
    for (const m of maxima) {
      if (plateauBetween(loss, m.index, i0, m.value - tol.peakTolerance * m.prominence, +1)) sits = 'peak';
    }
  }
  const holder = holders.length === 0 ? null
    : holders.reduce((best, h) => (h.b.value < best.b.value ? h : best));
  let relativeHeight: number | null = null;
  if (holder) {
    const wallIndex = i0 < holder.b.index ? holder.b.catchment[0] : holder.b.catchment[1];
    relativeHeight = ratio(v0 - holder.b.value, loss[wallIndex]! - holder.b.value);
  }
  return {
    lambda: origin, index: i0, gridLambda: lambdas[i0]!, value: v0, sits,
    basin: holder ? holder.k : null, relativeHeight, atEdge: i0 === 0 || i0 === n - 1,
  };
}

/**
 * Rise of the curve at equal distance d on both sides of the origin, d the largest that fits the interval:
 * (R₊ − R₋)/(|R₊| + |R₋|) ∈ [-1, 1], positive when the right side rises more. Null when the origin is at an edge.
 */
export function originAsymmetry(lambdas: readonly number[], loss: readonly number[], origin: number): number | null {
  const n = lambdas.length;
  const d = Math.min(origin - lambdas[0]!, lambdas[n - 1]! - origin);
  if (!(d > 0)) return null;
  const at = interpolate(lambdas, loss, origin);
  const riseLeft = interpolate(lambdas, loss, origin - d) - at;
  const riseRight = interpolate(lambdas, loss, origin + d) - at;
  return ratio(riseRight - riseLeft, Math.abs(riseRight) + Math.abs(riseLeft));
}

/** Linear interpolation of the sampled curve at x (clamped to the interval). */
export function interpolate(lambdas: readonly number[], values: readonly number[], x: number): number {
  const n = lambdas.length;
  if (x <= lambdas[0]!) return values[0]!;
  if (x >= lambdas[n - 1]!) return values[n - 1]!;
  let hi = 1;
  while (lambdas[hi]! < x) hi++;
  const t = (x - lambdas[hi - 1]!) / (lambdas[hi]! - lambdas[hi - 1]!);
  return values[hi - 1]! + t * (values[hi]! - values[hi - 1]!);
}

/** All points from `from` to `to` (inclusive) stay on one side of `level`: below for sign −1, above for +1. */
function plateauBetween(values: readonly number[], from: number, to: number, level: number, sign: -1 | 1): boolean {
  const [a, b] = from <= to ? [from, to] : [to, from];
  for (let i = a; i <= b; i++) if (sign * (values[i]! - level) < 0) return false;
  return true;
}

function nearestMaximum(maxima: readonly Extremum[], from: number, direction: -1 | 1): number | null {
  let best: number | null = null;
  for (const m of maxima) {
    const ahead = direction < 0 ? m.index < from : m.index > from;
    if (ahead && (best === null || Math.abs(m.index - from) < Math.abs(best - from))) best = m.index;
  }
  return best;
}

function argmax(values: readonly number[], a: number, b: number): number {
  let best = a;
  for (let i = a + 1; i <= b; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** λ where the curve first reaches `level` walking from index `start` in `direction` (interpolated). */
function crossing(lambdas: readonly number[], values: readonly number[], start: number, direction: -1 | 1, level: number): number {
  const n = values.length;
  for (let i = start + direction; i >= 0 && i < n; i += direction) {
    if (values[i]! >= level) {
      const j = i - direction;
      const t = (level - values[j]!) / (values[i]! - values[j]!);
      return lambdas[j]! + t * (lambdas[i]! - lambdas[j]!);
    }
  }
  return lambdas[direction < 0 ? 0 : n - 1]!;
}

function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}
