// The curve objective of one step: L(φ(t)) on a minibatch and its gradient with respect to every bend,
// ∂L(φ(t))/∂θⱼ = wⱼ(t)·∇L(φ(t)) — one pass of the model's gradient graph (terrain's autodiff) at the point φ(t).
// BN models run train-mode BatchNorm (batch statistics), as the curve is trained in Garipov et al.
import type { Model } from '../../ir/model.js';
import { INPUT } from '../../ir/model.js';
import { LABELS } from '../../ir/loss.js';
import type { Tensor } from '../../ir/tensor.js';
import { buildGradientGraph, parametersAsInputs, type GradientGraph } from '../../ir/training-graph.js';
import { Session } from '../../engine/session.js';
import type { Batch } from '../data/index.js';
import { ParamLayout, toTensors, type ParamVector } from '../params.js';
import { controlWeights, curvePoint, type CurveKind } from './geometry.js';

export interface StepValue {
  /** Mean loss of the batch at φ(t), and its correct count. */
  loss: number;
  correct: number;
  /** One gradient per bend (the end points are fixed), in the model's parameter layout. */
  bendGrads: Float32Array[];
}

export class CurveObjective {
  private constructor(
    private readonly session: Session,
    private readonly gg: GradientGraph,
    private readonly model: Model,
    private readonly buffers: ReadonlyMap<string, Tensor>,
    readonly layout: ParamLayout,
    readonly hasBn: boolean,
  ) {}

  /** `buffers`: the end point's BN buffers; fed to the train-mode graph, they do not change the loss. */
  static async create(model: Model, buffers: ReadonlyMap<string, Tensor>, threads = 0): Promise<CurveObjective> {
    const hasBn = model.buffers.length > 0;
    const gg = buildGradientGraph(model, { loss: 'softmax-ce', bn: hasBn ? 'train' : 'eval', weights: 'inputs' });
    const graph = hasBn ? parametersAsInputs(gg.graph, model.buffers) : gg.graph;
    const session = await Session.create(graph, { threads });
    return new CurveObjective(session, gg, model, buffers, ParamLayout.ofModel(model), hasBn);
  }

  /** Loss and ∇L at one point of parameter space on one batch. */
  async gradientAt(point: ParamVector, batch: Pick<Batch, 'x' | 'y' | 'size'>): Promise<{ loss: number; correct: number; grad: Float32Array }> {
    const feeds: Record<string, Tensor> = { [INPUT]: batch.x, [LABELS]: batch.y };
    for (const [k, t] of toTensors(point)) feeds[k] = t;
    for (const b of this.model.buffers) feeds[b] = this.buffers.get(b)!;
    const fetch = [this.gg.lossName, this.gg.correctName, ...this.layout.slots.map((s) => this.gg.gradOf.get(s.name)!)];
    const out = await this.session.run(feeds, fetch);
    const grad = new Float32Array(this.layout.size);
    for (const s of this.layout.slots) grad.set(out[this.gg.gradOf.get(s.name)!]!.data as Float32Array, s.offset);
    return { loss: Number((out[this.gg.lossName]!.data as Float32Array)[0]), correct: Number((out[this.gg.correctName]!.data as Float32Array)[0]), grad };
  }

  /** L(φ(t)) on the batch and its gradient with respect to each bend of the curve [A, bends…, B]. */
  async step(kind: CurveKind, controls: readonly ParamVector[], t: number, batch: Pick<Batch, 'x' | 'y' | 'size'>): Promise<StepValue> {
    const w = controlWeights(kind, controls.length - 2, t);
    const g = await this.gradientAt(curvePoint(kind, controls, t), batch);
    const bendGrads = w.slice(1, -1).map((wj) => Float32Array.from(g.grad, (x) => wj * x));
    return { loss: g.loss, correct: g.correct, bendGrads };
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
