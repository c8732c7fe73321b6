// BN mode 'recompute': re-estimate BN running statistics at a point from training batches, as PyTorch does after
// resetting them with momentum=None: each statistic is the plain average over the batches of the batch mean and of
// the unbiased batch variance, every layer normalised by its own batch statistics on the way (train-mode forward).
import type { Model } from '../../ir/model.js';
import { INPUT } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { bnToTrainMode } from '../../ir/bn-train.js';
import { Session } from '../../engine/session.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { toTensors, type ParamVector } from '../params.js';
import { withInitializers } from '../../ir/graph.js';

const trainGraphs = new WeakMap<Model, ReturnType<typeof bnToTrainMode>>();

export async function recomputeRunningStats(model: Model, point: ParamVector, batches: readonly LabeledBatch[], threads = 0): Promise<Map<string, Tensor>> {
  if (batches.length === 0) throw new Error("BN mode 'recompute' needs at least one training batch");
  // momentum 1: the "updated" running statistics are exactly the batch statistics.
  let tg = trainGraphs.get(model);
  if (!tg) { tg = bnToTrainMode(model.graph, { momentum: 1 }); trainGraphs.set(model, tg); }
  const session = await Session.create(withInitializers(tg.graph, toTensors(point)), { threads });
  const sums = new Map<string, Float64Array>();
  try {
    const fetch = [...tg.runningStatOutputs.values()];
    for (const b of batches) {
      if (b.size < 2) continue; // the unbiased variance of one sample is undefined
      const out = await session.run({ [INPUT]: b.x }, fetch);
      for (const [buffer, name] of tg.runningStatOutputs) {
        const v = out[name]!.data as Float32Array;
        let s = sums.get(buffer);
        if (!s) { s = new Float64Array(v.length); sums.set(buffer, s); }
        for (let i = 0; i < v.length; i++) s[i] = s[i]! + v[i]!;
      }
    }
  } finally {
    await session.dispose();
  }
  const used = batches.filter((b) => b.size >= 2).length;
  if (used === 0) throw new Error("BN mode 'recompute': every training batch has fewer than 2 samples");
  const out = new Map<string, Tensor>();
  for (const name of model.buffers) {
    const s = sums.get(name);
    const ref = model.graph.initializers.get(name)!;
    if (!s) throw new Error(`BN mode 'recompute': buffer '${name}' is not a running statistic of any BatchNormalization node`);
    out.set(name, { dtype: 'float32', dims: ref.dims, data: Float32Array.from(s, (x) => x / used) });
  }
  return out;
}
