// Evaluation of one point θ: a fresh ORT session with the point's weights as initializers, the same batches every time.
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { INPUT, LOGITS } from '../../ir/model.js';
import { SAMPLE_CORRECT, SAMPLE_LOSS } from '../../ir/loss.js';
import type { LossChoice } from '../loss/choice.js';
import { lossFeeds, lossModel } from '../loss/evaluate.js';
import { batchStatsFromSamples } from './sample-stats.js';
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
  /**
   * A --loss other than cross-entropy: the runner's model carries that loss graph (lossModel), fed labels or targets,
   * and the statistics come from its sample_loss/sample_correct outputs. Absent: cross-entropy from the logits.
   */
  loss?: LossChoice;
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
  const loss = opts.loss;
  const point = await (opts.runner ?? pointRunner(loss ? lossModel(model, loss) : model, 'per-point', opts.threads ?? 0)).at(weights);
  try {
    const stats: BatchStats[] = [];
    for (const b of batches) {
      if (loss) {
        const out = await point.run({ [INPUT]: b.x, ...lossFeeds(b, loss) }, [SAMPLE_LOSS, SAMPLE_CORRECT]);
        stats.push(batchStatsFromSamples(out[SAMPLE_LOSS]!.data as Float32Array, out[SAMPLE_CORRECT]!.data as Float32Array));
        continue;
      }
      const out = await point.run({ [INPUT]: b.x }, [LOGITS]);
      stats.push(crossEntropyStats(out[LOGITS]!, b.y));
    }
    return stats;
  } finally {
    await point.release();
  }
}
