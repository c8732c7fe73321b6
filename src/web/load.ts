// Reads one run or training directory as it is on disk right now: finished, still running, or left incomplete.
// Tolerant by design: a file that cannot be read becomes a warning, never an exception. Bounded by design: files are
// read only up to stated sizes (read-bounded.ts), logs tail by tail (grid-scan.ts), and what comes out is capped at
// the viewer's grid size (downsample.ts), so one huge or hostile run directory costs the viewer a bounded amount.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../core/runs/run-dir.js';
import { parseRange, type Range } from '../core/runs/grid.js';
import { nonFiniteReviver } from '../core/runs/non-finite.js';
import { samplingFor, VIEW_MAX_CURVE, VIEW_MAX_SIDE, type Sampling } from './downsample.js';
import { gridPlan, POINT_FIELDS, scanGrid, shownAxis, type GridSnapshot } from './grid-scan.js';
import { MAX_JSON_BYTES, MAX_RESULT_BYTES, readJsonBounded, readTextBounded } from './read-bounded.js';
import { readResult } from './result-cache.js';
import type { FoundRun } from './scan.js';
import type { Progress, RunState } from './types.js';

export type Json = Record<string, unknown>;

export interface LoadedRun {
  found: FoundRun;
  kind: string;
  state: RunState;
  progress?: Progress;
  /** run.json of a landscape/hessian/mining run. */
  config?: RunConfig;
  /** train.json of a training directory. */
  train?: Json;
  /** result.json, or for an unfinished curve/surface the points so far (missing ones null); cut to the viewer's cap. */
  result?: Json;
  partial: boolean;
  /** Set when `result` shows every stride-th point of a larger grid (the page says so). */
  sampling?: Sampling;
  /** Other JSON files of the directory (histories, summaries), by file name. */
  extras: { name: string; value: unknown }[];
  /**
   * Files in sub-folders (up to two levels): JSON Lines logs as arrays of records (a mining seed's history.jsonl)
   * and result.json of nested runs (a mined direction's held-out curve). Paths relative to the run, '/'-separated.
   */
  nested: { path: string; value: unknown }[];
  warnings: string[];
}

export interface LoadOptions {
  /** A run without result.json whose files changed this recently counts as running. */
  runningWindowMs?: number;
  now?: number;
  /** Larger JSON files (other than result.json) are listed in warnings, not read. */
  maxJsonBytes?: number;
  /** Larger result.json files are not parsed; the figures come from points.jsonl instead. */
  maxResultBytes?: number;
  /** The most points per axis of a surface, and of a curve, that `result` holds (downsampled beyond). */
  maxSide?: number;
  maxCurve?: number;
  /** Skip the other JSON files and sub-folders (the run list needs only the run's own state). */
  summaryOnly?: boolean;
}

const KNOWN = new Set(['run.json', 'result.json', 'train.json']);
/** Logs read tail by tail (grid-scan.ts), never whole. */
const LOGS = new Set(['points.jsonl', 'samples.jsonl']);
/** All the other JSON a run contributes (extras and sub-folders together). */
const MAX_EXTRA_BYTES = 64 * 2 ** 20;

