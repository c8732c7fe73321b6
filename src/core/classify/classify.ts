// Curve taxonomy: f(λ) = L(θ + λε) → v-basin | v-side | w-basin | w-peak | vvv-basin | monotone | peak | flat | chaotic.
// The rule, in words, is docs/taxonomy.md; this file is that rule and nothing else. Nothing is smoothed.

import { median } from '../linalg/vector.js';
import { findExtrema, type Extremum } from './extrema.js';
import {
  describeBasins, placeOrigin, originAsymmetry, toFeature,
  type Basin, type Barrier, type ExtremumFeature, type OriginPlacement,
} from './features.js';

/**
 * The taxonomy's one list. Everything that must know every type is typed against it (a Record<CurveType, …>: the
 * viewer's colours, mining's rules or reasons for not mining, the classifier's test cases), so a new type fails to
 * compile until each of them has an entry; the CLI help lists it from here.
 */
export const CURVE_TYPES = ['v-basin', 'v-side', 'w-basin', 'w-peak', 'vvv-basin', 'peak', 'monotone', 'flat', 'chaotic'] as const;
export type CurveType = (typeof CURVE_TYPES)[number];

export interface ClassifyOptions {
  /** Significance tolerance τ for minima and maxima, as a fraction of the curve's range (max − min). */
  prominence?: number;
  /** A minimum whose wall on one side is the interval's end needs only this rise (· range) on that side, if its
   *  other wall is significant. */
  edgeProminence?: number;
  /** Absolute floor for τ, in loss units: τ = max(prominence · range, absoluteProminence). */
  absoluteProminence?: number;
  /** Flat when range ≤ max(flatTolerance · |mean|, flatAbsolute). */
  flatTolerance?: number;
  flatAbsolute?: number;
  /** The origin is at a basin's bottom when within bottomTolerance · (basin prominence) of its minimum. */
  bottomTolerance?: number;
  /** The origin is on a peak when within peakTolerance · (peak prominence) of a significant maximum. */
  peakTolerance?: number;
  /** Two basins, origin between them and on a slope: w-peak when its relative height reaches peakSplit. */
  peakSplit?: number;
  /** Basin widths are measured at value + widthLevel · prominence. */
  widthLevel?: number;
  /** Chaotic: ≥ 3 basins whose median width is below minBasinWidth mean grid spacings, or … */
  minBasinWidth?: number;
  /** … ≥ 3 basins and more than maxTurningDensity significant minima + maxima per interior grid point. */
  maxTurningDensity?: number;
  /** The λ of θ itself. */
  origin?: number;
  /** Standard error of each loss value (--tolerance runs): an extremum then also needs errorMultiple errors. */
  stderr?: readonly number[];
  /** k: a rise counts only when it exceeds k · √(se_a² + se_b²) of its two ends (with `stderr`), or k paired errors. */
  errorMultiple?: number;
  /**
   * Standard error of loss[a] − loss[b] measured on the same samples (./paired.ts): when given, a rise must clear
   * errorMultiple of these instead of the independent √(se_a² + se_b²).
   */
  pairStderr?: (a: number, b: number) => number;
}

type Resolved = Required<Omit<ClassifyOptions, 'pairStderr'>> & Pick<ClassifyOptions, 'pairStderr'>;

export const DEFAULT_CLASSIFY_OPTIONS: Readonly<Resolved> = {
  prominence: 0.05,
  edgeProminence: 0.01,
  absoluteProminence: 0,
  flatTolerance: 1e-3,
  flatAbsolute: 1e-12,
  bottomTolerance: 0.1,
  peakTolerance: 0.1,
  peakSplit: 0.5,
  widthLevel: 0.5,
  minBasinWidth: 2,
  maxTurningDensity: 0.4,
  origin: 0,
  stderr: [],
  errorMultiple: 2,
};

