// Progress of a job measured in Hessian-vector products whose total is only planned (Lanczos stops on convergence):
// the bar shows the planned fraction done, the ETA comes from the mean time per product so far.
import type { Output } from '../output.js';

export interface ProductProgress {
  /** One product done. */
  tick(): void;
  /** Replace the plan of the work still ahead (in products). */
  replan(remaining: number): void;
  stop(): void;
}

export function productProgress(out: Output, label: string, planned: number): ProductProgress {
  const bar = out.progress(label, 100);
  const t0 = Date.now();
  let done = 0, remaining = planned;
  const update = (): void => {
    const perProduct = (Date.now() - t0) / Math.max(done, 1);
    bar.update(Math.min(99, Math.floor((100 * done) / Math.max(done + remaining, 1))), done > 0 ? perProduct * remaining : undefined);
  };
  return {
    tick() { done++; remaining = Math.max(remaining - 1, 1); update(); },
    replan(r) { remaining = Math.max(r, 0); update(); },
    stop() { bar.update(100, 0); bar.stop(); },
  };
}