export async function loadRun(found: FoundRun, options: LoadOptions = {}): Promise<LoadedRun> {
  const { runningWindowMs = 60_000, now = Date.now(), maxJsonBytes = MAX_JSON_BYTES, maxResultBytes = MAX_RESULT_BYTES } = options;
  const caps = { side: options.maxSide ?? VIEW_MAX_SIDE, curve: options.maxCurve ?? VIEW_MAX_CURVE };
  const warnings: string[] = [];
  const dir = found.dir;
  const files = await listFiles(dir);
  const newest = Math.max(0, ...files.map((f) => f.mtimeMs));
  const recent = now - newest < runningWindowMs;
  const budget = { left: MAX_EXTRA_BYTES };
  // Numeric files hold NaN/±∞ as "NaN"/"Infinity" tokens (core/runs/non-finite.ts): read back as numbers, drawn as gaps.
  const readJsonFile = async (name: string, numeric: boolean): Promise<unknown> => {
    if (!files.some((x) => x.name === name)) return undefined;
    try {
      return await readJsonBounded(join(dir, name), maxJsonBytes, numeric ? nonFiniteReviver : undefined);
    } catch (e) {
      warnings.push(`${name}: ${shortError(e, dir)}`);
      return undefined;
    }
  };
  const nested = options.summaryOnly ? [] : await readNested(dir, maxJsonBytes, warnings, budget);
  const extras: LoadedRun['extras'] = [];
  for (const f of options.summaryOnly ? [] : files) {
    const isJson = f.name.endsWith('.json') && !KNOWN.has(f.name) && !f.name.includes('.tmp-');
    const isLog = f.name.endsWith('.jsonl') && !LOGS.has(f.name);
    if (!isJson && !isLog) continue;
    if (f.size > Math.min(maxJsonBytes, budget.left)) { warnings.push(`${f.name}: ${f.size} bytes, larger than the viewer reads (${Math.min(maxJsonBytes, budget.left)}); not shown`); continue; }
    budget.left -= f.size;
    if (isLog) {
      try { nested.push({ path: f.name, value: parseJsonl(await readTextBounded(join(dir, f.name), maxJsonBytes)) }); } catch (e) { warnings.push(`${f.name}: ${shortError(e, dir)}`); }
      continue;
    }
    const value = await readJsonFile(f.name, true);
    if (value !== undefined) extras.push({ name: f.name, value });
  }

  if (found.marker === 'train.json') {
    const train = asObject(await readJsonFile('train.json', false));
    const epochs = Array.isArray(train?.['epochs']) ? (train['epochs'] as unknown[]).length : 0;
    const planned = Number(asObject(train?.['config'])?.['epochs']);
    const done = train?.['done'] === true;
    return {
      found, kind: 'train', train, extras, nested, warnings, partial: !done,
      state: done ? 'done' : recent ? 'running' : 'incomplete',
      progress: Number.isInteger(planned) && planned > 0 ? { done: epochs, total: planned } : undefined,
    };
  }

  const config = asObject(await readJsonFile('run.json', false)) as RunConfig | undefined;
  if (files.some((f) => f.name === 'run.json') && config && !asObject(config.identity)) warnings.push('run.json: no identity object; is this a terrain run directory?');
  const kind = typeof config?.kind === 'string' ? config.kind : 'unknown';
  const ranges = gridOf(config, warnings);
  const resultFile = files.find((f) => f.name === 'result.json');
  let stored: Json | undefined, sampling: Sampling | undefined;
  if (resultFile) {
    try {
      ({ result: stored, sampling } = await readResult(join(dir, 'result.json'), maxResultBytes, caps));
    } catch (e) {
      warnings.push(`result.json: ${shortError(e, dir)}${ranges ? '; the figures show the points in points.jsonl' : ''}`);
    }
  }
  // Planned work: the grid's points, or the seeds of a run that records one finished seed per line (mine).
  const seeds = config?.identity?.['seeds'];
  const total = ranges ? ranges.reduce((n, r) => n * r.count, 1) : Array.isArray(seeds) && seeds.length > 0 ? seeds.length : undefined;
  let progress: Progress | undefined, result = stored, partial = false;
  // Only a curve (one range) or a surface (two) is scanned: the shown grid is then at most 2,001 or 201×201 points.
  const landscape = !!ranges && ((kind === 'curve' && ranges.length === 1) || (kind === 'surface' && ranges.length === 2));
  if (ranges && !stored && landscape) {
    sampling = samplingFor(ranges.map((r) => r.count), ranges.length === 1 ? caps.curve : caps.side);
    const plan = gridPlan(ranges, sampling);
    const population = Number(asObject(config?.identity?.['data'])?.['count']);
    const snap = await scanGrid(dir, plan, Number.isFinite(population) && population > 0 ? population : undefined, warnings);
    progress = { done: resultFile ? total! : snap.done, total: total!, ...(snap.pass ? { pass: snap.pass } : {}), ...(snap.blocks ? { blocks: snap.blocks } : {}) };
    if (snap.done > 0 || snap.blocks) {
      result = gridResult(kind, ranges, sampling, snap);
      partial = !resultFile;
    }
  } else if (total !== undefined) {
    progress = { done: stored || resultFile ? total : Math.min(await countLines(join(dir, 'points.jsonl')), total), total };
  }
  if (!result) sampling = undefined;
  return { found, kind, config, result, partial, sampling, extras, nested, warnings, progress, state: resultFile ? 'done' : recent ? 'running' : 'incomplete' };
}

/** Lines of a small log (a mining run's finished seeds); bounded like every other read. */
async function countLines(path: string): Promise<number> {
  try {
    const text = await readTextBounded(path, MAX_JSON_BYTES);
    return text.split('\n').filter((l) => l.trim()).length;
  } catch {
    return 0;
  }
}

