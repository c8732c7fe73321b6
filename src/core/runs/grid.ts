// Grids of λ (curves) or (α, β) (surfaces); points are indexed row-major with x fastest: index = j·nx + i.
import { InputError, option, worded, type OptionMention } from '../../ir/errors.js';

export interface Range {
  from: number;
  to: number;
  count: number;
}

export class RangeError_ extends InputError {}

/** Parses "A:B:N" (N ≥ 2 points from A to B inclusive, or N = 1 for the single point A); `what` names it in errors. */
export function parseRange(text: string, what: string | OptionMention = option('range')): Range {
  const parts = text.split(':');
  const [a, b, n] = parts.map(Number);
  if (parts.length !== 3 || !Number.isFinite(a) || !Number.isFinite(b) || !Number.isInteger(n) || n! < 1 || n! > 100_000) {
    throw new RangeError_(worded`${what} '${text}' is not A:B:N (from, to, number of points ≥ 1), e.g. -1:1:51`);
  }
  if (n! > 1 && a === b) throw new RangeError_(worded`${what} '${text}': from and to are equal; give an interval, e.g. -1:1:${n}`);
  return { from: a!, to: b!, count: n! };
}

/**
 * Most points one run may have: a 1,000×1,000 surface. Its points.jsonl is ~100 MB and its result.json ~40 MB;
 * beyond that the viewer, report and resume would hold hundreds of MB per run. Larger maps are split into runs.
 */
export const MAX_GRID_POINTS = 1_000_000;

/** Refuses a grid of more than MAX_GRID_POINTS points, naming the flags and their product. */
export function checkGridSize(ranges: readonly Range[], flags: readonly string[]): void {
  const total = ranges.reduce((n, r) => n * r.count, 1);
  if (total <= MAX_GRID_POINTS) return;
  const fmt = (v: number): string => v.toLocaleString('en-US');
  const what = ranges.length === 1 ? `${flags[0]} has ${fmt(total)} points` : `${flags.join(' × ')} is ${ranges.map((r) => fmt(r.count)).join(' × ')} = ${fmt(total)} points`;
  throw new RangeError_(worded`${what}, more than the ${fmt(MAX_GRID_POINTS)}-point limit of one run; use fewer points, or split the grid into several runs (e.g. by ${option('y-range')})`);
}

export function linspace(r: Range): number[] {
  if (r.count === 1) return [r.from];
  return Array.from({ length: r.count }, (_, i) => (r.from * (r.count - 1 - i) + r.to * i) / (r.count - 1));
}

export function formatRange(r: Range): string {
  return `${r.from}:${r.to}:${r.count}`;
}
