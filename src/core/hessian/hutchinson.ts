// Hutchinson's trace estimator (Hutchinson 1989): tr(A) = E[zᵀAz] for any z with E[zzᵀ] = I.
// Rademacher z (entries ±1) give the smallest variance, 2 Σ_{i≠j} a_ij², among such vectors.

import type { Rng } from '../rng.js';
import { rademacherVector } from '../linalg/random.js';
import { dot, meanAndStderr } from '../linalg/vector.js';
import { matvecAll, requireSelfAdjoint, type LinearOperator } from './operator.js';
import type { ProgressCallback } from './progress.js';

export interface HutchinsonOptions {
  /** Number of probe vectors = matvecs (at least 2, for a standard error). */
  samples: number;
  rng: Rng;
  progress?: ProgressCallback;
  /** Probes per matvecAll call (default 4): the same probes in the same order, fewer passes over the data. */
  block?: number;
}

export interface TraceEstimate {
  /** Estimated tr(A). */
  estimate: number;
  /** Standard error of the estimate: sample standard deviation of the probes / √samples. */
  stderr: number;
  /** Number of probe vectors used. */
  samples: number;
  /** Matrix–vector products spent. */
  matvecs: number;
}

export interface HutchinsonResult extends TraceEstimate {
  /** The individual zᵢᵀAzᵢ, for convergence plots and further statistics. */
  values: Float64Array;
}

export async function hutchinsonTrace(op: LinearOperator, options: HutchinsonOptions): Promise<HutchinsonResult> {
  requireSelfAdjoint(op, 'hutchinsonTrace');
  const { samples, rng } = options;
  if (!Number.isInteger(samples) || samples < 2) {
    throw new Error(`hutchinsonTrace: samples must be an integer ≥ 2 (for a standard error), got ${samples}`);
  }
  const values = new Float64Array(samples);
  const block = Math.max(1, options.block ?? 4);
  let running = 0;
  for (let i = 0; i < samples; i += block) {
    const zs = Array.from({ length: Math.min(block, samples - i) }, () => rademacherVector(rng, op.size));
    const products = await matvecAll(op, zs);
    for (let k = 0; k < zs.length; k++) {
      values[i + k] = dot(zs[k]!, products[k]!);
      running += values[i + k]!;
      options.progress?.({ iteration: i + k + 1, total: samples, estimate: running / (i + k + 1) });
    }
  }
  const { mean, stderr } = meanAndStderr(values);
  return { estimate: mean, stderr, samples, matvecs: samples, values };
}
