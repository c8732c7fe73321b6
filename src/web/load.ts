// Reads one run or training directory as it is on disk right now: finished, still running, or left incomplete.
// Tolerant by design: a file that cannot be read becomes a warning, never an exception.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RunDir, type PointRecord, type RunConfig } from '../core/runs/run-dir.js';
import { linspace, parseRange, type Range } from '../core/runs/grid.js';
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
  /** result.json, or for an unfinished curve/surface the points so far (missing ones null). */
  result?: Json;
  partial: boolean;
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
  /** Larger JSON files are listed in warnings, not read. */
  maxJsonBytes?: number;
}

const KNOWN = new Set(['run.json', 'result.json', 'train.json']);

export async function loadRun(found: FoundRun, options: LoadOptions = {}): Promise<LoadedRun> {
  const { runningWindowMs = 60_000, now = Date.now(), maxJsonBytes = 16 * 2 ** 20 } = options;
  const warnings: string[] = [];
  const dir = found.dir;
  const files = await listFiles(dir);
  const newest = Math.max(0, ...files.map((f) => f.mtimeMs));
  const recent = now - newest < runningWindowMs;
  const readJsonFile = async (name: string): Promise<unknown> => {
    const f = files.find((x) => x.name === name);
    if (!f) return undefined;
    if (f.size > maxJsonBytes) { warnings.push(`${name}: ${f.size} bytes, larger than ${maxJsonBytes}; not shown`); return undefined; }
    try {
      return JSON.parse(await readFile(join(dir, name), 'utf8'));
    } catch (e) {
      warnings.push(`${name}: not readable as JSON (${(e as Error).message})`);
      return undefined;
    }
  };
  const nested = await readNested(dir, maxJsonBytes, warnings);
  for (const f of files) {
    if (f.name.endsWith('.jsonl') && f.name !== 'points.jsonl' && f.size <= maxJsonBytes) nested.push({ path: f.name, value: parseJsonl(await readFile(join(dir, f.name), 'utf8')) });
  }
  const extras: LoadedRun['extras'] = [];
  for (const f of files) {
    if (!f.name.endsWith('.json') || KNOWN.has(f.name) || f.name.includes('.tmp-')) continue;
    const value = await readJsonFile(f.name);
    if (value !== undefined) extras.push({ name: f.name, value });
  }

  if (found.marker === 'train.json') {
    const train = asObject(await readJsonFile('train.json'));
    const epochs = Array.isArray(train?.['epochs']) ? (train['epochs'] as unknown[]).length : 0;
    const planned = Number(asObject(train?.['config'])?.['epochs']);
    const done = train?.['done'] === true;
    return {
      found, kind: 'train', train, extras, nested, warnings, partial: !done,
      state: done ? 'done' : recent ? 'running' : 'incomplete',
      progress: Number.isInteger(planned) && planned > 0 ? { done: epochs, total: planned } : undefined,
    };
  }

  let config: RunConfig | undefined, points = new Map<number, PointRecord>();
  try {
    ({ config, points } = await RunDir.load(dir));
  } catch (e) {
    warnings.push(`run.json: ${(e as Error).message}`);
  }
  const kind = typeof config?.kind === 'string' ? config.kind : 'unknown';
  const stored = asObject(await readJsonFile('result.json'));
  const ranges = gridOf(config, warnings);
  // Planned work: the grid's points, or the seeds of a run that records one finished seed per line (mine).
  const seeds = config?.identity?.['seeds'];
  const total = ranges ? ranges.reduce((n, r) => n * r.count, 1) : Array.isArray(seeds) && seeds.length > 0 ? seeds.length : undefined;
  const progress = total !== undefined ? { done: stored ? total : Math.min(points.size, total), total } : undefined;
  let result = stored, partial = false;
  if (!stored && ranges && points.size > 0) {
    result = partialResult(kind, ranges, points);
    partial = result !== undefined;
  }
  return { found, kind, config, result, partial, extras, nested, warnings, progress, state: stored ? 'done' : recent ? 'running' : 'incomplete' };
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

/** Curves and surfaces so far: the grid's coordinates with each finished point's numbers, null where not yet done. */
export function partialResult(kind: string, ranges: readonly Range[], points: ReadonlyMap<number, PointRecord>): Json | undefined {
  const field = (i: number, name: string): number | null => {
    const v = points.get(i)?.[name];
    return typeof v === 'number' ? v : null;
  };
  if (kind === 'curve' && ranges.length === 1) {
    const lambdas = linspace(ranges[0]!);
    const col = (name: string): (number | null)[] => lambdas.map((_, i) => field(i, name));
    return { kind, lambdas, loss: col('loss'), accuracy: col('accuracy'), lossStderr: col('lossStderr'), type: 'running' };
  }
  if (kind === 'surface' && ranges.length === 2) {
    const x = linspace(ranges[0]!), y = linspace(ranges[1]!);
    const grid = (name: string): (number | null)[][] => y.map((_, j) => x.map((_, i) => field(j * x.length + i, name)));
    return { kind, x, y, loss: grid('loss'), accuracy: grid('accuracy'), lossStderr: grid('lossStderr') };
  }
  return undefined;
}

/** JSON Lines: one record per line; a torn last line (a log being written) is skipped. */
export function parseJsonl(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try { out.push(JSON.parse(line)); } catch { /* torn line */ }
  }
  return out;
}

const MAX_NESTED = 256;

async function readNested(dir: string, maxBytes: number, warnings: string[]): Promise<LoadedRun['nested']> {
  const out: LoadedRun['nested'] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    let entries;
    try { entries = await readdir(join(dir, rel), { withFileTypes: true }); } catch { return; }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth < 2 && !e.name.startsWith('.')) await walk(path, depth + 1);
      if (!e.isFile() || depth === 0 || out.length >= MAX_NESTED) continue;
      const wanted = e.name === 'result.json' || (e.name.endsWith('.jsonl') && e.name !== 'points.jsonl');
      if (!wanted) continue;
      try {
        const s = await stat(join(dir, path));
        if (s.size > maxBytes) { warnings.push(`${path}: ${s.size} bytes, larger than ${maxBytes}; not shown`); continue; }
        const text = await readFile(join(dir, path), 'utf8');
        out.push({ path, value: e.name.endsWith('.jsonl') ? parseJsonl(text) : JSON.parse(text) });
      } catch (err) {
        warnings.push(`${path}: not readable (${(err as Error).message})`);
      }
    }
  };
  await walk('', 0);
  return out;
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
