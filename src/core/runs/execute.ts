// Evaluates the points of a run that are not finished yet, appending each as soon as it is done.
import type { PointRecord, RunDir } from './run-dir.js';

export interface Progress {
  done: number;
  total: number;
  /** Points computed in this process (excludes those resumed from disk). */
  computedNow: number;
  elapsedMs: number;
  etaMs: number | undefined;
  /** Points being evaluated at once (when the runner knows). */
  lanes?: number;
}

/** Computes one point; must be deterministic in its index (whichever evaluator computes it). */
export type PointEvaluate = (index: number) => Promise<Omit<PointRecord, 'index'>>;

export interface ExecuteOptions {
  total: number;
  /** Only these indices (--refine's levels); default every index below total. */
  indices?: readonly number[];
  /** The in-process evaluator; it computes the first two pending points alone. */
  evaluate: PointEvaluate;
  /**
   * More evaluators to run beside it (worker threads), asked for once the second point is done: given how long that
   * point took and how many are left, returns the evaluators worth starting (none when they would not pay) and how to
   * stop them.
   */
  helpers?: (pointSeconds: number, left: number) => Promise<{ evaluators: PointEvaluate[]; close: () => Promise<void> }>;
  onProgress?: (p: Progress) => void;
  /** Stops scheduling new points (the ones in flight finish and are kept). */
  signal?: AbortSignal;
}

export async function executePoints(run: RunDir, opts: ExecuteOptions): Promise<Map<number, PointRecord>> {
  const pending: number[] = [];
  for (const i of opts.indices ?? Array.from({ length: opts.total }, (_, k) => k)) if (!run.finished.has(i)) pending.push(i);
  const start = Date.now();
  let computedNow = 0;
  let lanes = 1;
  let failed = false;
  const report = (): void => {
    const elapsedMs = Date.now() - start;
    const left = opts.total - run.finished.size;
    opts.onProgress?.({
      done: run.finished.size, total: opts.total, computedNow, elapsedMs, lanes,
      etaMs: computedNow > 0 ? (elapsedMs / computedNow) * left : undefined,
    });
  };
  report();
  let next = 0;
  const lane = async (evaluate: PointEvaluate, limit = Infinity): Promise<void> => {
    try {
      for (let n = 0; n < limit && next < pending.length && !opts.signal?.aborted && !failed; n++) {
        const index = pending[next++]!;
        const values = await evaluate(index);
        await run.append({ index, ...values });
        computedNow++;
        report();
      }
    } catch (e) {
      failed = true; // the other lanes finish the point they hold and stop
      throw e;
    }
  };
  if (pending.length === 0) return run.finished;
  // The first two points alone: the second's time (the first also pays the engine's warm-up) says whether helpers
  // would pay for their start-up.
  await lane(opts.evaluate, 1);
  const t0 = performance.now();
  await lane(opts.evaluate, 1);
  const left = pending.length - next;
  const helpers = opts.helpers && left > 1 && !opts.signal?.aborted && !failed ? await opts.helpers((performance.now() - t0) / 1000, left) : undefined;
  try {
    lanes = 1 + (helpers?.evaluators.length ?? 0);
    const settled = await Promise.allSettled([lane(opts.evaluate), ...(helpers?.evaluators ?? []).map((e) => lane(e))]);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    await helpers?.close();
  }
  return run.finished;
}
