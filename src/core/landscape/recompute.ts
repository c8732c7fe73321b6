// --bn recompute: re-estimate BN running statistics at a point from training batches.
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import type { LabeledBatch } from '../evaluate/point.js';
import type { ParamVector } from '../params.js';

export async function recomputeRunningStats(model: Model, point: ParamVector, batches: readonly LabeledBatch[]): Promise<Map<string, Tensor>> {
  void model; void point; void batches;
  throw new Error('--bn recompute is not available yet: it needs the train-mode BatchNorm graph; use --bn eval or --bn perturb');
}
