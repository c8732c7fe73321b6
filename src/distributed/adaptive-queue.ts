// --tolerance on the queue: the coordinator (the --queue process, or `terrain collect` after it) runs runAdaptive's
// passes itself and sends each pass's block tasks to the workers; it alone writes samples.jsonl and points.jsonl,
// so the files and the result are those of the in-process run (blocks in the order they come back).
import { runAdaptive, type AdaptiveOutcome } from '../core/landscape/adaptive-run.js';
import type { AdaptiveOptions } from '../core/landscape/adaptive.js';
import type { BlockTask, PointJob } from '../core/landscape/job.js';
import type { Progress } from '../core/runs/execute.js';
import type { RunDir } from '../core/runs/run-dir.js';
import type { BlockShape } from './blocks.js';
import type { Connections } from './connect.js';
import { BlockDriver } from './drive-blocks.js';
import type { QueueRecord } from './protocol.js';

export type AdaptiveJob = PointJob & { adaptive: AdaptiveOptions; batchSize: number };

export interface AdaptiveQueueOptions {
  /** Absent when every point is already in the run directory (nothing left to queue). */
  conn?: Connections;
  record: QueueRecord;
  /** Run directory as workers find it (absolute). */
  dir: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  pollMs?: number;
  redisWaitMs?: number;
  log?: (line: string) => void;
}

/**
 * What a task's answer must hold, as the local evaluator would return it: the permutation's batches `from`… (each
 * batchSize samples, the last the remainder) or the split's own batches, and per-sample losses where the run keeps
 * them (curve blocks on the permutation; blockEvaluator in core/landscape/job.ts).
 */
export function blockShape(job: Pick<PointJob, 'kind' | 'batches' | 'keepLosses' | 'loss'>, batchSize: number): (task: BlockTask) => BlockShape {
  const population = job.batches.reduce((n, b) => n + b.size, 0);
  const losses = (job.kind === 'curve' || !!job.keepLosses) && !job.loss;
  return (task) => ('full' in task
    ? { sizes: job.batches.map((b) => b.size), losses: false }
    : { sizes: Array.from({ length: task.count }, (_, k) => Math.min(batchSize, population - (task.from + k) * batchSize)), losses });
}

export async function runAdaptiveOnQueue(job: AdaptiveJob, run: RunDir, total: number, o: AdaptiveQueueOptions): Promise<AdaptiveOutcome> {
  const { conn, signal } = o;
  const driver = conn && new BlockDriver({
    queue: conn.queue, events: conn.events, record: o.record, dir: o.dir, shape: blockShape(job, job.batchSize),
    signal, pollMs: o.pollMs, redisWaitMs: o.redisWaitMs, log: o.log,
  });
  const outcome = await runAdaptive({
    job, run, total, signal, onProgress: o.onProgress,
    remote: (tasks, apply) => {
      // conn is absent only when every point is written, and then runAdaptive queues nothing.
      if (!driver) throw new Error(`${o.dir}: internal error: blocks to queue without a Redis connection`);
      return driver.runPass(tasks, apply);
    },
  });
  if (signal?.aborted && run.finished.size < total) throw new Error('interrupted');
  return outcome;
}
