// ∇L(θ) of the mean loss over a data set: one gradient-graph session with θ baked in, batches weighted by size.
import { buildGradientGraph } from '../../ir/training-graph.js';
import { INPUT } from '../../ir/model.js';
import { LABELS } from '../../ir/loss.js';
import type { LossChoice } from '../loss/choice.js';
import { lossFeeds } from '../loss/evaluate.js';
import { Session } from '../../engine/session.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { fromFloat64, type ParamVector } from '../params.js';
import { dataMean } from './data-mean.js';
import { modelAt, type ModelPoint } from './model-point.js';

export type BnChoice = 'eval' | 'train';

export interface GradientOptions {
  /** 'eval' (default): BN uses the running statistics; 'train': each batch's own statistics. */
  bn?: BnChoice;
  /** --loss (default cross-entropy). */
  loss?: LossChoice;
  /** ORT intra-op threads (0 = all cores). */
  threads?: number;
}

export interface FullGradient {
  loss: number;
  accuracy: number;
  samples: number;
  /** ∇L in float64, layout order. */
  vector: Float64Array;
  /** The same as a ParamVector (rounded to float32). */
  gradient: ParamVector;
}

export async function fullGradient(point: ModelPoint, batches: readonly LabeledBatch[], opts: GradientOptions = {}): Promise<FullGradient> {
  const layout = point.theta.layout;
  const batch = batches.every((b) => b.size === batches[0]?.size) ? batches[0]?.size : undefined;
  const gg = buildGradientGraph(modelAt(point), { loss: opts.loss?.options ?? 'softmax-ce', bn: opts.bn ?? 'eval', weights: 'initializers', batch });
  const session = await Session.create(gg.graph, { threads: opts.threads ?? 0 });
  const fetch = [gg.lossName, gg.correctName, ...layout.slots.map((s) => gg.gradOf.get(s.name)!)];
  try {
    const grad = new Float32Array(layout.size);
    const mean = await dataMean(batches, layout.size, async (b) => {
      const out = await session.run({ [INPUT]: b.x, ...(opts.loss ? lossFeeds(b, opts.loss) : { [LABELS]: b.y }) }, fetch);
      for (const s of layout.slots) grad.set(out[gg.gradOf.get(s.name)!]!.data as Float32Array, s.offset);
      return { loss: Number(out[gg.lossName]!.data[0]), correct: Number(out[gg.correctName]!.data[0]), vectors: [grad] };
    });
    const vector = mean.vectors[0]!;
    return { loss: mean.loss, accuracy: mean.accuracy, samples: mean.samples, vector, gradient: fromFloat64(layout, vector) };
  } finally {
    await session.dispose();
  }
}
