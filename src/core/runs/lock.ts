// One writer per run directory: `run.lock`, created with O_EXCL, names its holder (pid, host, start time, command).
// A second process is refused with a message naming the holder; a lock whose process is gone (same host, after a
// kill -9) is stale and taken over. Within one process the lock is shared (reference-counted), and it is removed
// when the last holder closes it or the process exits.
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { worded } from '../../ir/errors.js';
import { OUT_OPTION, RunMismatchError } from './run-dir-errors.js';

export const LOCK_FILE = 'run.lock';
const BREAK_SUFFIX = '.break';
/** A lock file still empty after this long was left by a process killed between creating and writing it. */
const EMPTY_STALE_MS = 5_000;
/** A break guard older than this was left by a process killed while taking over a stale lock (it takes ms). */
const BREAK_STALE_MS = 10_000;
const RETRIES = 200;
const RETRY_MS = 10;

export interface LockHolder {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO time). */
  started: string;
  command: string[];
  /** The holder's process start time (Linux /proc), so that a reused pid is not taken for the holder. */
  pidStart?: string;
}

/** Another live process holds the run directory; an input error (exit 2). */
export class RunLockedError extends RunMismatchError {
  override name = 'RunLockedError';
}

interface Held { dir: string; path: string; text: string; count: number }
const held = new Map<string, Held>();
/** Every directory this process has locked, released or not, in order (for the "resume with" line). */
const history: string[] = [];
let exitHook = false;

export interface RunLock {
  readonly path: string;
  /** Drops this reference; the file is removed with the last one. Idempotent. */
  release(): void;
}

/** Takes the lock of `dir` (which must exist) for this process, or throws RunLockedError naming the holder. */
export function acquireRunLock(dir: string, command: readonly string[] = process.argv.slice(1)): RunLock {
  const key = resolve(dir);
  const path = join(dir, LOCK_FILE);
  let h = held.get(key);
  if (!h) {
    const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: [...command], pidStart: processStart(process.pid) };
    h = { dir, path, text: JSON.stringify(me) + '\n', count: 0 };
    take(path, h.text, dir);
    held.set(key, h);
    if (!history.includes(dir)) history.push(dir);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', releaseAll);
    }
  }
  h.count++;
  const mine = h;
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      if (--mine.count > 0) return;
      held.delete(key);
      removeIfOurs(mine);
    },
  };
}

/** Run directories this process has locked (held now or released), first first: the one to resume after an interrupt. */
export function lockedRunDirs(): string[] {
  return [...history];
}

/** Reads a lock file; undefined when it is missing, empty or not a lock (e.g. being written). */
export function readLockHolder(path: string): LockHolder | undefined {
  try {
    return parseHolder(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const o = JSON.parse(text) as LockHolder;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

export function describeHolder(h: LockHolder): string {
  const full = Array.isArray(h.command) ? h.command.map(String).join(' ') : '?';
  const cmd = full.length > 400 ? `${full.slice(0, 400)}…` : full;
  return `pid ${h.pid} on host ${h.host}, since ${h.started}: ${cmd}`;
}

function take(path: string, text: string, dir: string): void {
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let raw: string;
    try {
      raw = readFileSync(path, 'utf8');
    } catch {
      continue; // released between our open and read: try again
    }
    const holder = parseHolder(raw);
    if (!holder) {
      // Just created by another process and not written yet, or left empty by a crash long ago.
      if (ageMs(path) > EMPTY_STALE_MS) breakStale(path, raw);
      else sleep(RETRY_MS);
      continue;
    }
    if (!isStale(holder)) {
      const fix = holder.host === hostname()
        ? worded`wait for it to finish, stop it, or use another ${OUT_OPTION} directory`
        : worded`wait for it to finish, or use another ${OUT_OPTION} directory; if that process is gone, delete ${path}`;
      throw new RunLockedError(worded`${dir}: run directory in use by another terrain process (${describeHolder(holder)}); ${fix}`);
    }
    breakStale(path, raw);
  }
  throw new RunLockedError(worded`${dir}: could not take ${path} (other processes keep taking it); retry, or use another ${OUT_OPTION} directory`);
}

/** The holder is gone: same host, and its pid is dead or now belongs to a process started at another time. */
function isStale(h: LockHolder): boolean {
  if (h.host !== hostname()) return false;
  if (!pidAlive(h.pid)) return true;
  // Our own pid but not in our registry: left by an earlier process with this pid, or by us before a release failed.
  if (h.pid === process.pid) return true;
  const now = processStart(h.pid);
  return h.pidStart !== undefined && now !== undefined && now !== h.pidStart;
}

/**
 * Removes a stale lock whose content is still `raw`. A guard file (O_EXCL) makes the check-and-remove atomic among
 * processes that take over at once: without it, one could remove the fresh lock another has just created.
 */
function breakStale(path: string, raw: string): void {
  const guard = path + BREAK_SUFFIX;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if (ageMs(guard) > BREAK_STALE_MS) tryUnlink(guard);
    else sleep(RETRY_MS);
    return;
  }
  try {
    closeSync(fd);
    let now: string | undefined;
    try { now = readFileSync(path, 'utf8'); } catch { now = undefined; }
    if (now === raw) tryUnlink(path);
  } finally {
    tryUnlink(guard);
  }
}

function removeIfOurs(h: Held): void {
  try {
    if (readFileSync(h.path, 'utf8') === h.text) unlinkSync(h.path);
  } catch {
    // already gone (the directory was removed)
  }
}

function releaseAll(): void {
  for (const h of held.values()) removeIfOurs(h);
  held.clear();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot); undefined off Linux. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function tryUnlink(path: string): void {
  try { unlinkSync(path); } catch { /* gone already */ }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
