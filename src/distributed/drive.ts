// The coordinator's loop: keeps one queued job for every chunk with unfinished points, writes finished points into
// the run directory exactly once (one writer, duplicates ignored), reports progress, and rides out Redis restarts.
// Completed jobs stay in Redis until their points are on disk, so neither a coordinator restart nor a Redis restart
// (AOF on) loses a finished point; a chunk whose job vanished is simply queued again.
import type { Job, JobsOptions, Queue, QueueEvents } from 'bullmq';
import type { Progress } from '../core/runs/execute.js';
import type { RunDir } from '../core/runs/run-dir.js';
import { QueueError } from './errors.js';
import { chunkPoints, JOB_NAME, jobId, pendingChunks, type ChunkJobData, type QueueRecord } from './protocol.js';

const WEEK_S = 7 * 24 * 3600;
/** Redis silent this long counts as gone for good: the run stops with its points kept (terrain collect goes on). */
export const DEFAULT_REDIS_WAIT_MS = 300_000;

export const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'fixed', delay: 1000 },
  // Kept until the coordinator has written their points (it removes them then); a week is the backstop for runs
  // that are never collected.
  removeOnComplete: { age: WEEK_S },
  removeOnFail: { age: WEEK_S },
};

export class ChunkFailedError extends Error {
  override name = 'ChunkFailedError';
}

export interface DriveOptions {
  queue: Queue;
  events: QueueEvents;
  run: RunDir;
  record: QueueRecord;
  /** Run directory as workers should find it (absolute). */
  dir: string;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Full reconciliation of queue against run directory at least this often (ms). */
  pollMs?: number;
  /** Give up (QueueError) after Redis has failed or not answered for this long (ms). */
  redisWaitMs?: number;
  log?: (line: string) => void;
}

class Interrupted extends Error {}

/** `work`, unless the signal aborts or it takes longer than `ms`: ioredis queues commands while Redis is down. */
function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => done(() => reject(new Interrupted('interrupted')));
    const timer = setTimeout(() => done(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`))), ms);
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort);
    work.then((v) => done(() => resolve(v)), (e: unknown) => done(() => reject(e)));
  });
}

/** Returns when every point of the run is in the run directory; throws when a chunk failed on all attempts. */
export async function driveRun(o: DriveOptions): Promise<{ computedNow: number }> {
  const { queue, run, record } = o;
  const { total, chunk, runKey } = record;
  const log = o.log ?? (() => undefined);
  const pollMs = o.pollMs ?? 2000;
  const redisWaitMs = o.redisWaitMs ?? DEFAULT_REDIS_WAIT_MS;
  const start = Date.now();
  let computedNow = 0;
  const report = (): void => {
    const elapsedMs = Date.now() - start;
    const left = total - run.finished.size;
    o.onProgress?.({ done: run.finished.size, total, computedNow, elapsedMs, etaMs: computedNow > 0 ? (elapsedMs / computedNow) * left : undefined });
  };

  // One writer: points reach points.jsonl in a single sequence, so no index is ever appended twice.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const r = tail.then(fn);
    tail = r.catch(() => undefined);
    return r;
  };
  const collect = (job: Job): Promise<void> => serial(async () => {
    const data = job.data as ChunkJobData;
    const { points, dropped } = chunkPoints(job.returnvalue, data.indices);
    if (dropped > 0) log(`job ${job.id}: ${dropped} returned record(s) outside the chunk or malformed, ignored`);
    for (const p of points) {
      if (run.finished.has(p.index)) continue;
      await run.append(p);
      computedNow++;
    }
    report();
    // After the points are on disk; a failure here only leaves a completed job that the next pass collects again.
    await job.remove().catch(() => undefined);
  });
  const submit = (c: number, indices: number[]): Promise<unknown> =>
    queue.add(JOB_NAME, { manifest: record.manifest, dir: o.dir, runKey, chunk: c, indices } satisfies ChunkJobData, { ...JOB_OPTIONS, jobId: jobId(runKey, c) });

  /** Every pending chunk: collect it if done, queue it if missing; a final failure is fatal except on the first pass. */
  const reconcile = async (first: boolean): Promise<void> => {
    const pending = pendingChunks(total, chunk, run.finished);
    await Promise.all([...pending].map(async ([c, indices]) => {
      const job = await queue.getJob(jobId(runKey, c));
      const state = job ? await job.getState() : 'missing';
      if (state === 'completed') return collect(job!);
      if (state === 'failed') {
        // A restarted coordinator gives failed chunks a fresh set of attempts (the cause may have been fixed).
        if (!first) throw new ChunkFailedError(`chunk ${c} (points ${indices[0]}…${indices[indices.length - 1]}) failed on every attempt: ${job!.failedReason}`);
        await job!.remove();
      }
      if (state === 'missing' || state === 'unknown' || state === 'failed') await submit(c, indices);
    }));
  };

  const prefix = `${runKey}-`;
  const woken = new Set<string>();
  let wake: (() => void) | undefined;
  const onEvent = ({ jobId: id }: { jobId: string }): void => {
    if (!id.startsWith(prefix)) return;
    woken.add(id);
    wake?.();
  };
  const onAbort = (): void => wake?.();
  o.events.on('completed', onEvent);
  o.events.on('failed', onEvent);
  o.signal?.addEventListener('abort', onAbort);
  report();
  let first = true;
  let lastFull = 0;
  let down: string | undefined;
  let downSince: number | undefined;
  const step = async (): Promise<void> => {
    if (first || Date.now() - lastFull >= pollMs) {
      woken.clear();
      await reconcile(first);
      first = false;
      lastFull = Date.now();
    } else {
      const ids = [...woken];
      woken.clear();
      for (const id of ids) {
        const job = await queue.getJob(id);
        if (!job) continue;
        const state = await job.getState();
        if (state === 'completed') await collect(job);
        else if (state === 'failed') lastFull = 0; // let the full pass decide
      }
    }
  };
  try {
    while (run.finished.size < total) {
      if (o.signal?.aborted) throw new Error('interrupted');
      try {
        await bounded(step(), redisWaitMs, o.signal);
        if (down) log(`Redis is reachable again at ${record.url}`);
        down = undefined;
        downSince = undefined;
      } catch (e) {
        if (e instanceof ChunkFailedError) throw e;
        if (e instanceof Interrupted || o.signal?.aborted) throw new Error('interrupted');
        if (down === undefined) log(`waiting for Redis at ${record.url}: ${(e as Error).message}`);
        down = (e as Error).message;
        downSince ??= Date.now();
        if (Date.now() - downSince >= redisWaitMs || /no answer within/.test(down)) {
          throw new QueueError(`Redis at ${record.url} has not answered for ${Math.round(redisWaitMs / 1000)} s (${down}); the ${run.finished.size} finished points are kept in ${o.dir}; when Redis is back, finish the run with: terrain collect ${o.dir}`);
        }
      }
      if (run.finished.size >= total) break;
      const waitMs = Math.max(10, pollMs - (Date.now() - lastFull));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, lastFull === 0 ? 250 : waitMs);
        wake = () => { clearTimeout(t); resolve(); };
        if (woken.size > 0 || o.signal?.aborted) wake();
      });
      wake = undefined;
    }
  } finally {
    o.events.off('completed', onEvent);
    o.events.off('failed', onEvent);
    o.signal?.removeEventListener('abort', onAbort);
    // Points are appended before a collected job is removed from Redis, so only that removal can be cut short here.
    await bounded(tail, 5000, undefined).catch(() => undefined);
  }
  return { computedNow };
}
