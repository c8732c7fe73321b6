// ∇L at θ for the `gradient` direction: the mean-loss gradient over the command's data (batches weighted by size),
// with BN running statistics (eval mode), computed once per command.
import type { LabeledBatch } from '../../core/evaluate/point.js';
import { fullGradient } from '../../core/hessian/model-gradient.js';
import type { LoadedModel } from '../../core/model-file.js';
import type { ParamVector } from '../../core/params.js';
import type { LossChoice } from '../../core/loss/choice.js';

/** `loss`: the command's --loss (default cross-entropy). */
export function gradientProvider(m: LoadedModel, batches: readonly LabeledBatch[], threads = 0, loss?: LossChoice): () => Promise<ParamVector> {
  let cached: Promise<ParamVector> | undefined;
  return () => (cached ??= fullGradient(m, batches, { bn: 'eval', threads, loss }).then((g) => g.gradient));
}
