// Loss and accuracy along the trained curve and along the straight line, at the same values of t, on each split.
// BN models get their running statistics re-estimated from training batches at every point (--bn recompute's
// machinery), once per point and shared by the splits. Each finished point is appended to the run (resumable).
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { evaluateWeights } from '../evaluate/point.js';
import { recomputeRunningStats } from '../landscape/recompute.js';
import { toTensors, type ParamVector } from '../params.js';
import type { RunDir } from '../runs/run-dir.js';
import { barrierOf, type Barrier } from './barrier.js';

export const PATHS = ['curve', 'line'] as const;
export type PathName = (typeof PATHS)[number];

/** One path on one split: a record the report draws as a curve (t as `lambdas`), its barrier beside it. */
export interface PathRecord {
  /** e.g. 'bezier · train', 'line · test'. */
  label: string;
  split: string;
  path: PathName;
  /** The values of t. */
  lambdas: number[];
  loss: number[];
  accuracy: number[];
  lossStderr: number[];
  barrier: Barrier;
}

/** The record of (split, path); throws when the result has none. */
export function pathOf(records: readonly PathRecord[], split: string, path: PathName): PathRecord {
  const r = records.find((x) => x.split === split && x.path === path);
  if (!r) throw new Error(`no ${path} on the ${split} split among the results`);
  return r;
}

export interface SplitBatches {
  name: string;
  batches: readonly LabeledBatch[];
}

export interface PathEvalJob {
  model: Model;
  ts: readonly number[];
  /** Label of the curve in the records ('bezier', 'polychain'). */
  curveLabel: string;
  /** The point of a path at t. */
  pointAt: (path: PathName, t: number) => ParamVector;
  splits: readonly SplitBatches[];
  /** BN models: training batches the statistics are re-estimated from at every point. */
  recomputeBatches?: readonly LabeledBatch[];
  threads?: number;
  run: RunDir;
  /** Called with the re-estimated statistics of each curve point (BN models), so that they can be stored. */
  onStats?: (t: number, stats: ReadonlyMap<string, Tensor>) => void;
  onPoint?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Index of (split s, path p, t index i) in the run's points.jsonl. */
export function pointIndex(s: number, p: number, i: number, nt: number): number {
  return (s * PATHS.length + p) * nt + i;
}

export async function evaluatePaths(job: PathEvalJob): Promise<PathRecord[]> {
  const nt = job.ts.length, total = job.splits.length * PATHS.length * nt;
  const hasBn = job.model.buffers.length > 0;
  if (hasBn && !job.recomputeBatches?.length) throw new Error('a BN model needs training batches to re-estimate its statistics along the paths');
  let done = job.run.finished.size;
  for (let p = 0; p < PATHS.length; p++) {
    for (let i = 0; i < nt; i++) {
      if (job.signal?.aborted) throw new Error('interrupted');
      const missing = job.splits.map((_, s) => pointIndex(s, p, i, nt)).filter((k) => !job.run.finished.has(k));
      if (missing.length === 0) continue;
      const point = job.pointAt(PATHS[p]!, job.ts[i]!);
      const weights: Map<string, Tensor> = toTensors(point);
      if (hasBn) {
        const stats = await recomputeRunningStats(job.model, point, job.recomputeBatches!, job.threads ?? 0);
        for (const [k, t] of stats) weights.set(k, t);
        if (PATHS[p] === 'curve') job.onStats?.(job.ts[i]!, stats);
      }
      for (let s = 0; s < job.splits.length; s++) {
        const index = pointIndex(s, p, i, nt);
        if (job.run.finished.has(index)) continue;
        const r = await evaluateWeights(job.model, weights, job.splits[s]!.batches, { threads: job.threads ?? 0 });
        await job.run.append({ index, loss: r.loss, accuracy: r.accuracy, lossStderr: r.lossStderr });
        job.onPoint?.(++done, total);
      }
    }
  }
  return job.splits.flatMap((split, s) => PATHS.map((path, p) => {
    const field = (f: string) => job.ts.map((_, i) => job.run.finished.get(pointIndex(s, p, i, nt))![f] as number);
    const loss = field('loss');
    return {
      label: `${path === 'curve' ? job.curveLabel : 'line'} · ${split.name}`, split: split.name, path, lambdas: [...job.ts],
      loss, accuracy: field('accuracy'), lossStderr: field('lossStderr'), barrier: barrierOf(job.ts, loss),
    };
  }));
}
