// The coordinator's loop: keeps one queued job for every chunk with unfinished points, writes finished points into
// the run directory exactly once (one writer, duplicates ignored), reports progress, and rides out Redis restarts.
// Completed jobs stay in Redis until their points are on disk, so neither a coordinator restart nor a Redis restart
// (AOF on) loses a finished point; a chunk whose job vanished is simply queued again.
import type { Job, JobsOptions, Queue, QueueEvents } from 'bullmq';
import type { Progress } from '../core/runs/execute.js';
import type { RunDir } from '../core/runs/run-dir.js';
import { QueueError } from './errors.js';
import { DEFAULT_REDIS_WAIT_MS } from './queue-url.js';
import { chunkPoints, JOB_NAME, jobId, pendingChunks, type ChunkJobData, type QueueRecord } from './protocol.js';

const WEEK_S = 7 * 24 * 3600;


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

export class Interrupted extends Error {}
export class NoAnswer extends Error {}

/** `work`, unless the signal aborts or it takes longer than `ms`: ioredis queues commands while Redis is down. */
export function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => done(() => reject(new Interrupted('interrupted')));
    const timer = setTimeout(() => done(() => reject(new NoAnswer(`no answer within ${Math.round(ms / 1000)} s`))), ms);
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
  return new RunDriver(o).run();
}

/** The coordinator's state for one run: the point writer, the wake-ups from queue events, and Redis's health. */
class RunDriver {
  private readonly log: (line: string) => void;
  private readonly pollMs: number;
  private readonly redisWaitMs: number;
  private readonly start = Date.now();
  private computedNow = 0;
  /** One writer: points reach points.jsonl in a single sequence, so no index is ever appended twice. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Job ids whose completion or failure was announced since the last look. */
  private readonly woken = new Set<string>();
  private wake: (() => void) | undefined;
  private first = true;
  private lastFull = 0;
  private down: string | undefined;
  private downSince: number | undefined;
  /** Set when run() has ended: a step cut off by its time bound must not write into a directory no longer held. */
  private stopped = false;

  constructor(private readonly o: DriveOptions) {
    this.log = o.log ?? (() => undefined);
    this.pollMs = o.pollMs ?? 2000;
    this.redisWaitMs = o.redisWaitMs ?? DEFAULT_REDIS_WAIT_MS;
  }

  async run(): Promise<{ computedNow: number }> {
    const { events, signal, run, record } = this.o;
    const prefix = `${record.runKey}-`;
    const onEvent = ({ jobId: id }: { jobId: string }): void => {
      if (!id.startsWith(prefix)) return;
      this.woken.add(id);
      this.wake?.();
    };
    const onAbort = (): void => this.wake?.();
    events.on('completed', onEvent);
    events.on('failed', onEvent);
    signal?.addEventListener('abort', onAbort);
    this.report();
    try {
      while (run.finished.size < record.total) {
        if (signal?.aborted) throw new Error('interrupted');
        await this.stepOrWaitForRedis();
        if (run.finished.size >= record.total) break;
        await this.untilWoken();
      }
    } finally {
      events.off('completed', onEvent);
      events.off('failed', onEvent);
      signal?.removeEventListener('abort', onAbort);
      // Points are appended before a collected job is removed from Redis, so only that removal can be cut short here.
      await bounded(this.tail, 5000, undefined).catch(() => undefined);
      this.stopped = true;
    }
    return { computedNow: this.computedNow };
  }

  /** One step, bounded in time; Redis failures are waited out up to redisWaitMs, then the run stops (points kept). */
  private async stepOrWaitForRedis(): Promise<void> {
    const { signal, record, run, dir } = this.o;
    try {
      await bounded(this.step(), this.redisWaitMs, signal);
      if (this.down) this.log(`Redis is reachable again at ${record.url}`);
      this.down = undefined;
      this.downSince = undefined;
    } catch (e) {
      if (e instanceof ChunkFailedError) throw e;
      if (e instanceof Interrupted || signal?.aborted) throw new Error('interrupted');
      if (this.down === undefined) this.log(`waiting for Redis at ${record.url}: ${(e as Error).message}`);
      this.down = (e as Error).message;
      this.downSince ??= Date.now();
      if (Date.now() - this.downSince >= this.redisWaitMs || e instanceof NoAnswer) {
        throw new QueueError(`Redis at ${record.url} has not answered for ${Math.round(this.redisWaitMs / 1000)} s (${this.down}); the ${run.finished.size} finished points are kept in ${dir}; when Redis is back, finish the run with: terrain collect ${dir}`);
      }
    }
  }

