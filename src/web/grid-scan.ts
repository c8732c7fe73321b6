// An unfinished curve or surface as the viewer shows it, read from its append-only logs without holding them:
// points.jsonl (finished points) and, for a --tolerance run, samples.jsonl (every evaluated block, so a point not yet
// finished shows its estimate so far). Only the shown points of the grid (downsample.ts) keep their numbers; the rest
// are counted. State is kept per file and extended with the new tail on each request (a log only grows), so polling
// a growing 100 MB log reads each byte once.
import { finiteStderr } from '../core/evaluate/sample-stats.js';
import { linspace, type Range } from '../core/runs/grid.js';
import type { Sampling } from './downsample.js';
import { FileLimitError, openRegular, scanLines, type LineScan } from './read-bounded.js';

/** Fields of a point record the viewer draws. */
export const POINT_FIELDS = ['loss', 'accuracy', 'lossStderr', 'samples', 'lossSampleStderr', 'accuracyStderr'] as const;
/** The most bytes of one log the viewer reads (a 1,000,000-point --tolerance run writes ~250 MB of points). */
export const MAX_LOG_BYTES = 512 * 2 ** 20;
/**
 * Up to this many grid points, duplicates are told apart exactly (one bit each, 2 MiB at most); beyond — only grids
 * above the CLI's 1,000,000-point limit — lines are counted.
 */
const MAX_EXACT_POINTS = 2 ** 24;
/** Per-point pass counts of a --tolerance run are kept up to the CLI's grid limit (5 bytes a point). */
const MAX_PASS_POINTS = 2 ** 20;

interface LogState extends LineScan { ino: number; size: number; warned?: string }

interface PointsState extends LogState {
  done: number;
  seen?: Uint8Array;
  has: Uint8Array;
  values: Map<string, Float64Array>;
}

interface SamplesState extends LogState {
  blocks: number;
  /** Blocks applied per point (the pass it has reached) and its batches so far (FULL once on the whole split), when the grid is small enough to keep them. */
  passes?: Uint8Array;
  next?: Uint32Array;
  maxPass: number;
  /** Per shown point: Σloss, Σloss², Σcorrect, Σsize, batches so far, whole-split flag. */
  sums: Float64Array;
}

export interface GridPlan { total: number; nx: number; sampling: Sampling; shownCount: number }

export function gridPlan(ranges: readonly Range[], sampling: Sampling): GridPlan {
  return { total: ranges.reduce((n, r) => n * r.count, 1), nx: ranges[0]!.count, sampling, shownCount: sampling.shown.reduce((a, b) => a * b, 1) };
}

/** Position of grid point `index` among the shown points, or -1. */
function shownSlot(p: GridPlan, index: number): number {
  const i = index % p.nx, j = Math.floor(index / p.nx);
  const [sx, sy = 1] = p.sampling.stride;
  if (i % sx! !== 0 || j % sy !== 0) return -1;
  return (j / sy) * p.sampling.shown[0]! + i / sx!;
}

const FULL = 0xffffffff;
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN);

/** Reads the new tail of a log into its state (a new state when the file was replaced or shrank). */
async function extend<S extends LogState>(path: string, state: S | undefined, fresh: () => S, onLine: (s: S, line: string) => void, warnings: string[]): Promise<S | undefined> {
  let opened;
  try { opened = await openRegular(path); } catch (e) {
    if (e instanceof FileLimitError && /ENOENT/.test(e.message)) return undefined;
    warnings.push((e as Error).message);
    return undefined;
  }
  const { fh, size, ino } = opened;
  try {
    let s = state;
    if (!s || s.ino !== ino || size < s.offset) s = { ...fresh(), ino, size, offset: 0, skipping: false };
    s.size = size;
    const end = Math.min(size, MAX_LOG_BYTES);
    if (size > MAX_LOG_BYTES) s.warned = `${path}: ${(size / 2 ** 20).toFixed(0)} MiB; the viewer reads the first ${MAX_LOG_BYTES / 2 ** 20} MiB`;
    await scanLines(fh, s, end, (line) => onLine(s!, line));
    if (s.warned) warnings.push(s.warned);
    return s;
  } finally {
    await fh.close();
  }
}

export function freshPoints(p: GridPlan): PointsState {
  return {
    ino: 0, size: 0, offset: 0, skipping: false, done: 0,
    seen: p.total <= MAX_EXACT_POINTS ? new Uint8Array(Math.ceil(p.total / 8)) : undefined,
    has: new Uint8Array(p.shownCount), values: new Map(),
  };
}

export function pointsLine(p: GridPlan): (s: PointsState, line: string) => void {
  return (s, line) => {
    let rec: Record<string, unknown>;
    try { rec = JSON.parse(line) as Record<string, unknown>; } catch { return; }
    const index = rec['index'];
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= p.total) return;
    if (s.seen) {
      const bit = 1 << (index & 7);
      if (s.seen[index >> 3]! & bit) return; // the first record of a point wins, as on resume
      s.seen[index >> 3]! |= bit;
    }
    s.done = Math.min(p.total, s.done + 1);
    const slot = shownSlot(p, index);
    if (slot < 0 || s.has[slot]) return;
    s.has[slot] = 1;
    for (const f of POINT_FIELDS) {
      if (!(f in rec)) continue;
      let arr = s.values.get(f);
      if (!arr) { arr = new Float64Array(p.shownCount).fill(NaN); s.values.set(f, arr); }
      arr[slot] = num(rec[f]);
    }
  };
}

