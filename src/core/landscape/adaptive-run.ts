// A --tolerance run in passes: pass 1 evaluates every point on the first block of the shared permutation (a whole
// picture early), each later pass extends only the points whose error misses the target. A point is appended to
// points.jsonl once it is done; its blocks go to samples.jsonl as they finish, so kill -9 loses at most the blocks
// in flight and a resume continues with bit-identical sums. Values do not depend on threads or on the order blocks
// finish in: a point's sums are its blocks in permutation order, and the next block depends only on those sums.
import type { Progress } from '../runs/execute.js';
import type { RunDir, PointRecord } from '../runs/run-dir.js';
import { sampleStats } from '../evaluate/sample-stats.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { nextSampleCount, permutedBatches, targetOf, formatTolerance, type AdaptiveOptions } from './adaptive.js';
import { blockEvaluator, type BlockTask, type PointJob } from './job.js';
import type { PointRunner } from '../evaluate/sessions.js';
import type { BlockEvaluate } from './point-pool.js';
import type { SampleBatchStats } from './sample-losses.js';
import { appendBlock, appendBlocks, applyBlock, prefixLosses, readBlocks, SAMPLES_FILE, type BlockRecord, type PointSums } from './sample-log.js';
import { worded } from '../../ir/errors.js';
import { OUT_OPTION, RunMismatchError } from '../runs/run-dir-errors.js';
import { lossCovariance, type PairedPoint } from '../classify/paired.js';

export interface AdaptiveSummary {
  tolerance: string;
  /** The standard error every point was held to (loss units). */
  target: number;
  minSamples: number;
  /** Seed of the permutation of the selected split shared by every point. */
  seed: number;
  /** Samples in the selected split. */
  population: number;
  passes: number;
  /** Sample evaluations spent, and what evaluating every point on the whole split costs. */
  sampleEvaluations: number;
  exhaustiveEvaluations: number;
}

/** A block task and its per-batch statistics, as an evaluator returns them. */
export interface BlockAnswer {
  task: BlockTask;
  batches: SampleBatchStats[];
}