  /** A full reconciliation every pollMs (and first); in between, only the jobs that events announced. */
  private async step(): Promise<void> {
    if (this.first || Date.now() - this.lastFull >= this.pollMs) {
      this.woken.clear();
      await this.reconcile(this.first);
      this.first = false;
      this.lastFull = Date.now();
      return;
    }
    const ids = [...this.woken];
    this.woken.clear();
    for (const id of ids) {
      // The state before the job: a job read first and completed in between would look completed without its points.
      const state = await this.o.queue.getJobState(id);
      const job = state === 'completed' || state === 'failed' ? await this.o.queue.getJob(id) : undefined;
      if (!job) continue;
      if (state === 'completed') await this.collect(job);
      else if (state === 'failed') this.lastFull = 0; // let the full pass decide
    }
  }

  /** Every pending chunk: collect it if done, queue it if missing; a final failure is fatal except on the first pass. */
  private async reconcile(first: boolean): Promise<void> {
    const { total, chunk, runKey } = this.o.record;
    const pending = pendingChunks(total, chunk, this.o.run.finished);
    await Promise.all([...pending].map(async ([c, indices]) => {
      const state = await this.o.queue.getJobState(jobId(runKey, c));
      const job = state === 'completed' || state === 'failed' ? await this.o.queue.getJob(jobId(runKey, c)) : undefined;
      if (state === 'completed') return job ? this.collect(job) : undefined; // removed in between: the next pass sees it missing
      if (state === 'failed') {
        // A restarted coordinator gives failed chunks a fresh set of attempts (the cause may have been fixed).
        if (!first) throw new ChunkFailedError(`chunk ${c} (points ${indices[0]}…${indices[indices.length - 1]}) failed on every attempt: ${job?.failedReason}`);
        await job?.remove();
      }
      if (state === 'unknown' || state === 'failed') await this.submit(c, indices);
    }));
  }

  private submit(c: number, indices: number[]): Promise<unknown> {
    const { record, dir } = this.o;
    return this.o.queue.add(JOB_NAME, { manifest: record.manifest, dir, runKey: record.runKey, chunk: c, indices } satisfies ChunkJobData, { ...JOB_OPTIONS, jobId: jobId(record.runKey, c) });
  }

  /** Writes a completed job's points (through the one writer), then removes the job from Redis. */
  private collect(job: Job): Promise<void> {
    const r = this.tail.then(async () => {
      const data = job.data as ChunkJobData;
      const { points, dropped } = chunkPoints(job.returnvalue, data.indices);
      if (dropped > 0) this.log(`job ${job.id}: ${dropped} returned record(s) outside the chunk or malformed, ignored`);
      for (const p of points) {
        if (this.stopped) return;
        if (this.o.run.finished.has(p.index)) continue;
        await this.o.run.append(p);
        this.computedNow++;
      }
      this.report();
      // After the points are on disk; a failure here only leaves a completed job that the next pass collects again.
      await job.remove().catch(() => undefined);
    });
    this.tail = r.catch(() => undefined);
    return r;
  }

  /** Sleeps until the next full pass is due, an announced job, or the abort signal. */
  private untilWoken(): Promise<void> {
    const waitMs = this.lastFull === 0 ? 250 : Math.max(10, this.pollMs - (Date.now() - this.lastFull));
    return new Promise<void>((resolve) => {
      const done = (): void => { this.wake = undefined; resolve(); };
      const t = setTimeout(done, waitMs);
      this.wake = () => { clearTimeout(t); done(); };
      if (this.woken.size > 0 || this.o.signal?.aborted) this.wake();
    });
  }

  private report(): void {
    const { run, record } = this.o;
    const elapsedMs = Date.now() - this.start;
    const left = record.total - run.finished.size;
    const c = this.computedNow;
    this.o.onProgress?.({ done: run.finished.size, total: record.total, computedNow: c, elapsedMs, etaMs: c > 0 ? (elapsedMs / c) * left : undefined });
  }
}
