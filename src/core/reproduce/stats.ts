// Small interval estimates for the reproduction table: a binomial proportion (the mean with its standard error is
// meanAndStderr in core/linalg).

/** Wilson score interval for k successes in n trials at z (1.96: 95%). Well behaved at k = 0 and k = n. */
export function wilson(k: number, n: number, z = 1.96): { rate: number; low: number; high: number } {
  if (!(n > 0) || k < 0 || k > n) throw new Error(`wilson: need 0 ≤ k ≤ n and n > 0, got k = ${k}, n = ${n}`);
  const p = k / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** A number with 3 significant digits, exponent form when tiny or huge. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : x.toPrecision(3);
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(0)}%`;
}
