// Per-batch Hessian-vector products of a model at a fixed point, two ways:
//   exact  reverse-over-reverse (src/ir/hvp.ts): H_b v and the batch gradient from one ORT run;
//   fd     central differences of gradients, (∇L_b(θ + h v) − ∇L_b(θ − h v)) / 2h, in float64.
// Each builds its session once; products only feed v (exact) or the displaced weights (fd).
import { buildHvpGraph } from '../../ir/hvp.js';
import { buildGradientGraph } from '../../ir/training-graph.js';
import { CORRECT, LABELS } from '../../ir/loss.js';
import { INPUT } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { Session } from '../../engine/session.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { toTensors, type ParamLayout, type ParamVector } from '../params.js';
import type { BnChoice } from './model-gradient.js';
import { modelAt, type ModelPoint } from './model-point.js';

export type HvpMethod = 'exact' | 'fd';
export const HVP_METHODS: readonly HvpMethod[] = ['exact', 'fd'];

/** Default relative step of the fd method: ‖h v‖ = FD_RELATIVE_STEP · max(‖θ_S‖, 1), see docs/hessian.md. */
export const FD_RELATIVE_STEP = 3e-3;

export interface BatchPoint {
  /** The batch's mean loss at θ. */
  loss: number;
  correct: number;
  /** ∇L_b(θ), layout order. */
  gradient: Float32Array;
}

export interface BatchProduct {
  /** H_b v over the full parameter vector, layout order. */
  hv: Float32Array | Float64Array;
  /** Loss and gradient of the batch at θ, when asked for. */
  at?: BatchPoint;
}

export interface HvpBackend {
  method: HvpMethod;
  /** `v` is a full-length vector (zeros outside a restricted subset). */
  product(batch: LabeledBatch, v: ParamVector, withGradient: boolean): Promise<BatchProduct>;
  dispose(): Promise<void>;
}

export interface BackendOptions {
  bn: BnChoice;
  threads: number;
  /** Every batch has this many samples: the graph gets a fixed batch size (much faster ORT session creation). */
  batch?: number;
  /** fd only: h for this product, chosen by the caller from ‖v‖ (see model-operator.ts). */
  fdStep?: (v: ParamVector) => number;
}

function gather(layout: ParamLayout, out: Record<string, Tensor>, nameOf: (p: string) => string): Float32Array {
  const flat = new Float32Array(layout.size);
  for (const s of layout.slots) {
    const t = out[nameOf(s.name)];
    if (!t || t.data.length !== s.size) throw new Error(`HVP graph output for '${s.name}' is missing or has ${t?.data.length} entries, expected ${s.size}`);
    flat.set(t.data as Float32Array, s.offset);
  }
  return flat;
}

export async function exactBackend(point: ModelPoint, opts: BackendOptions): Promise<HvpBackend> {
  const layout = point.theta.layout;
  const hg = buildHvpGraph(modelAt(point), { loss: 'softmax-ce', bn: opts.bn, weights: 'initializers', batch: opts.batch });
  const session = await Session.create(hg.graph, { threads: opts.threads });
  const correct = session.outputNames.includes(CORRECT) ? [CORRECT] : [];
  const hvNames = layout.slots.map((s) => hg.hvOf.get(s.name)!);
  const gradNames = layout.slots.map((s) => hg.gradOf.get(s.name)!);
  return {
    method: 'exact',
    async product(batch, v, withGradient) {
      const feeds: Record<string, Tensor> = { [INPUT]: batch.x, [LABELS]: batch.y };
      for (const [name, t] of toTensors(v)) feeds[hg.vectorOf.get(name)!] = t;
      const out = await session.run(feeds, [hg.lossName, ...correct, ...hvNames, ...(withGradient ? gradNames : [])]);
      const hv = gather(layout, out, (p) => hg.hvOf.get(p)!);
      if (!withGradient) return { hv };
      const at = {
        loss: Number(out[hg.lossName]!.data[0]),
        correct: correct.length ? Number(out[CORRECT]!.data[0]) : NaN,
        gradient: gather(layout, out, (p) => hg.gradOf.get(p)!),
      };
      return { hv, at };
    },
    dispose: () => session.dispose(),
  };
}

export async function fdBackend(point: ModelPoint, opts: BackendOptions): Promise<HvpBackend> {
  const layout = point.theta.layout;
  const gg = buildGradientGraph(modelAt(point), { loss: 'softmax-ce', bn: opts.bn, weights: 'inputs', batch: opts.batch });
  const session = await Session.create(gg.graph, { threads: opts.threads });
  const gradNames = layout.slots.map((s) => gg.gradOf.get(s.name)!);
  const theta = point.theta.data;
  const stepOf = opts.fdStep ?? (() => { throw new Error('fd backend needs a step rule'); });

  const gradientAt = async (batch: LabeledBatch, w: Float32Array): Promise<BatchPoint> => {
    const feeds: Record<string, Tensor> = { [INPUT]: batch.x, [LABELS]: batch.y };
    for (const [name, t] of toTensors({ layout, data: w })) feeds[name] = t;
    const out = await session.run(feeds, [gg.lossName, gg.correctName, ...gradNames]);
    return { loss: Number(out[gg.lossName]!.data[0]), correct: Number(out[gg.correctName]!.data[0]), gradient: gather(layout, out, (p) => gg.gradOf.get(p)!) };
  };
  // θ ± h v formed in float64 and rounded once per entry.
  const displaced = (v: Float32Array, h: number): Float32Array => Float32Array.from(theta, (t, i) => t + h * v[i]!);

  return {
    method: 'fd',
    async product(batch, v, withGradient) {
      const at = withGradient ? await gradientAt(batch, theta) : undefined;
      const h = stepOf(v);
      const hv = new Float64Array(layout.size);
      if (h > 0) {
        const plus = await gradientAt(batch, displaced(v.data, h));
        const minus = await gradientAt(batch, displaced(v.data, -h));
        for (let i = 0; i < hv.length; i++) hv[i] = (plus.gradient[i]! - minus.gradient[i]!) / (2 * h);
      }
      return { hv, at };
    },
    dispose: () => session.dispose(),
  };
}
