// Loss and accuracy of a model at given weights under any --loss: the model's graph with the loss graph appended
// (ir/loss.ts), fed labels or float targets, summed in float64 from its per-sample outputs.
import { Session } from '../../engine/session.js';
import { CORRECT, IGNORE_INDEX, LABELS, LOSS, SAMPLE_CORRECT, SAMPLE_LOSS, TARGETS, withLoss } from '../../ir/loss.js';
import { INPUT, type Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { combineBatches, type BatchStats, type PointStats } from '../evaluate/metrics.js';
import { batchStatsFromSamples } from '../evaluate/sample-stats.js';
import { withInitializers } from '../../ir/graph.js';
import type { LossChoice } from './choice.js';

/** A batch as the data layer makes it: labels [n, …] and, for float-target data, targets. */
export interface LossBatch {
  x: Tensor;
  y: Tensor;
  targets?: Tensor;
  size: number;
}

/** The model with the chosen loss graph appended (same parameters and buffers): what a point runner evaluates. */
export function lossModel(model: Model, choice: LossChoice): Model {
  return { ...model, graph: withLoss(model.graph, choice.options) };
}

/** The loss graph's feeds besides the input: labels, targets (in `dtype`, the logits' float type) or nothing. */
export function lossFeeds(batch: Pick<LossBatch, 'y' | 'targets'>, choice: LossChoice, dtype: 'float32' | 'float64' = 'float32'): Record<string, Tensor> {
  if (choice.feeds === 'labels') return { [LABELS]: batch.y };
  if (choice.feeds === 'none') return {};
  const t = batch.targets;
  if (!t) throw new Error(`loss ${choice.name} needs float targets, and this batch has none`);
  return { [TARGETS]: dtype === 'float64' && t.dtype === 'float32' ? { dtype: 'float64', dims: [...t.dims], data: Float64Array.from(t.data as Float32Array) } : t };
}

/**
 * Mean loss (PyTorch's reduction='mean': over samples, over non-ignored tokens for token-cross-entropy), accuracy
 * (NaN where the loss has none, see LossChoice.noAccuracy) and the standard error of the batch means.
 */
export async function evaluateLoss(model: Model, weights: ReadonlyMap<string, Tensor>, batches: readonly LossBatch[], choice: LossChoice, opts: { threads?: number } = {}): Promise<PointStats> {
  if (batches.length === 0) throw new Error('no data to evaluate: the selected split is empty');
  const session = await Session.create(withLoss(withInitializers(model.graph, weights), choice.options), { threads: opts.threads ?? 0 });
  try {
    const stats: BatchStats[] = [];
    let samples = 0;
    for (const b of batches) {
      const out = await session.run({ [INPUT]: b.x, ...lossFeeds(b, choice) }, [LOSS, CORRECT, SAMPLE_LOSS, SAMPLE_CORRECT]);
      samples += b.size;
      if (choice.options.kind === 'token-ce') {
        // Weighted by the batch's non-ignored tokens, so the mean is over tokens as in PyTorch.
        let kept = 0;
        for (const v of b.y.data as BigInt64Array) if (v !== BigInt(IGNORE_INDEX)) kept++;
        const loss = Number(out[LOSS]!.data[0]), accuracy = Number(out[CORRECT]!.data[0]) / b.size;
        stats.push({ lossSum: kept === 0 ? 0 : loss * kept, correct: accuracy * kept, size: kept });
      } else {
        stats.push(batchStatsFromSamples(out[SAMPLE_LOSS]!.data as Float32Array, out[SAMPLE_CORRECT]!.data as Float32Array));
      }
    }
    const p = combineBatches(stats);
    return { ...p, accuracy: choice.noAccuracy ? NaN : p.accuracy, samples };
  } finally {
    await session.dispose();
  }
}
