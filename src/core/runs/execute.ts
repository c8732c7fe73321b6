// Evaluates the points of a run that are not finished yet, appending each as soon as it is done.
import type { PointRecord, RunDir } from './run-dir.js';

export interface Progress {
  done: number;
  total: number;
  /** Points computed in this process (excludes those resumed from disk). */
  computedNow: number;
  elapsedMs: number;
  etaMs: number | undefined;
}

export interface ExecuteOptions {
  total: number;
  /** Computes one point; must be deterministic in its index. */
  evaluate: (index: number) => Promise<Omit<PointRecord, 'index'>>;
  /** Points evaluated at once (each with its own session). */
  concurrency?: number;
  onProgress?: (p: Progress) => void;
  /** Stops scheduling new points (the ones in flight finish and are kept). */
  signal?: AbortSignal;
}

export async function executePoints(run: RunDir, opts: ExecuteOptions): Promise<Map<number, PointRecord>> {
  const pending: number[] = [];
  for (let i = 0; i < opts.total; i++) if (!run.finished.has(i)) pending.push(i);
  const start = Date.now();
  let computedNow = 0;
  const report = (): void => {
    const elapsedMs = Date.now() - start;
    const left = opts.total - run.finished.size;
    opts.onProgress?.({
      done: run.finished.size, total: opts.total, computedNow, elapsedMs,
      etaMs: computedNow > 0 ? (elapsedMs / computedNow) * left : undefined,
    });
  };
  report();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length && !opts.signal?.aborted) {
      const index = pending[next++]!;
      const values = await opts.evaluate(index);
      await run.append({ index, ...values });
      computedNow++;
      report();
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 1, pending.length));
  await Promise.all(Array.from({ length: n }, worker));
  return run.finished;
}
