// What a page receives is capped: a grid longer than the cap along an axis is shown at every s-th point of it
// (the values themselves, not averages, so every number drawn is one that was measured or stored), and the page says so.

/** Points per axis a page receives: a surface at most 201×201, a curve at most 2,001 points. */
export const VIEW_MAX_SIDE = 201;
export const VIEW_MAX_CURVE = 2001;

export interface Sampling {
  /** Points per axis of the whole grid (x first). */
  full: number[];
  /** Every stride-th point is shown, starting with the first. */
  stride: number[];
  /** Points per axis shown. */
  shown: number[];
}

export function samplingFor(counts: readonly number[], maxPerAxis: number): Sampling {
  const stride = counts.map((n) => (n <= maxPerAxis ? 1 : Math.ceil((n - 1) / (maxPerAxis - 1))));
  return { full: [...counts], stride, shown: counts.map((n, k) => Math.floor((n - 1) / stride[k]!) + 1) };
}

export function isDownsampled(s: Sampling): boolean {
  return s.stride.some((k) => k > 1);
}

const fmt = (v: number): string => v.toLocaleString('en-US');
const nth = (k: number): string => `${k}${k % 10 === 1 && k % 100 !== 11 ? 'st' : k % 10 === 2 && k % 100 !== 12 ? 'nd' : k % 10 === 3 && k % 100 !== 13 ? 'rd' : 'th'}`;

/** "showing 200×200 of 10,000×10,000, every 50th point" */
export function samplingNote(s: Sampling): string {
  const every = new Set(s.stride).size === 1 ? `every ${nth(s.stride[0]!)} point` : `every ${s.stride.map(nth).join(' × ')} point`;
  return `showing ${s.shown.map(fmt).join('×')} of ${s.full.map(fmt).join('×')}, ${every}`;
}

/** The shown indices along one axis. */
export function shownIndices(s: Sampling, axis: number): number[] {
  return Array.from({ length: s.shown[axis]! }, (_, k) => k * s.stride[axis]!);
}

type Obj = Record<string, unknown>;

/**
 * A stored curve or surface result cut to the cap: every array with one entry per λ (curve) or every [y][x] grid
 * (surface) keeps the shown points; other fields are kept as they are. Returns the result unchanged when it fits.
 */
export function downsampleResult(r: Obj, maxSide = VIEW_MAX_SIDE, maxCurve = VIEW_MAX_CURVE): { result: Obj; sampling?: Sampling } {
  const x = r['x'], y = r['y'];
  if (Array.isArray(x) && Array.isArray(y) && Array.isArray(r['loss']) && (r['loss'] as unknown[]).length === y.length) {
    const s = samplingFor([x.length, y.length], maxSide);
    if (!isDownsampled(s)) return { result: r };
    const ix = shownIndices(s, 0), iy = shownIndices(s, 1);
    const out: Obj = {};
    for (const [k, v] of Object.entries(r)) {
      if (k === 'x') out[k] = ix.map((i) => x[i]);
      else if (k === 'y') out[k] = iy.map((j) => y[j]);
      else if (Array.isArray(v) && v.length === y.length && v.every((row) => Array.isArray(row) && row.length === x.length)) {
        out[k] = iy.map((j) => ix.map((i) => (v[j] as unknown[])[i]));
      } else out[k] = v;
    }
    return { result: out, sampling: s };
  }
  const key = ['lambdas', 'alphas'].find((k) => Array.isArray(r[k]));
  if (!key) return { result: r };
  const n = (r[key] as unknown[]).length;
  const s = samplingFor([n], maxCurve);
  if (!isDownsampled(s)) return { result: r };
  const idx = shownIndices(s, 0);
  const out: Obj = {};
  for (const [k, v] of Object.entries(r)) out[k] = Array.isArray(v) && v.length === n ? idx.map((i) => v[i]) : v;
  return { result: out, sampling: s };
}
