// The curve type under measurement error (--tolerance runs): extrema must clear k standard errors (classify.ts),
// and the type is re-decided on curves redrawn within the errors, so a type that flips inside its error bars says so.
import { createRng } from '../rng.js';
import { classifyCurve, type Classification, type ClassifyOptions, type CurveType } from './classify.js';
import { checkCovariance, pairFromCovariance } from './paired.js';
import { psdFactor } from './psd.js';

export interface UncertainClassification extends Classification {
  /** Share of redrawn curves (loss + se·z, z ~ N(0, 1) per point) whose type equals `type`. */
  typeConfidence: number;
  /** typeConfidence below the threshold: the errors allow another type. */
  uncertain: boolean;
  /** The other types seen among the redrawn curves, most frequent first. */
  alternatives: CurveType[];
}

export interface UncertaintyOptions {
  /** Redrawn curves (default 200). */
  draws?: number;
  /** A type is uncertain below this confidence (default 0.9). */
  threshold?: number;
  seed?: number;
  /**
   * Covariance of the points' mean losses (paired.ts: lossCovariance), where the points share their samples. Rises
   * then clear k paired errors and redrawn curves move together as the measured ones do; absent: independent errors.
   */
  covariance?: readonly (readonly number[])[];
}

/**
 * classifyCurve with per-point standard errors. Without a covariance the redraws are independent per point, which
 * overstates how much a common-random-numbers curve's shape can move: a conservative confidence.
 */
export function classifyWithErrors(lambdas: readonly number[], loss: readonly number[], stderr: readonly number[], options: ClassifyOptions & UncertaintyOptions = {}): UncertainClassification {
  const { draws = 200, threshold = 0.9, seed = 0, covariance, ...rest } = options;
  const cov = covariance ? checkCovariance(covariance, loss.length) : undefined;
  const classify: ClassifyOptions = cov ? { ...rest, pairStderr: pairFromCovariance(cov) } : rest;
  const nominal = classifyCurve(lambdas, loss, { ...classify, stderr });
  if (stderr.every((s) => s === 0)) return { ...nominal, typeConfidence: 1, uncertain: false, alternatives: [] };
  const rng = createRng(seed);
  const L = cov ? psdFactor(cov) : undefined;
  const counts = new Map<CurveType, number>();
  for (let d = 0; d < draws; d++) {
    let redrawn: number[];
    if (L) {
      const z = loss.map(() => rng.normal());
      redrawn = loss.map((v, i) => { let s = v; for (let k = 0; k < z.length; k++) s += L[i]![k]! * z[k]!; return s; });
    } else {
      redrawn = loss.map((v, i) => v + stderr[i]! * rng.normal());
    }
    const t = classifyCurve(lambdas, redrawn, { ...classify, stderr }).type;
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const typeConfidence = (counts.get(nominal.type) ?? 0) / draws;
  const alternatives = [...counts].filter(([t]) => t !== nominal.type).sort((a, b) => b[1] - a[1]).map(([t]) => t);
  return { ...nominal, typeConfidence, uncertain: typeConfidence < threshold, alternatives };
}
