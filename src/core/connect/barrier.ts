// The barrier of a path between two models: how far the loss rises above the worse end point,
// max_t L(t) − max(L(0), L(1)) (Garipov et al. 2018; Draxler et al. 2018 use the same height). 0 when the path
// never rises above its ends.

export interface Barrier {
  /** max_t L(t) − max(L(t₀), L(t_last)); ≥ 0. */
  height: number;
  /** t of the highest point. */
  t: number;
  /** The highest loss and the worse end point's. */
  max: number;
  ends: number;
}

/** Barrier of losses sampled at ts (ts[0] and ts[last] are the end points). A non-finite loss makes it infinite. */
export function barrierOf(ts: readonly number[], losses: readonly number[]): Barrier {
  if (ts.length !== losses.length || ts.length < 2) throw new RangeError(`barrier: ${ts.length} values of t and ${losses.length} losses (need ≥ 2 of each, equally many)`);
  const ends = Math.max(losses[0]!, losses[losses.length - 1]!);
  let k = 0;
  for (let i = 0; i < losses.length; i++) {
    const v = losses[i]!;
    if (!Number.isFinite(v)) return { height: Number.POSITIVE_INFINITY, t: ts[i]!, max: v, ends };
    if (v > losses[k]!) k = i;
  }
  return { height: Math.max(0, losses[k]! - ends), t: ts[k]!, max: losses[k]!, ends };
}

/** How much of the line's barrier the curve removed: 1 − curve/line (1: none left); NaN when the line has none. */
export function barrierReduction(line: number, curve: number): number {
  return line > 0 ? 1 - curve / line : Number.NaN;
}
