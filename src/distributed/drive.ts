// The coordinator's loop: keeps one queued job for every chunk with unfinished points, writes finished points into
// the run directory exactly once (one writer, duplicates ignored), reports progress, and rides out Redis restarts.
// Completed jobs stay in Redis until their points are on disk, so neither a coordinator restart nor a Redis restart
// (AOF on) loses a finished point; a chunk whose job vanished is simply queued again.
import type { Job } from 'bullmq';
import type { Progress } from '../core/runs/execute.js';
import type { RunDir } from '../core/runs/run-dir.js';
import { JOB_OPTIONS, QueueDriver, type QueueDriverOptions } from './drive-common.js';
import { chunkPoints, JOB_NAME, jobId, pendingChunks, type ChunkJobData } from './protocol.js';

export class ChunkFailedError extends Error {
  override name = 'ChunkFailedError';
}

export interface DriveOptions extends QueueDriverOptions {
  run: RunDir;
  onProgress?: (p: Progress) => void;
}

/** Returns when every point of the run is in the run directory; throws when a chunk failed on all attempts. */
export async function driveRun(o: DriveOptions): Promise<{ computedNow: number }> {
  return new RunDriver(o).run();
}

/** The coordinator's state for one run: the point writer and the chunks' jobs. */
class RunDriver extends QueueDriver<DriveOptions> {
  private readonly start = Date.now();
  private computedNow = 0;
  private first = true;
  /** Set when run() has ended: a step cut off by its time bound must not write into a directory no longer held. */
  private stopped = false;

  async run(): Promise<{ computedNow: number }> {
    const { run, record } = this.o;
    const prefix = `${record.runKey}-`;
    this.report();
    try {
      await this.loop((id) => id.startsWith(prefix), () => run.finished.size >= record.total);
    } finally {
      this.stopped = true;
    }
    return { computedNow: this.computedNow };
  }

  protected fatal(e: unknown): unknown {
    return e instanceof ChunkFailedError ? e : undefined;
  }

  protected kept(): string {
    return `the ${this.o.run.finished.size} finished points`;
  }

  /** A full reconciliation every pollMs (and first); in between, only the jobs that events announced. */
  protected async step(): Promise<void> {
    if (this.fullDue()) {
      this.woken.clear();
      await this.reconcile(this.first);
      this.first = false;
      this.lastFull = Date.now();
      return;
    }
    for (const id of this.takeWoken()) {
      // The state before the job: a job read first and completed in between would look completed without its points.
      const { state, job } = await this.look(id);
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
      const { state, job } = await this.look(jobId(runKey, c));
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
    return this.write(async () => {
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
  }

  private report(): void {
    const { run, record } = this.o;
    const elapsedMs = Date.now() - this.start;
    const left = record.total - run.finished.size;
    const c = this.computedNow;
    this.o.onProgress?.({ done: run.finished.size, total: record.total, computedNow: c, elapsedMs, etaMs: c > 0 ? (elapsedMs / c) * left : undefined });
  }
}