/** A message without the run's own directory (the page already names it). */
function shortError(e: unknown, dir: string): string {
  return (e as Error).message.split(`${dir}/`).join('').replace(/^[^:]+\.jsonl?: /, '');
}

/** The grid a landscape run evaluates: identity.grid = ["A:B:N", …] (one range per direction). */
function gridOf(config: RunConfig | undefined, warnings: string[]): Range[] | undefined {
  const grid = config?.identity?.['grid'];
  if (!Array.isArray(grid) || grid.length === 0) return undefined;
  try {
    return grid.map((g, k) => parseRange(String(g), `run.json identity.grid[${k}]`));
  } catch (e) {
    warnings.push((e as Error).message);
    return undefined;
  }
}

/** Curves and surfaces so far, at the shown points: each finished point's numbers (or a --tolerance point's estimate so far), null elsewhere. */
export function gridResult(kind: string, ranges: readonly Range[], sampling: Sampling, snap: GridSnapshot): Json | undefined {
  const value = (v: number): number | null => (Number.isFinite(v) ? v : null);
  const present = POINT_FIELDS.filter((f) => snap.values.has(f) || f === 'loss' || f === 'accuracy' || f === 'lossStderr');
  const column = (f: string, from: number, n: number): (number | null)[] => {
    const arr = snap.values.get(f);
    return Array.from({ length: n }, (_, k) => (arr ? value(arr[from + k]!) : null));
  };
  if (kind === 'curve' && ranges.length === 1) {
    const lambdas = shownAxis(ranges[0]!, sampling, 0);
    const out: Json = { kind, lambdas };
    for (const f of present) out[f] = column(f, 0, lambdas.length);
    return { ...out, type: 'running' };
  }
  if (kind === 'surface' && ranges.length === 2) {
    const x = shownAxis(ranges[0]!, sampling, 0), y = shownAxis(ranges[1]!, sampling, 1);
    const out: Json = { kind, x, y };
    for (const f of present) out[f] = y.map((_, j) => column(f, j * x.length, x.length));
    return out;
  }
  return undefined;
}

/** JSON Lines: one record per line; a torn last line (a log being written) is skipped. */
export function parseJsonl(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try { out.push(JSON.parse(line, nonFiniteReviver)); } catch { /* torn line */ }
  }
  return out;
}

const MAX_NESTED = 256;

async function readNested(dir: string, maxBytes: number, warnings: string[], budget: { left: number }): Promise<LoadedRun['nested']> {
  const out: LoadedRun['nested'] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    let entries;
    try { entries = await readdir(join(dir, rel), { withFileTypes: true }); } catch { return; }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth < 2 && !e.name.startsWith('.')) await walk(path, depth + 1);
      if (!e.isFile() || depth === 0 || out.length >= MAX_NESTED) continue;
      const wanted = e.name === 'result.json' || (e.name.endsWith('.jsonl') && !LOGS.has(e.name));
      if (!wanted) continue;
      try {
        const s = await stat(join(dir, path));
        const max = Math.min(maxBytes, budget.left);
        if (s.size > max) { warnings.push(`${path}: ${s.size} bytes, larger than the viewer reads (${max}); not shown`); continue; }
        budget.left -= s.size;
        const text = await readTextBounded(join(dir, path), max);
        out.push({ path, value: e.name.endsWith('.jsonl') ? parseJsonl(text) : JSON.parse(text, nonFiniteReviver) });
      } catch (err) {
        warnings.push(`${path}: not readable (${(err as Error).message})`);
      }
    }
  };
  await walk('', 0);
  return out;
}

/** The directory's own files as they are now (names, sizes, times): equal signatures, equal loads of a finished run. */
export async function dirSignature(dir: string): Promise<string> {
  return (await listFiles(dir)).map((f) => `${f.name}:${f.size}:${f.mtimeMs}`).join('/');
}

async function listFiles(dir: string): Promise<{ name: string; size: number; mtimeMs: number }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out = [];
  for (const name of names.sort()) {
    try {
      const s = await stat(join(dir, name));
      if (s.isFile()) out.push({ name, size: s.size, mtimeMs: s.mtimeMs });
    } catch {
      // vanished between readdir and stat (a tmp file renamed): skip
    }
  }
  return out;
}

export function asObject(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}
