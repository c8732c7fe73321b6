// Grids of λ (curves) or (α, β) (surfaces); points are indexed row-major with x fastest: index = j·nx + i.

export interface Range {
  from: number;
  to: number;
  count: number;
}

export class RangeError_ extends Error {}

/** Parses "A:B:N" (N ≥ 2 points from A to B inclusive, or N = 1 for the single point A). */
export function parseRange(text: string, flag = '--range'): Range {
  const parts = text.split(':');
  const [a, b, n] = parts.map(Number);
  if (parts.length !== 3 || !Number.isFinite(a) || !Number.isFinite(b) || !Number.isInteger(n) || n! < 1 || n! > 100_000) {
    throw new RangeError_(`${flag} '${text}' is not A:B:N (from, to, number of points ≥ 1), e.g. -1:1:51`);
  }
  if (n! > 1 && a === b) throw new RangeError_(`${flag} '${text}': from and to are equal; give an interval, e.g. -1:1:${n}`);
  return { from: a!, to: b!, count: n! };
}

export function linspace(r: Range): number[] {
  if (r.count === 1) return [r.from];
  return Array.from({ length: r.count }, (_, i) => (r.from * (r.count - 1 - i) + r.to * i) / (r.count - 1));
}

export function formatRange(r: Range): string {
  return `${r.from}:${r.to}:${r.count}`;
}