export interface CurveFeatures {
  points: number;
  min: number;
  max: number;
  range: number;
  mean: number;
  /** The significance tolerance τ actually used (loss units). */
  tolerance: number;
  /** Sign of loss[last] − loss[first]. */
  trend: 'increasing' | 'decreasing' | 'level';
  /** Interior local extrema before the prominence filter (a noise gauge), and how many minima the filter dropped. */
  rawExtrema: number;
  rejectedMinima: number;
  minima: ExtremumFeature[];
  maxima: ExtremumFeature[];
  basins: Basin[];
  barriers: Barrier[];
  /** Significant minima + maxima per interior grid point: how often the curve turns beyond noise. */
  turningDensity: number;
  /** Median basin width in grid spacings (null without basins). */
  medianBasinWidth: number | null;
  origin: OriginPlacement;
  /** Rise at equal distance right vs left of the origin, (R₊ − R₋)/(|R₊| + |R₋|); null at an edge. */
  asymmetry: number | null;
}

export interface Classification { type: CurveType; features: CurveFeatures }

export function classifyCurve(lambdas: readonly number[], loss: readonly number[], options: ClassifyOptions = {}): Classification {
  const o: Resolved = { ...DEFAULT_CLASSIFY_OPTIONS, ...options };
  validate(lambdas, loss, o.origin, o.stderr);
  const n = loss.length;
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of loss) { min = Math.min(min, v); max = Math.max(max, v); sum += v; }
  const range = max - min, mean = sum / n;
  const tolerance = Math.max(o.prominence * range, o.absoluteProminence);
  const flat = range <= Math.max(o.flatTolerance * Math.abs(mean), o.flatAbsolute);

  const allMinima = findExtrema(lambdas, loss, 'min');
  const allMaxima = findExtrema(lambdas, loss, 'max');
  // With errors, a rise from a to b must also clear k standard errors of the difference: the paired error where the
  // points' shared samples are known, else the values' errors combined as if independent (larger: fewer extrema).
  const se = o.stderr;
  const pair = o.pairStderr;
  const clears = (rise: number, a: number, b: number): boolean =>
    pair ? rise > o.errorMultiple * pair(a, b) : se.length === 0 || rise > o.errorMultiple * Math.hypot(se[a] ?? 0, se[b] ?? 0);
  const lowerWall = (e: Extremum): number => (e.leftRise <= e.rightRise ? e.leftBase : e.rightBase);
  const significant = (e: Extremum): boolean => !flat && e.prominence >= tolerance && e.prominence > 0 && clears(e.prominence, e.index, lowerWall(e));
  const maxima = allMaxima.filter(significant);
  // A minimum walled on one side by a significant barrier and on the other only by the end of the interval is a
  // basin when that edge wall still rises by edgeProminence · range: the interval cut the basin, the curve did not.
  // The barrier side's walk may itself run to the far end (the lowest well of a w-shape sees the whole curve above
  // it); a significant maximum passed on the way is then the barrier.
  const edgeTolerance = Math.max(o.edgeProminence * range, o.absoluteProminence);
  const barrier = (e: Extremum, side: 'left' | 'right'): boolean => {
    const [rise, atEdge] = side === 'left' ? [e.leftRise, e.leftAtEdge] : [e.rightRise, e.rightAtEdge];
    if (rise < tolerance) return false;
    return !atEdge || maxima.some((m) => (side === 'left' ? m.index < e.index : m.index > e.index) && m.value - e.value >= tolerance);
  };
  const edgeBasin = (e: Extremum): boolean => !flat && (
    (e.leftAtEdge && barrier(e, 'right') && e.leftRise >= edgeTolerance && e.leftRise > 0 && clears(e.leftRise, e.index, e.leftBase) && clears(e.rightRise, e.index, e.rightBase)) ||
    (e.rightAtEdge && barrier(e, 'left') && e.rightRise >= edgeTolerance && e.rightRise > 0 && clears(e.rightRise, e.index, e.rightBase) && clears(e.leftRise, e.index, e.leftBase)));
  const minima = allMinima.filter((e) => significant(e) || edgeBasin(e));
  const { basins, barriers } = describeBasins(lambdas, loss, minima, maxima, o.widthLevel);
  const origin = placeOrigin(lambdas, loss, o.origin, basins, maxima, o);
  const medianBasinWidth = basins.length === 0 ? null : median(basins.map((b) => b.widthSteps));
  const delta = loss[n - 1]! - loss[0]!;

  const features: CurveFeatures = {
    points: n, min, max, range, mean, tolerance,
    trend: delta > 0 ? 'increasing' : delta < 0 ? 'decreasing' : 'level',
    rawExtrema: allMinima.length + allMaxima.length,
    rejectedMinima: allMinima.length - minima.length,
    minima: minima.map(toFeature), maxima: maxima.map(toFeature),
    basins, barriers, turningDensity: (minima.length + maxima.length) / (n - 2), medianBasinWidth, origin,
    asymmetry: originAsymmetry(lambdas, loss, o.origin),
  };
  return { type: decide(features, o), features };
}

