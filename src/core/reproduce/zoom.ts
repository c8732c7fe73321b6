// Where to look closer at a curve: the negative-gradient claim needs the basin the gradient descends into resolved.

/**
 * Half-width of the zoomed negative-gradient curve: 3 × the bottom λ̂ of the wide curve's basin, λ̂ the vertex of the
 * parabola through its lowest grid point and the two neighbours; ¼ when that point is an end of the grid or λ̂ ≤ 0.
 */
export function zoomHalfWidth(c: { lambdas: readonly number[]; loss: readonly number[] }): number {
  const i = c.loss.indexOf(Math.min(...c.loss));
  if (i <= 0 || i >= c.loss.length - 1) return 0.25;
  const [x0, x1, x2] = [c.lambdas[i - 1]!, c.lambdas[i]!, c.lambdas[i + 1]!];
  const [y0, y1, y2] = [c.loss[i - 1]!, c.loss[i]!, c.loss[i + 1]!];
  const den = (x0 - x1) * (x0 - x2) * (x1 - x2);
  const a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / den;
  const bq = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / den;
  const vertex = a > 0 ? -bq / (2 * a) : x1;
  if (!(vertex > 0)) return 0.25;
  return Number((3 * vertex).toPrecision(2));
}

/**
 * Half-width of a closer look when a zoomed curve still does not resolve the basin: its lowest point lies one or two
 * grid steps on the positive side of θ, so θ and the bottom are neighbours on the grid and the taxonomy cannot tell
 * a slope from a bottom. Undefined when the bottom is resolved (≥ 3 steps away), at θ, or on the other side.
 */
export function closerLookHalfWidth(c: { lambdas: readonly number[]; loss: readonly number[] }): number | undefined {
  const i0 = c.lambdas.findIndex((l) => Math.abs(l) < 1e-12);
  const iMin = c.loss.indexOf(Math.min(...c.loss));
  if (i0 < 0 || iMin - i0 < 1 || iMin - i0 > 2) return undefined;
  const half = zoomHalfWidth(c);
  const current = Math.max(...c.lambdas.map(Math.abs));
  return half < current ? half : undefined;
}
