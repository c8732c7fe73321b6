// Per-batch Hessian-vector products of a model at a fixed point, two ways:
//   exact  reverse-over-reverse (src/ir/hvp.ts): H_b v and the batch gradient from one ORT run;
//   fd     central differences of gradients, (∇L_b(θ + h v) − ∇L_b(θ − h v)) / 2h, in float64.
// Each builds its session once; products only feed v (exact) or the displaced weights (fd).
import { buildHvpGraph, type HvpGraph } from '../../ir/hvp.js';
import { widenGraph, widenTensor } from '../../ir/grad/float64.js';
import { buildGradientGraph } from '../../ir/training-graph.js';
import { CORRECT, LABELS } from '../../ir/loss.js';
import type { LossChoice } from '../loss/choice.js';
import { lossFeeds } from '../loss/evaluate.js';
import { INPUT } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { Session } from '../../engine/session.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { toTensors, type ParamLayout, type ParamVector } from '../params.js';
import type { BnChoice } from './model-gradient.js';
import { modelAt, type ModelPoint } from './model-point.js';

export type HvpMethod = 'exact' | 'fd';
export const HVP_METHODS: readonly HvpMethod[] = ['exact', 'fd'];

export type FdPrecision = 'float64' | 'float32';

/**
 * Default relative step of the fd method, ‖h v‖ = step · max(‖θ_S‖, 1), per precision of the gradient graph; chosen
 * from measured error curves (docs/hessian.md): float32 balances truncation (∝ step²) against gradient noise
 * (∝ 1e-7 / step); float64 gradients have ~1e-16 noise, so a small step leaves only ~1e-9 truncation.
 */
export const FD_RELATIVE_STEP: Readonly<Record<FdPrecision, number>> = { float64: 1e-5, float32: 4e-4 };

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
  /** exact only: H_b v_j for each of `vectorsPerRun` directions from one run (they share the forward and backward). */
  products?(batch: LabeledBatch, vs: readonly ParamVector[]): Promise<Float32Array[]>;
  /** Directions `products` takes per call. */
  vectorsPerRun?: number;
  dispose(): Promise<void>;
}

export interface BackendOptions {
  bn: BnChoice;
  /** --loss (default cross-entropy): the loss graph and what it is fed. */
  loss?: LossChoice;
  threads: number;
  /** Every batch has this many samples: the graph gets a fixed batch size (much faster ORT session creation). */
  batch?: number;
  /** fd only: h for this product, chosen by the caller from ‖v‖ and the precision (see model-operator.ts). */
  fdStep?: (v: ParamVector, precision: FdPrecision) => number;
  /** fd only: gradients in float64 (default; falls back to float32 where ORT lacks float64 kernels) or float32. */
  fdPrecision?: FdPrecision;
  /** fd only: fail instead of falling back to float32. */
  fdPrecisionStrict?: boolean;
  /** exact only: directions per run of `products` (default 4; its graph is built on first use). */
  vectorsPerRun?: number;
}

/** Labels (default cross-entropy) or what the chosen loss is fed. */
function labelFeeds(batch: LabeledBatch, loss: LossChoice | undefined, dtype: 'float32' | 'float64' = 'float32'): Record<string, Tensor> {
  return loss ? lossFeeds(batch, loss, dtype) : { [LABELS]: batch.y };
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
  // ORT runs every node of a graph whatever is fetched, so products without the gradient get a graph without its
  // first-order weight-gradient nodes; the graph with the gradient is built when first asked for.
  const build = async (gradients: boolean, vectors = 1) => {
    const hg = buildHvpGraph(modelAt(point), { loss: opts.loss?.options ?? 'softmax-ce', bn: opts.bn, weights: 'initializers', batch: opts.batch, gradients, vectors });
    return { hg, session: await Session.create(hg.graph, { threads: opts.threads }) };
  };
  const vectorsPerRun = opts.vectorsPerRun ?? 4;
  const plain = await build(false);
  let full: ReturnType<typeof build> | undefined, many: ReturnType<typeof build> | undefined;
  const feedsOf = (hg: HvpGraph, batch: LabeledBatch, vs: readonly ParamVector[]) => {
    const feeds: Record<string, Tensor> = { [INPUT]: batch.x, ...labelFeeds(batch, opts.loss) };
    vs.forEach((v, j) => { for (const [name, t] of toTensors(v)) feeds[hg.vectorsOf[j]!.get(name)!] = t; });
    return feeds;
  };
  return {
    method: 'exact',
    vectorsPerRun,
    async product(batch, v, withGradient) {
      const { hg, session } = withGradient ? await (full ??= build(true)) : plain;
      const correct = session.outputNames.includes(CORRECT) ? [CORRECT] : [];
      const hvNames = layout.slots.map((s) => hg.hvOf.get(s.name)!);
      const gradNames = withGradient ? layout.slots.map((s) => hg.gradOf.get(s.name)!) : [];
      const out = await session.run(feedsOf(hg, batch, [v]), [hg.lossName, ...correct, ...hvNames, ...gradNames]);
      const hv = gather(layout, out, (p) => hg.hvOf.get(p)!);
      if (!withGradient) return { hv };
      const at = {
        loss: Number(out[hg.lossName]!.data[0]),
        correct: correct.length ? Number(out[CORRECT]!.data[0]) : NaN,
        gradient: gather(layout, out, (p) => hg.gradOf.get(p)!),
      };
      return { hv, at };
    },
    async products(batch, vs) {
      if (vs.length !== vectorsPerRun) throw new Error(`products takes ${vectorsPerRun} directions per run, got ${vs.length}`);
      const { hg, session } = await (many ??= build(false, vectorsPerRun));
      const out = await session.run(feedsOf(hg, batch, vs), hg.hvsOf.flatMap((m) => layout.slots.map((s) => m.get(s.name)!)));
      return hg.hvsOf.map((m) => gather(layout, out, (p) => m.get(p)!));
    },
    async dispose() {
      await plain.session.dispose();
      for (const s of [full, many]) if (s) await (await s).session.dispose();
    },
  };
}

