// Wall-clock timing of a repeated async step: a few warm-up calls (ORT allocates and pre-packs on the first runs),
// then timed calls until both a minimum count and a minimum duration are reached. The median resists the noise of
// other processes better than the mean.
import { median } from '../core/linalg/vector.js';

export { median };

export interface TimingOptions {
  warmup: number;
  minIters: number;
  minSeconds: number;
  /** Stop after this many timed calls even if minSeconds is not reached. */
  maxIters?: number;
}

export interface Timing {
  /** Seconds per call, in call order. */
  samples: number[];
  median: number;
  min: number;
}

export async function timeIt(step: () => Promise<unknown>, opts: TimingOptions): Promise<Timing> {
  for (let i = 0; i < opts.warmup; i++) await step();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < opts.minIters || ((performance.now() - start) / 1000 < opts.minSeconds && samples.length < (opts.maxIters ?? Infinity))) {
    const t0 = performance.now();
    await step();
    samples.push((performance.now() - t0) / 1000);
  }
  return { samples, median: median(samples), min: Math.min(...samples) };
}