/** The taxonomy rule proper (docs/taxonomy.md, "Decision"), on features already measured. */
function decide(f: CurveFeatures, o: Resolved): CurveType {
  if (f.range <= Math.max(o.flatTolerance * Math.abs(f.mean), o.flatAbsolute)) return 'flat';
  const count = f.basins.length;
  if (count >= 3 && (f.medianBasinWidth! < o.minBasinWidth || f.turningDensity > o.maxTurningDensity)) return 'chaotic';
  if (count === 0) return f.maxima.length > 0 ? 'peak' : 'monotone';
  if (count === 1) return f.origin.sits === 'bottom' ? 'v-basin' : 'v-side';
  if (count === 2) {
    if (f.origin.sits === 'bottom') return 'w-basin';
    const [a, b] = f.basins as [Basin, Basin];
    const between = a.index < f.origin.index && f.origin.index < b.index;
    const high = f.origin.sits === 'peak' || (f.origin.relativeHeight ?? 0) >= o.peakSplit;
    return between && high ? 'w-peak' : 'w-basin';
  }
  return 'vvv-basin';
}

function validate(lambdas: readonly number[], loss: readonly number[], origin: number, stderr: readonly number[] = []): void {
  if (lambdas.length !== loss.length) {
    throw new Error(`classify: lambdas has ${lambdas.length} entries, loss has ${loss.length}; they must match`);
  }
  if (stderr.length > 0 && stderr.length !== loss.length) throw new Error(`classify: stderr has ${stderr.length} entries, loss has ${loss.length}; they must match`);
  stderr.forEach((v, i) => { if (!(v >= 0)) throw new Error(`classify: stderr[${i}] is ${String(v)}, expected a finite number ≥ 0`); });
  if (lambdas.length < 3) throw new Error(`classify: a curve needs at least 3 points, got ${lambdas.length}`);
  for (let i = 0; i < loss.length; i++) {
    if (typeof lambdas[i] !== 'number' || !Number.isFinite(lambdas[i])) {
      throw new Error(`classify: lambdas[${i}] is ${String(lambdas[i])}, expected a finite number`);
    }
    if (typeof loss[i] !== 'number' || !Number.isFinite(loss[i])) {
      throw new Error(`classify: loss[${i}] is ${String(loss[i])} at λ=${lambdas[i]}, expected a finite number ` +
        '(a diverged evaluation? shrink the λ range)');
    }
    if (i > 0 && !(lambdas[i]! > lambdas[i - 1]!)) {
      throw new Error(`classify: lambdas must increase strictly, but lambdas[${i - 1}]=${lambdas[i - 1]} ≥ lambdas[${i}]=${lambdas[i]}`);
    }
  }
  const n = lambdas.length;
  const halfStep = (lambdas[n - 1]! - lambdas[0]!) / (n - 1) / 2;
  if (origin < lambdas[0]! - halfStep || origin > lambdas[n - 1]! + halfStep) {
    throw new Error(`classify: origin λ=${origin} lies outside the curve's interval [${lambdas[0]}, ${lambdas[n - 1]}]`);
  }
}
