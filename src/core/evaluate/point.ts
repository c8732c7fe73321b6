// Evaluation of one point θ: a fresh ORT session with the point's weights as initializers, the same batches every time.
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { INPUT, LOGITS } from '../../ir/model.js';
import { pointRunner, type PointRunner } from './sessions.js';
import { combineBatches, crossEntropyStats, type BatchStats, type PointStats } from './metrics.js';

/** A batch converted once to engine tensors: x float32 [n, ...shape], y int64 [n]. */
export interface LabeledBatch {
  x: Tensor;
  y: Tensor;
  size: number;
}

export interface EvalOptions {
  /** ORT intra-op threads per session (0 = all cores). */
  threads?: number;
  /** How the weights reach ORT (./sessions.ts); default a fresh session with them as initializers. */
  runner?: PointRunner;
}

/** Loss, accuracy and loss standard error of `model` with the given initializers replaced. */
export async function evaluateWeights(
  model: Model,
  weights: ReadonlyMap<string, Tensor>,
  batches: readonly LabeledBatch[],
  opts: EvalOptions = {},
): Promise<PointStats> {
  return combineBatches(await evaluateBatches(model, weights, batches, opts));
}

/** Per-batch statistics (loss sum, sum of squared losses, hits) of `model` with the given initializers replaced. */
export async function evaluateBatches(
  model: Model,
  weights: ReadonlyMap<string, Tensor>,
  batches: readonly LabeledBatch[],
  opts: EvalOptions = {},
): Promise<BatchStats[]> {
  if (batches.length === 0) throw new Error('no data to evaluate: the selected split is empty');
  const point = await (opts.runner ?? pointRunner(model, 'per-point', opts.threads ?? 0)).at(weights);
  try {
    const stats: BatchStats[] = [];
    for (const b of batches) {
      const out = await point.run({ [INPUT]: b.x }, [LOGITS]);
      stats.push(crossEntropyStats(out[LOGITS]!, b.y));
    }
    return stats;
  } finally {
    await point.release();
  }
}
