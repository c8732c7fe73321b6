// Standard errors from per-sample values, for a point evaluated on n samples drawn without replacement from a
// population (the selected split) of N: s²/n · (1 − n/N), so a point on the whole split has error exactly 0.
import { combineBatches, type BatchStats } from './metrics.js';

/** A point's statistics from per-sample losses and hits (float64 sums over the samples it has seen). */
export interface SampleStats {
  /** Mean loss, Σ batch loss sums ÷ n: the same float64 operations as combineBatches. */
  loss: number;
  accuracy: number;
  /** The per-batch standard error of combineBatches (the lossStderr field of result files, unchanged). */
  lossStderr: number;
  /** Samples evaluated. */
  samples: number;
  /** Standard error of the mean loss from per-sample losses, finite-population corrected. */
  lossSampleStderr: number;
  /** Standard error of the accuracy (per-sample 0/1 hits), finite-population corrected. */
  accuracyStderr: number;
}

/**
 * Standard error of a mean of n values drawn without replacement from N, from the float64 sum and sum of squares.
 * n = N gives 0 (nothing left to sample); n = 1 < N gives ∞ (no spread can be estimated from one value).
 */
export function finiteStderr(sum: number, sumSq: number, n: number, population: number): number {
  if (!(n >= 1)) throw new Error(`a standard error needs at least one sample, got ${n}`);
  if (n > population) throw new Error(`${n} samples drawn from a population of ${population}`);
  if (n === population) return 0;
  if (n === 1) return Infinity;
  // Sum-of-squares form, clamped: rounding can leave a tiny negative variance when all values are equal.
  const variance = Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
  return Math.sqrt((variance / n) * (1 - n / population));
}

/**
 * Batch statistics from a loss graph's per-sample outputs (sample_loss [N], sample_correct [N]), summed in float64
 * in sample order like crossEntropyStats, so either source gives a point the same kind of sums.
 */
export function batchStatsFromSamples(sampleLoss: ArrayLike<number>, sampleCorrect: ArrayLike<number>): BatchStats {
  if (sampleLoss.length !== sampleCorrect.length) throw new Error(`sample_loss holds ${sampleLoss.length} values but sample_correct ${sampleCorrect.length}`);
  let lossSum = 0, lossSqSum = 0, correct = 0;
  for (let s = 0; s < sampleLoss.length; s++) {
    const l = sampleLoss[s]!;
    lossSum += l;
    lossSqSum += l * l;
    correct += sampleCorrect[s]!;
  }
  return { lossSum, lossSqSum, correct, size: sampleLoss.length };
}

/** Combines the batches of one point (in evaluation order) into its mean values and both kinds of error. */
export function sampleStats(batches: readonly BatchStats[], population: number): SampleStats {
  const p = combineBatches(batches);
  let sum = 0, sumSq = 0, correct = 0;
  for (const b of batches) {
    if (b.lossSqSum === undefined) throw new Error('batch statistics without the sum of squared losses');
    sum += b.lossSum;
    sumSq += b.lossSqSum;
    correct += b.correct;
  }
  const n = p.samples;
  return {
    loss: p.loss, accuracy: p.accuracy, lossStderr: p.lossStderr, samples: n,
    lossSampleStderr: finiteStderr(sum, sumSq, n, population),
    // A hit is 0 or 1, so its sum of squares is the number of hits.
    accuracyStderr: finiteStderr(correct, correct, n, population),
  };
}