export interface AdaptiveRunOptions {
  job: PointJob & { adaptive: AdaptiveOptions; batchSize: number };
  run: RunDir;
  total: number;
  /** Worker evaluators worth starting, given one block's seconds, the blocks left in this pass and the permuted batches. */
  /** The main thread's session runner (default: one of the job's mode, never disposed). */
  runner?: PointRunner;
  helpers?: (blockSeconds: number, left: number, sampleBatches: readonly LabeledBatch[]) => Promise<{ blockEvaluators: BlockEvaluate[]; close: () => Promise<void> }>;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Only these grid points (--refine's levels; default all). */
  indices?: readonly number[];
  /** The target standard error decided by an earlier call of the same run (--refine's later levels). */
  target?: number;
  /**
   * Evaluates each pass's block tasks elsewhere (the queue's workers, src/distributed) instead of on local threads:
   * it hands the answers to `apply`, as many at a time as have come (one write and one flush for all), which writes
   * them into the run (a block that does not continue its point is dropped), and returns when the pass is written.
   */
  remote?: (tasks: readonly BlockTask[], apply: (answers: readonly BlockAnswer[]) => Promise<void>) => Promise<void>;
}

function blockRecord(task: BlockTask, batches: SampleBatchStats[]): BlockRecord {
  return 'full' in task ? { index: task.index, full: true, batches } : { index: task.index, from: task.from, batches };
}

/** The point record of a --tolerance run: today's three fields plus the per-sample statistics. */
export function adaptiveRecord(sums: PointSums, population: number): Omit<PointRecord, 'index'> {
  const s = sampleStats(sums.batches, population);
  return { loss: s.loss, accuracy: s.accuracy, lossStderr: s.lossStderr, samples: s.samples, lossSampleStderr: s.lossSampleStderr, accuracyStderr: s.accuracyStderr };
}

function variance(sums: PointSums): number {
  let sum = 0, sq = 0, n = 0;
  for (const b of sums.batches) { sum += b.lossSum; sq += b.lossSqSum!; n += b.size; }
  return n > 1 ? Math.max(0, (sq - (sum * sum) / n) / (n - 1)) : Infinity;
}

/** What a --tolerance run gives back: its summary and, for a finished curve, the covariance of its points' losses. */
export interface AdaptiveOutcome {
  summary: AdaptiveSummary;
  /** Covariance of the points' mean losses from their shared samples (classify/paired.ts), for paired errors. */
  covariance?: number[][];
  /** A measured point's per-sample view (for paired errors between any two points) and its own standard error. */
  paired: (index: number) => { point: PairedPoint; stderr: number };
}

/**
 * The covariance of a curve's point losses from their sums: undefined when a point is missing or kept no per-sample
 * losses (a log written before they were kept), so its type falls back to independent errors.
 */
export function curveCovariance(sums: ReadonlyMap<number, PointSums>, total: number, population: number): number[][] | undefined {
  const points: PairedPoint[] = [];
  const stderr: number[] = [];
  for (let i = 0; i < total; i++) {
    const s = sums.get(i);
    if (!s) return undefined;
    const stats = sampleStats(s.batches, population);
    const losses = prefixLosses(s);
    if (!losses && stats.samples < population) return undefined;
    if (!Number.isFinite(stats.loss)) return undefined;
    points.push({ samples: stats.samples, variance: variance(s), losses });
    stderr.push(stats.lossSampleStderr);
  }
  return lossCovariance(points, stderr, population);
}

export async function runAdaptive(o: AdaptiveRunOptions): Promise<AdaptiveOutcome> {
  const { job, run, total } = o;
  const opts = job.adaptive;
  const sampleBatches = permutedBatches(job.batches, job.batchSize, opts.seed);
  const population = sampleBatches.reduce((n, b) => n + b.size, 0);
  const pjob: PointJob = { ...job, sampleBatches };
  // Built on first use: a coordinator whose blocks run on the queue never evaluates here.
  let localEvaluate: BlockEvaluate | undefined;
  const local: BlockEvaluate = (task) => (localEvaluate ??= blockEvaluator(pjob, o.runner))(task);
  const logPath = run.path(SAMPLES_FILE);
  const sums = new Map<number, PointSums>();
  for (const r of await readBlocks(logPath)) applyBlock(sums, r);
  for (const i of run.finished.keys()) if (!sums.has(i)) throw new RunMismatchError(worded`${logPath}: point ${i} is in points.jsonl but has no blocks; remove the run directory or use another ${OUT_OPTION}`);

  const indices = o.indices ?? Array.from({ length: total }, (_, i) => i);
  const firstBatches = Math.max(1, Math.ceil(opts.minSamples / job.batchSize));
  const start = Date.now();
  let computedNow = 0, lanes = 1;
  const report = (): void => o.onProgress?.({ done: run.finished.size, total, computedNow, elapsedMs: Date.now() - start, etaMs: undefined, lanes });
  let helpers: Awaited<ReturnType<NonNullable<AdaptiveRunOptions['helpers']>>> | undefined;
  let askedHelpers = false;

  const record = async (task: BlockTask, batches: SampleBatchStats[]): Promise<void> => {
    const rec = blockRecord(task, batches);
    await appendBlock(logPath, rec);
    applyBlock(sums, rec);
    computedNow++;
    report();
  };
  const runPass = async (tasks: BlockTask[]): Promise<void> => {
    if (o.remote) {
      return o.remote(tasks, async (answers) => {
        const recs: BlockRecord[] = [];
        for (const { task, batches } of answers) {
          const rec = blockRecord(task, batches);
          if (applyBlock(sums, rec)) recs.push(rec); // else a late duplicate: never written
        }
        if (recs.length === 0) return;
        await appendBlocks(logPath, recs);
        computedNow += recs.length;
        report();
      });
    }
    let next = 0, failed = false;
    const lane = async (evaluate: BlockEvaluate, limit = Infinity): Promise<void> => {
      try {
        for (let n = 0; n < limit && next < tasks.length && !o.signal?.aborted && !failed; n++) {
          const task = tasks[next++]!;
          await record(task, await evaluate(task));
        }
      } catch (e) {
        failed = true;
        throw e;
      }
    };
    if (!askedHelpers && o.helpers) {
      // As for whole points: the second block's time (the first pays the engine's warm-up) says whether workers pay.
      await lane(local, 1);
      const t0 = performance.now();
      await lane(local, 1);
      const left = tasks.length - next;
      if (left > 1 && !o.signal?.aborted) {
        askedHelpers = true;
        helpers = await o.helpers((performance.now() - t0) / 1000, left, sampleBatches);
        lanes = 1 + helpers.blockEvaluators.length;
      }
    }
    const settled = await Promise.allSettled([lane(local), ...(helpers?.blockEvaluators ?? []).map((e) => lane(e))]);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
  };

  const firstTask = (index: number): BlockTask => (firstBatches >= sampleBatches.length ? { index, full: true } : { index, from: 0, count: firstBatches });
  let target = NaN;
  try {
    report();
    const unstarted = indices.filter((i) => !sums.has(i));
    if (unstarted.length > 0) await runPass(unstarted.map(firstTask));
    if (o.signal?.aborted) return { summary: summary(), paired };
    target = o.target ?? targetOf(opts.tolerance, indices.map((i) => sums.get(i)!.firstLoss));
    const limits = { target, minSamples: opts.minSamples, population, batchSize: job.batchSize };
    for (;;) {
      // Points that are done go to points.jsonl; the rest, fewest blocks first (an interrupted pass ends first).
      const open: { index: number; want: number }[] = [];
      for (const i of indices) {
        if (run.finished.has(i)) continue;
        const s = sums.get(i)!;
        const stats = sampleStats(s.batches, population);
        const want = nextSampleCount({ samples: stats.samples, loss: stats.loss, lossSampleStderr: stats.lossSampleStderr, variance: variance(s) }, limits);
        if (want === undefined) await run.append({ index: i, ...adaptiveRecord(s, population) });
        else open.push({ index: i, want });
      }
      report();
      if (open.length === 0 || o.signal?.aborted) break;
      const fewest = Math.min(...open.map((p) => sums.get(p.index)!.evaluations));
      const tasks = open.filter((p) => sums.get(p.index)!.evaluations === fewest).map(({ index, want }): BlockTask => {
        const have = sums.get(index)!.batches.length;
        return want >= population ? { index, full: true } : { index, from: have, count: Math.ceil(want / job.batchSize) - have };
      });
      await runPass(tasks);
    }
  } finally {
    await helpers?.close();
  }
  const covariance = job.kind === 'curve' && run.finished.size === total ? curveCovariance(sums, total, population) : undefined;
  return { summary: summary(), ...(covariance ? { covariance } : {}), paired };

  function paired(index: number): { point: PairedPoint; stderr: number } {
    const s = sums.get(index);
    if (!s) throw new Error(`point ${index} has no samples yet`);
    const stats = sampleStats(s.batches, population);
    return { point: { samples: stats.samples, variance: variance(s), losses: prefixLosses(s) }, stderr: stats.lossSampleStderr };
  }

  function summary(): AdaptiveSummary {
    let spent = 0, passes = 0;
    for (const s of sums.values()) { spent += s.cost; passes = Math.max(passes, s.evaluations); }
    return {
      tolerance: formatTolerance(opts.tolerance), target, minSamples: opts.minSamples, seed: opts.seed, population, passes,
      sampleEvaluations: spent, exhaustiveEvaluations: population * total,
    };
  }
}
