// A run directory never loses finished work: run.json (identity), points.jsonl (append-only), result.json (at the end).
import { mkdir, readFile, writeFile, rename, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireRunLock, type RunLock } from './lock.js';
import { parseWithNonFinite, stringifyWithNonFinite } from './non-finite.js';
import { endTornTail } from './torn-tail.js';
import { worded } from '../../ir/errors.js';
import { OUT_OPTION, RunMismatchError } from './run-dir-errors.js';

export interface RunConfig {
  kind: string;
  /** Everything that determines the numbers (model/data hashes, seeds, directions, BN mode, grid, …). */
  identity: Record<string, unknown>;
  /** Informational: command line, version, start time; not compared on resume. */
  info: Record<string, unknown>;
}

/** What points.jsonl holds, one per line: a record with its position. Grid runs store PointRecords. */
export interface StoredRecord {
  index: number;
}

export interface PointRecord extends StoredRecord {
  [field: string]: number | number[] | string | null;
}

export { RunMismatchError };

export const RUN_FILE = 'run.json';
export const POINTS_FILE = 'points.jsonl';
export const RESULT_FILE = 'result.json';

/** A run directory whose points.jsonl holds records of type R (grid points unless the run says otherwise, e.g. mining seeds). */
export class RunDir<R extends StoredRecord = PointRecord> {
  private constructor(readonly dir: string, readonly config: RunConfig, readonly finished: Map<number, R>, private readonly lock: RunLock) {}

  /**
   * Creates the directory, or reopens it to resume when its identity is the same; a different identity is refused.
   * The directory's lock is taken first (another live writer: RunLockedError), so that two processes racing into
   * one new directory cannot both pass the identity check; close() or the end of the process releases it.
   */
  static async open<R extends StoredRecord = PointRecord>(dir: string, config: RunConfig): Promise<RunDir<R>> {
    await mkdir(dir, { recursive: true });
    const lock = acquireRunLock(dir, commandOf(config));
    try {
      return await RunDir.openLocked<R>(dir, config, lock);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  private static async openLocked<R extends StoredRecord>(dir: string, config: RunConfig, lock: RunLock): Promise<RunDir<R>> {
    const runPath = join(dir, RUN_FILE);
    const existing = await readJson(runPath);
    if (existing) {
      const old = existing as RunConfig;
      if (old.kind !== config.kind) throw new RunMismatchError(worded`${runPath}: holds a '${old.kind}' run, this is a '${config.kind}' run; use another ${OUT_OPTION} directory`);
      const diff = firstDifference(old.identity, config.identity);
      if (diff) throw new RunMismatchError(worded`${runPath}: '${diff}' differs from the existing run (${JSON.stringify(valueAt(old.identity, diff))} there, ${JSON.stringify(valueAt(config.identity, diff))} now); use another ${OUT_OPTION} directory or the same options`);
      // A crash mid-append leaves half a line: cut it (or end it) now, so that the next record starts a line.
      await endTornTail(join(dir, POINTS_FILE));
      return new RunDir<R>(dir, old, await readPoints<R>(join(dir, POINTS_FILE)), lock);
    }
    await writeJsonAtomic(runPath, config);
    return new RunDir<R>(dir, config, new Map(), lock);
  }

  /** Releases this handle's hold on the directory's lock (the process's last handle removes the lock file). */
  close(): void {
    this.lock.release();
  }

  static async load(dir: string): Promise<{ config: RunConfig; points: Map<number, PointRecord> }> {
    const config = (await readJson(join(dir, RUN_FILE))) as RunConfig | undefined;
    if (!config) throw new RunMismatchError(`${join(dir, RUN_FILE)}: not found; is '${dir}' a terrain run directory?`);
    return { config, points: await readPoints<PointRecord>(join(dir, POINTS_FILE)) };
  }

  /** Appends one finished point and flushes it to disk before returning. Duplicates are ignored. */
  async append(rec: R): Promise<void> {
    if (this.finished.has(rec.index)) return;
    const fh = await open(join(this.dir, POINTS_FILE), 'a');
    try {
      await fh.write(stringifyWithNonFinite(rec) + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    this.finished.set(rec.index, rec);
  }

  async writeResult(result: unknown, name = RESULT_FILE): Promise<string> {
    const p = join(this.dir, name);
    await writeJsonAtomic(p, result);
    return p;
  }

  path(name: string): string {
    return join(this.dir, name);
  }
}

function commandOf(config: RunConfig): string[] {
  const c = config.info['command'];
  return Array.isArray(c) ? c.map(String) : process.argv.slice(1);
}

/**
 * The parsed file, or undefined when there is none. `nonFinite`: a numeric file (result.json, points) whose
 * "NaN"/"Infinity"/"-Infinity" strings are numbers (non-finite.ts); run.json and queue.json are read as written.
 */
export async function readJson(path: string, nonFinite = false): Promise<unknown | undefined> {
  try {
    await stat(path);
  } catch {
    return undefined;
  }
  const text = await readFile(path, 'utf8');
  try {
    return nonFinite ? parseWithNonFinite(text) : JSON.parse(text);
  } catch (e) {
    throw new RunMismatchError(worded`${path}: not valid JSON (${(e as Error).message}); remove the file or use another ${OUT_OPTION} directory`);
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, stringifyWithNonFinite(value, 1) + '\n');
  await rename(tmp, path);
}

/** Numeric fields of point records that files written before the NaN/±∞ encoding hold as null: read as NaN. */
const OLD_NULL_FIELDS = ['loss', 'accuracy', 'lossStderr', 'lossSampleStderr', 'accuracyStderr'];

/** Reads the append-only log; a torn last line (crash mid-write) is dropped, it will simply be recomputed. */
async function readPoints<R extends StoredRecord>(path: string): Promise<Map<number, R>> {
  const points = new Map<number, R>();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return points;
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const rec = parseWithNonFinite(line) as Record<string, unknown> | null;
      if (typeof rec?.['index'] !== 'number' || points.has(rec['index'])) continue;
      for (const f of OLD_NULL_FIELDS) if (rec[f] === null) rec[f] = NaN;
      points.set(rec['index'], rec as unknown as R); // what this run wrote; a reader checks fields it relies on
    } catch {
      // torn write: ignore
    }
  }
  return points;
}

function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (stringifyWithNonFinite(a) === stringifyWithNonFinite(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return path || '(root)';
}

function valueAt(o: unknown, path: string): unknown {
  let cur = o;
  for (const k of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}
