// Paired standard errors of a --tolerance curve. Every point's samples are a prefix of one shared permutation of the
// split (common random numbers), so the mean losses of two points move together and the error of their difference is
// far smaller than √(se_a² + se_b²). For nested samples drawn without replacement (n_a ≥ n_b from N, the smaller a
// prefix of the larger) the variance of ā − b̄ is
//   S_a²(1/n_a − 1/N) + S_b²(1/n_b − 1/N) − 2 S_ab (1/n_a − 1/N)
//     = S_d² (1/n_a − 1/N) + S_b² (1/n_b − 1/n_a),        d = l_a − l_b on the shared samples,
// and the second form is estimated without bias (and never below 0) by the sample variance of d over the n_b shared
// samples and b's own sample variance. A point on the whole split (n = N, its own order) needs no per-sample losses:
// its mean is exact, so the difference's error is the other point's error alone.

export interface PairedPoint {
  /** Samples its mean comes from. */
  samples: number;
  /** Sample variance of its per-sample losses (∞ or NaN when it cannot be estimated). */
  variance: number;
  /** Its per-sample losses in the shared order (the first `samples`); absent for a point on the whole split. */
  losses?: ArrayLike<number>;
}

export class PairedErrorError extends Error {
  override name = 'PairedErrorError';
}

/** Sample variance (n − 1) of l_a − l_b over the first m values of both. */
function differenceVariance(a: ArrayLike<number>, b: ArrayLike<number>, m: number): number {
  if (m < 2) return Infinity;
  let mean = 0;
  for (let k = 0; k < m; k++) mean += a[k]! - b[k]!;
  mean /= m;
  let ss = 0;
  for (let k = 0; k < m; k++) ss += (a[k]! - b[k]! - mean) ** 2;
  return ss / (m - 1);
}

/** Standard error of mean(a) − mean(b) for two points of one shared permutation of a split of `population`. */
export function pairedStderr(a: PairedPoint, b: PairedPoint, population: number): number {
  const [big, small] = a.samples >= b.samples ? [a, b] : [b, a];
  if (small.samples < 1 || big.samples > population) throw new PairedErrorError(`paired error of points with ${small.samples} and ${big.samples} samples from a split of ${population}`);
  const N = population;
  // What the smaller sample leaves unknown beyond the larger one: its own variance over the samples it lacks.
  const tailTo = (to: number): number => (small.samples >= to ? 0 : small.samples === 1 ? Infinity : small.variance * (1 / small.samples - 1 / to));
  // The larger point is exact (whole split): the difference errs as much as the smaller point alone.
  if (big.samples >= N) return Math.sqrt(tailTo(N));
  const tail = tailTo(big.samples);
  if (!big.losses || !small.losses) throw new PairedErrorError(`paired error needs the per-sample losses of points with ${small.samples} and ${big.samples} of ${N} samples`);
  if (big.losses.length < big.samples || small.losses.length < small.samples) throw new PairedErrorError(`per-sample losses hold ${small.losses.length} and ${big.losses.length} values for ${small.samples} and ${big.samples} samples`);
  const shared = differenceVariance(big.losses, small.losses, small.samples) * (1 / big.samples - 1 / N);
  return Math.sqrt(Math.max(0, shared + tail));
}

/**
 * Covariance matrix of the points' mean losses implied by their own and paired errors:
 * c_ij = (se_i² + se_j² − pse_ij²) / 2, so that c_ii + c_jj − 2c_ij gives back the paired error exactly.
 * `stderr` are the points' own standard errors (finite-population corrected).
 */
export function lossCovariance(points: readonly PairedPoint[], stderr: readonly number[], population: number): number[][] {
  const n = points.length;
  const c = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    c[i]![i] = stderr[i]! ** 2;
    for (let j = 0; j < i; j++) {
      const p = pairedStderr(points[i]!, points[j]!, population);
      c[i]![j] = c[j]![i] = (stderr[i]! ** 2 + stderr[j]! ** 2 - p * p) / 2;
    }
  }
  return c;
}

/** The paired standard error of points i and j from a covariance matrix (0 when rounding leaves it negative). */
export function pairFromCovariance(c: readonly (readonly number[])[]): (i: number, j: number) => number {
  return (i, j) => (i === j ? 0 : Math.sqrt(Math.max(0, c[i]![i]! + c[j]![j]! - 2 * c[i]![j]!)));
}

/** Checks a covariance field of a result: square, the curve's size, finite and symmetric. Names the field on failure. */
export function checkCovariance(c: unknown, n: number, field = 'lossCovariance'): number[][] {
  if (!Array.isArray(c) || c.length !== n) throw new PairedErrorError(`${field} must be a ${n}×${n} array (one row per curve point), got ${Array.isArray(c) ? `${c.length} rows` : typeof c}`);
  c.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== n) throw new PairedErrorError(`${field}[${i}] must hold ${n} numbers`);
    row.forEach((v: unknown, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new PairedErrorError(`${field}[${i}][${j}] is ${String(v)}, expected a finite number`);
    });
  });
  return c as number[][];
}

/**
 * Standard error of Σ a_p · mean_p over points that share their samples (e.g. a measured node less its interpolation
 * from a cell's corners): √(Σ_p Σ_q a_p a_q c_pq) with c from each point's own and paired errors, never below 0.
 */
export function combinationStderr(terms: readonly { point: PairedPoint; stderr: number; coefficient: number }[], population: number): number {
  let v = 0;
  for (let p = 0; p < terms.length; p++) {
    const a = terms[p]!;
    v += a.coefficient * a.coefficient * a.stderr * a.stderr;
    for (let q = 0; q < p; q++) {
      const b = terms[q]!;
      const pse = pairedStderr(a.point, b.point, population);
      v += 2 * a.coefficient * b.coefficient * (a.stderr * a.stderr + b.stderr * b.stderr - pse * pse) / 2;
    }
  }
  return Math.sqrt(Math.max(0, v));
}