export function freshSamples(p: GridPlan): SamplesState {
  return {
    ino: 0, size: 0, offset: 0, skipping: false, blocks: 0, maxPass: 0,
    passes: p.total <= MAX_PASS_POINTS ? new Uint8Array(p.total) : undefined,
    next: p.total <= MAX_PASS_POINTS ? new Uint32Array(p.total) : undefined,
    sums: new Float64Array(p.shownCount * 6),
  };
}

/** A block of samples.jsonl: {index, from | full, batches: [[Σloss, Σloss², correct, size], …]} (core/landscape/sample-log.ts). */
export function samplesLine(p: GridPlan): (s: SamplesState, line: string) => void {
  return (s, line) => {
    let rec: { index?: unknown; from?: unknown; full?: unknown; batches?: unknown };
    try { rec = JSON.parse(line) as typeof rec; } catch { return; }
    const index = rec.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= p.total || !Array.isArray(rec.batches)) return;
    const full = rec.full === true;
    if (s.next && s.passes) {
      // The rule of core/landscape/sample-log.ts applyBlock: a block that does not continue the point is a duplicate.
      if (s.next[index] === FULL || (!full && rec.from !== s.next[index])) return;
      s.next[index] = full ? FULL : s.next[index]! + rec.batches.length;
      s.passes[index] = Math.min(255, s.passes[index]! + 1);
      s.maxPass = Math.max(s.maxPass, s.passes[index]!);
    }
    s.blocks++;
    const slot = shownSlot(p, index);
    if (slot < 0) return;
    const o = slot * 6;
    if (s.sums[o + 5]) return; // whole split already: nothing extends it
    if (!full && rec.from !== s.sums[o + 4]) return; // a duplicate block
    if (full) s.sums.fill(0, o, o + 6);
    for (const b of rec.batches as unknown[][]) {
      if (!Array.isArray(b)) continue;
      s.sums[o] += num(b[0]); s.sums[o + 1] += num(b[1]); s.sums[o + 2] += num(b[2]); s.sums[o + 3] += num(b[3]);
      s.sums[o + 4]++;
    }
    if (full) s.sums[o + 5] = 1;
  };
}

export interface GridSnapshot {
  done: number;
  /** Grid values by field over the shown points, row-major x fastest; NaN where there is nothing (yet). */
  values: Map<string, Float64Array>;
  /** --tolerance runs in progress: the highest pass any point has reached, and blocks evaluated. */
  pass?: number;
  blocks?: number;
}

const cache = new Map<string, { points?: PointsState; samples?: SamplesState; busy: Promise<unknown> }>();
const MAX_CACHED = 64;
/** Scans of more shown points than a page takes (a download's whole grid) are not kept after their request. */
const MAX_CACHED_SHOWN = 2 ** 16;

/**
 * What the logs of a run directory hold now, for the shown points: finished points from points.jsonl; for the
 * others of a --tolerance run, the estimate from their blocks so far (loss and accuracy means, samples, and the
 * per-sample standard error, finite-population corrected when `population` is known).
 */
export async function scanGrid(dir: string, p: GridPlan, population: number | undefined, warnings: string[]): Promise<GridSnapshot> {
  const key = `${dir}\0${p.total}\0${p.sampling.stride.join('x')}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = { busy: Promise.resolve() };
    if (p.shownCount <= MAX_CACHED_SHOWN) {
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(key, entry);
    }
  }
  const e = entry;
  // One reader per log at a time: concurrent requests wait for the tail being read, then share it.
  const work = e.busy.then(async () => {
    e.points = await extend(`${dir}/points.jsonl`, e.points, () => freshPoints(p), pointsLine(p), warnings);
    e.samples = await extend(`${dir}/samples.jsonl`, e.samples, () => freshSamples(p), samplesLine(p), warnings);
    return snapshot(p, e.points, e.samples, population);
  });
  e.busy = work.catch(() => undefined);
  return work;
}

function snapshot(p: GridPlan, pts: PointsState | undefined, smp: SamplesState | undefined, population: number | undefined): GridSnapshot {
  const values = new Map<string, Float64Array>();
  for (const [k, v] of pts?.values ?? []) values.set(k, Float64Array.from(v));
  if (smp && smp.blocks > 0) {
    const get = (f: string): Float64Array => { let a = values.get(f); if (!a) { a = new Float64Array(p.shownCount).fill(NaN); values.set(f, a); } return a; };
    const [loss, acc, samples, se, ase] = ['loss', 'accuracy', 'samples', 'lossSampleStderr', 'accuracyStderr'].map(get);
    for (let k = 0; k < p.shownCount; k++) {
      const o = k * 6, n = smp.sums[o + 3]!;
      if (pts?.has[k] || !(n > 0)) continue;
      const sum = smp.sums[o]!, hits = smp.sums[o + 2]!;
      // The same estimate the finished point will record (an unknown population: no finite-population correction).
      const of = population && population >= n ? population : Infinity;
      loss![k] = sum / n; acc![k] = hits / n; samples![k] = n;
      se![k] = finiteStderr(sum, smp.sums[o + 1]!, n, of);
      ase![k] = finiteStderr(hits, hits, n, of);
    }
  }
  const out: GridSnapshot = { done: pts?.done ?? 0, values };
  if (smp && smp.blocks > 0) { out.blocks = smp.blocks; if (smp.passes) out.pass = smp.maxPass; }
  return out;
}

/** The shown coordinates of a range: linspace's values at the shown indices, computed without the full axis. */
export function shownAxis(r: Range, s: Sampling, axis: number): number[] {
  if (r.count <= 100_000 && s.stride[axis] === 1) return linspace(r);
  return Array.from({ length: s.shown[axis]! }, (_, k) => {
    const i = k * s.stride[axis]!;
    return r.count === 1 ? r.from : (r.from * (r.count - 1 - i) + r.to * i) / (r.count - 1);
  });
}
