// ∇L at θ for the `gradient` direction.
import type { LabeledBatch } from '../../core/evaluate/point.js';
import type { LoadedModel } from '../../core/model-file.js';
import type { ParamVector } from '../../core/params.js';

export function gradientProvider(m: LoadedModel, batches: readonly LabeledBatch[]): () => Promise<ParamVector> {
  return async () => {
    void m; void batches;
    throw new Error('the gradient direction is not available yet (needs the gradient graph)');
  };
}
