// The set-up the end-to-end queue tests share: a scratch folder with a test model, `terrain` children that are all
// SIGKILLed when the test file ends, workers, reference runs, and bounded polls of a run directory.
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { connectionOptions, type QueueUrl } from '../distributed/queue-url.js';
import { writeTestModel } from './distributed-fixture.js';
import { localRedis } from './local-redis.js';
import { MAIN, startTerrain, type TerrainProcess } from './processes.js';

export interface QueueFixture {
  /** A fresh folder for the file's runs. */
  work: string;
  /** A small MLP checkpoint in `work`. */
  model: string;
  /** `terrain ARGS` as a child process, stopped (SIGKILL) when the test file ends. */
  terrain: (args: string[]) => TerrainProcess;
  /** `terrain worker` on `url` with a 2 s lock, so that a job of a killed worker comes back quickly. */
  worker: (url: QueueUrl) => TerrainProcess;
}

/** Call once at the top of a test file: registers the after() hook that stops every child and the local Redis. */
export function queueFixture(tag: string): QueueFixture {
  const work = mkdtempSync(join(tmpdir(), `terrain-${tag}-`));
  const started: TerrainProcess[] = [];
  after(async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    await (await localRedis())?.close();
  });
  const terrain = (args: string[]): TerrainProcess => {
    const p = startTerrain(args);
    started.push(p);
    return p;
  };
  return { work, model: writeTestModel(work, 'mlp', 5), terrain, worker: (url) => terrain(['worker', '--queue', url.href, '--lock-ms', '2000']) };
}

/** `terrain ARGS` to its end without progress lines, killed after `timeoutMs`. */
export function runTerrain(args: string[], timeoutMs = 120_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, TERRAIN_NO_PROGRESS: '1' }, timeout: timeoutMs });
}

/** `terrain ARGS`, which must exit 0 (the in-process reference of a queued run). */
export function runTerrainOk(args: string[]): SpawnSyncReturns<string> {
  const r = runTerrain(args);
  assert.equal(r.status, 0, r.stderr);
  return r;
}

/** The non-empty lines of `dir/file`, none when it does not exist yet. */
export function fileLines(dir: string, file: string): string[] {
  const path = join(dir, file);
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

/** How many completed jobs the queue still holds (the coordinator removes those it collected). */
export async function completedJobs(url: QueueUrl): Promise<number> {
  const q = new Queue(url.queue, { connection: connectionOptions(url) });
  try {
    return (await q.getJobCounts('completed'))['completed'] ?? 0;
  } finally {
    await q.close();
  }
}

/** Deletes the queue and every job in it. */
export async function obliterate(url: QueueUrl): Promise<void> {
  const q = new Queue(url.queue, { connection: connectionOptions(url) });
  await q.obliterate({ force: true });
  await q.close();
}

/** Polls until `ready()`, failing (with `p`'s stderr) when `p` exits first or `ms` passes: `what` names the awaited. */
export async function until(ready: () => boolean, what: string, p: TerrainProcess, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (p.child.exitCode !== null) throw new Error(`exited (${p.child.exitCode}) before ${what}:\n${p.lines.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`no ${what} after ${ms} ms:\n${p.lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
