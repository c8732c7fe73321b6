// The loss as a function of the parameters, L(p), with its gradient: what the sharpness measures need beyond the
// Hessian operator. The model-backed surface keeps one gradient-graph session with the parameters as graph inputs
// (BN with its running statistics, as eval mode), so that every point is one pass over the same batches without
// building a session. Tests give the measures an analytic quadratic instead (fixture.ts).
import { INPUT } from '../../ir/model.js';
import { LABELS } from '../../ir/loss.js';
import type { Tensor } from '../../ir/tensor.js';
import { buildGradientGraph } from '../../ir/training-graph.js';
import { Session } from '../../engine/session.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { dataMean } from '../hessian/data-mean.js';
import type { ModelPoint } from '../hessian/model-point.js';
import type { LossChoice } from '../loss/choice.js';
import { lossFeeds } from '../loss/evaluate.js';
import { type ParamVector } from '../params.js';
import { withInitializers } from '../../ir/graph.js';

export interface LossSurface {
  /** The point the measures are taken around. */
  readonly theta: ParamVector;
  /** Mean loss at p (p in θ's layout). */
  loss(p: ParamVector): Promise<number>;
  /** Mean loss and its gradient (float64, layout order) at p. */
  lossAndGradient(p: ParamVector): Promise<{ loss: number; gradient: Float64Array }>;
  dispose(): Promise<void>;
}

export interface ModelSurfaceOptions {
  threads?: number;
  /** --loss other than cross-entropy. */
  loss?: LossChoice;
}

export async function modelLossSurface(point: ModelPoint, batches: readonly LabeledBatch[], opts: ModelSurfaceOptions = {}): Promise<LossSurface> {
  const layout = point.theta.layout;
  const withBuffers = { ...point.model, graph: withInitializers(point.model.graph, point.buffers) };
  const gg = buildGradientGraph(withBuffers, { loss: opts.loss?.options ?? 'softmax-ce', bn: 'eval', weights: 'inputs' });
  const session = await Session.create(gg.graph, { threads: opts.threads ?? 0 });
  const gradNames = layout.slots.map((s) => gg.gradOf.get(s.name)!);
  const feedsAt = (b: LabeledBatch, p: ParamVector): Record<string, Tensor> => {
    layout.assertSame(p.layout, 'point');
    const feeds: Record<string, Tensor> = { [INPUT]: b.x, ...(opts.loss ? lossFeeds(b, opts.loss) : { [LABELS]: b.y }) };
    for (const s of layout.slots) feeds[s.name] = { dtype: 'float32', dims: s.shape, data: p.data.subarray(s.offset, s.offset + s.size) };
    return feeds;
  };
  return {
    theta: point.theta,
    async loss(p) {
      // ORT computes only what the fetched output needs: a forward pass.
      const m = await dataMean(batches, 0, async (b) => ({ vectors: [], loss: Number((await session.run(feedsAt(b, p), [gg.lossName]))[gg.lossName]!.data[0]) }));
      return m.loss;
    },
    async lossAndGradient(p) {
      const grad = new Float32Array(layout.size);
      const m = await dataMean(batches, layout.size, async (b) => {
        const out = await session.run(feedsAt(b, p), [gg.lossName, ...gradNames]);
        layout.slots.forEach((s, i) => grad.set(out[gradNames[i]!]!.data as Float32Array, s.offset));
        return { vectors: [grad], loss: Number(out[gg.lossName]!.data[0]) };
      });
      return { loss: m.loss, gradient: m.vectors[0]! };
    },
    dispose: () => session.dispose(),
  };
}