export async function fdBackend(point: ModelPoint, opts: BackendOptions): Promise<HvpBackend & { precision: FdPrecision }> {
  const layout = point.theta.layout;
  const gg = buildGradientGraph(modelAt(point), { loss: opts.loss?.options ?? 'softmax-ce', bn: opts.bn, weights: 'inputs', batch: opts.batch });
  const want = opts.fdPrecision ?? 'float64';
  let precision: FdPrecision = want;
  let session: Session;
  try {
    session = await Session.create(want === 'float64' ? widenGraph(gg.graph) : gg.graph, { threads: opts.threads });
  } catch (e) {
    // ORT has no float64 kernels for Conv, pooling, …: such models run the differences in float32.
    if (want !== 'float64' || opts.fdPrecisionStrict) throw e;
    precision = 'float32';
    session = await Session.create(gg.graph, { threads: opts.threads });
  }
  const wide = precision === 'float64';
  const gradNames = layout.slots.map((s) => gg.gradOf.get(s.name)!);
  const theta = point.theta.data;
  const stepOf = opts.fdStep ?? (() => { throw new Error('fd backend needs a step rule'); });
  const batchFeeds = new Map<LabeledBatch, Record<string, Tensor>>();

  const gradientAt = async (batch: LabeledBatch, w: Float32Array | Float64Array): Promise<{ loss: number; correct: number; gradient: Float64Array }> => {
    let feeds = batchFeeds.get(batch);
    if (!feeds) { feeds = { [INPUT]: wide ? widenTensor(batch.x) : batch.x, ...labelFeeds(batch, opts.loss, wide ? 'float64' : 'float32') }; batchFeeds.set(batch, feeds); }
    const all: Record<string, Tensor> = { ...feeds };
    for (const s of layout.slots) all[s.name] = { dtype: wide ? 'float64' : 'float32', dims: s.shape, data: w.subarray(s.offset, s.offset + s.size) };
    const out = await session.run(all, [gg.lossName, gg.correctName, ...gradNames]);
    const gradient = new Float64Array(layout.size);
    for (const s of layout.slots) {
      const t = out[gg.gradOf.get(s.name)!];
      if (!t || t.data.length !== s.size) throw new Error(`gradient graph output for '${s.name}' is missing or has ${t?.data.length} entries, expected ${s.size}`);
      gradient.set(t.data as Float32Array | Float64Array, s.offset);
    }
    return { loss: Number(out[gg.lossName]!.data[0]), correct: Number(out[gg.correctName]!.data[0]), gradient };
  };
  // θ ± h v formed in float64 (and rounded once per entry for a float32 graph).
  const displaced = (v: Float32Array, h: number): Float32Array | Float64Array => {
    const out = wide ? new Float64Array(theta.length) : new Float32Array(theta.length);
    for (let i = 0; i < out.length; i++) out[i] = theta[i]! + h * v[i]!;
    return out;
  };
  const at = async (batch: LabeledBatch): Promise<BatchPoint> => {
    const r = await gradientAt(batch, wide ? Float64Array.from(theta) : theta);
    return { ...r, gradient: Float32Array.from(r.gradient) };
  };

  return {
    method: 'fd',
    precision,
    async product(batch, v, withGradient) {
      const here = withGradient ? await at(batch) : undefined;
      const h = stepOf(v, precision);
      const hv = new Float64Array(layout.size);
      if (h > 0) {
        const plus = await gradientAt(batch, displaced(v.data, h));
        const minus = await gradientAt(batch, displaced(v.data, -h));
        for (let i = 0; i < hv.length; i++) hv[i] = (plus.gradient[i]! - minus.gradient[i]!) / (2 * h);
      }
      return { hv, at: here };
    },
    dispose: () => session.dispose(),
  };
}
