// BatchNorm running statistics at a grid point — always an explicit choice:
//   eval      θ's running statistics, unchanged at every point;
//   perturb   statistics move with the direction where the direction defines them (to:CKPT moves them towards the
//             checkpoint's), unchanged along directions that define none (Gaussian, gradient, …);
//   recompute statistics re-estimated at every point from training batches (cumulative average, like PyTorch with
//             momentum=None after a reset).
import type { Tensor } from '../../ir/tensor.js';
import type { ParamVector } from '../params.js';
import type { LandscapeJob } from './job.js';
import { recomputeRunningStats } from './recompute.js';

export type BnMode = 'eval' | 'perturb' | 'recompute';
export const BN_MODES: readonly BnMode[] = ['eval', 'perturb', 'recompute'];

/** Running variances are clamped at 0 when extrapolating along a direction would make them negative. */
export async function pointBuffers(job: Pick<LandscapeJob, 'model' | 'bn' | 'recomputeBatches' | 'bufferDeltas' | 'threads'>, point: ParamVector, c: readonly number[]): Promise<Map<string, Tensor>> {
  const base = job.model.buffers;
  if (base.size === 0 || job.bn === 'eval') return new Map(base);
  if (job.bn === 'recompute') {
    if (!job.recomputeBatches || job.recomputeBatches.length === 0) throw new Error("BN mode 'recompute' needs training batches");
    return recomputeRunningStats(job.model.model, point, job.recomputeBatches, job.threads ?? 0);
  }
  const out = new Map<string, Tensor>();
  for (const [name, t] of base) {
    const v = Float32Array.from(t.data as Float32Array);
    job.bufferDeltas.forEach((deltas, k) => {
      const d = deltas?.get(name);
      if (!d) return;
      const dd = d.data as Float32Array;
      for (let i = 0; i < v.length; i++) v[i] = v[i]! + c[k]! * dd[i]!;
    });
    if (name.endsWith('running_var')) for (let i = 0; i < v.length; i++) v[i] = Math.max(0, v[i]!);
    out.set(name, { dtype: 'float32', dims: t.dims, data: v });
  }
  return out;
}

/** Buffer deltas of a to:CKPT direction: the checkpoint's buffers minus θ's. */
export function bufferDelta(from: ReadonlyMap<string, Tensor>, to: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of from) {
    const u = to.get(name);
    if (!u || u.dims.join() !== t.dims.join()) throw new Error(`buffer '${name}' [${t.dims}] is missing or shaped differently in the target checkpoint`);
    const a = t.data as Float32Array, b = u.data as Float32Array;
    out.set(name, { dtype: 'float32', dims: t.dims, data: Float32Array.from(a, (x, i) => b[i]! - x) });
  }
  return out;
}
