// The Hessian of a model's mean loss over a data set as a LinearOperator (float64 in and out), optionally restricted
// to the parameters whose names match a pattern. The backend computes one batch's product; dataMean weights batches
// by size; the session is built once per operator and reused by every product.
import type { LossChoice } from '../loss/choice.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { norm as paramNorm, type ParamLayout, type ParamVector } from '../params.js';
import { dataMean, totalSamples } from './data-mean.js';
import { exactBackend, fdBackend, FD_RELATIVE_STEP, type FdPrecision, type HvpBackend, type HvpMethod } from './hvp-backends.js';
import type { BnChoice } from './model-gradient.js';
import type { ModelPoint } from './model-point.js';
import { checkVectorLength, type LinearOperator } from './operator.js';
import { paramSubset, type ParamSubset } from './param-subset.js';

export interface ModelHessianOptions {
  /** 'exact' (default): reverse-over-reverse; 'fd': central differences of gradients (smooth models only). */
  method?: HvpMethod;
  /** BatchNorm statistics: 'eval' (default, running statistics) or 'train' (each batch's own statistics). */
  bn?: BnChoice;
  /** Restrict to the parameter tensors whose names match this regular expression. */
  params?: string | RegExp;
  /** ORT intra-op threads (0 = all cores). */
  threads?: number;
  /** fd: ‖h v‖ = fdRelativeStep · max(‖θ_S‖, 1), θ_S = θ on the operator's coordinates. Default FD_RELATIVE_STEP[precision]. */
  fdRelativeStep?: number;
  /** fd: gradients in float64 (default, float32 where ORT lacks float64 kernels, e.g. Conv) or float32. */
  fdPrecision?: FdPrecision;
  /** exact: directions per ORT run in matvecMany (default 4). */
  vectorsPerRun?: number;
  /** --loss (default cross-entropy): the loss whose Hessian this is. */
  loss?: LossChoice;
}

export interface ProductWithGradient {
  /** H v on the operator's coordinates. */
  hv: Float64Array;
  /** ∇L(θ) on the operator's coordinates. */
  gradient: Float64Array;
  /** Mean loss and accuracy at θ. */
  loss: number;
  accuracy: number;
}

export interface ModelHessian extends LinearOperator {
  readonly method: HvpMethod;
  /** fd: the precision its gradients actually ran in; exact: always float32. */
  readonly precision: FdPrecision;
  readonly bn: BnChoice;
  readonly layout: ParamLayout;
  readonly subset: ParamSubset;
  readonly samples: number;
  /** Products computed so far (each is one pass over the data; fd passes cost two gradient runs per batch). */
  readonly matvecs: number;
  /**
   * H v for several vectors. exact: groups of `vectorsPerRun` share one forward and backward pass per batch (ResNet-20:
   * ~1.35× the throughput of single products with 4 per run), the rest run singly; fd: one by one.
   */
  matvecMany(vs: readonly Float64Array[]): Promise<Float64Array[]>;
  /** H p for a full ParamVector: its subset entries in, H's product on the subset out (zeros elsewhere). */
  matvecParams(p: ParamVector): Promise<ParamVector>;
  /** H v and ∇L from the same pass (exact: one run per batch; fd: three). */
  productWithGradient(v: Float64Array): Promise<ProductWithGradient>;
  /** Full-length ParamVector from an operator vector: zeros outside the subset. */
  embed(v: ArrayLike<number>): ParamVector;
  /** An operator vector from a full ParamVector (its entries on the subset). */
  project(p: ParamVector): Float64Array;
  dispose(): Promise<void>;
}

export async function modelHessian(point: ModelPoint, batches: readonly LabeledBatch[], opts: ModelHessianOptions = {}): Promise<ModelHessian> {
  const method = opts.method ?? 'exact';
  const bn = opts.bn ?? 'eval';
  if (method !== 'exact' && method !== 'fd') throw new Error(`HVP method should be 'exact' or 'fd', got '${String(method)}'`);
  if (bn !== 'eval' && bn !== 'train') throw new Error(`BN mode should be 'eval' or 'train', got '${String(bn)}'`);
  const layout = point.theta.layout;
  const subset = paramSubset(layout, opts.params);
  const samples = totalSamples(batches);
  const thetaNorm = subsetNorm(point.theta.data, subset.indices);
  if (opts.fdRelativeStep !== undefined && !(opts.fdRelativeStep > 0)) throw new Error(`fdRelativeStep should be positive, got ${opts.fdRelativeStep}`);
  const fdStep = (v: ParamVector, precision: FdPrecision): number => {
    const n = paramNorm(v);
    return n === 0 ? 0 : ((opts.fdRelativeStep ?? FD_RELATIVE_STEP[precision]) * Math.max(thetaNorm, 1)) / n;
  };
  const threads = opts.threads ?? 0;
  // One batch size throughout (e.g. --batch dividing the sample count): fix it in the graph.
  const batch = batches.every((b) => b.size === batches[0]!.size) ? batches[0]!.size : undefined;
  const backend: HvpBackend & { precision?: FdPrecision } = method === 'exact'
    ? await exactBackend(point, { bn, threads, batch, vectorsPerRun: opts.vectorsPerRun, loss: opts.loss })
    : await fdBackend(point, { bn, threads, fdStep, batch, fdPrecision: opts.fdPrecision, loss: opts.loss });

  const embed = (v: ArrayLike<number>): ParamVector => {
    if (v.length !== subset.indices.length) throw new Error(`vector has ${v.length} entries, the operator has ${subset.indices.length} coordinates`);
    const data = new Float32Array(layout.size);
    for (let i = 0; i < subset.indices.length; i++) data[subset.indices[i]!] = v[i]!;
    return { layout, data };
  };
  const pick = (full: ArrayLike<number>): Float64Array => Float64Array.from(subset.indices, (i) => full[i]!);
  const project = (p: ParamVector): Float64Array => {
    layout.assertSame(p.layout);
    return pick(p.data);
  };

  let matvecs = 0;
  const op: ModelHessian = {
    size: subset.indices.length,
    selfAdjoint: true,
    method, precision: backend.precision ?? 'float32', bn, layout, subset, samples,
    get matvecs() { return matvecs; },
    async matvec(v) {
      checkVectorLength(op, v, 'modelHessian.matvec');
      const full = embed(v);
      matvecs++;
      const mean = await dataMean(batches, layout.size, async (b) => ({ vectors: [(await backend.product(b, full, false)).hv] }));
      return pick(mean.vectors[0]!);
    },
    async matvecMany(vs) {
      vs.forEach((v) => checkVectorLength(op, v, 'modelHessian.matvecMany'));
      const k = backend.vectorsPerRun ?? 1;
      const out: Float64Array[] = [];
      let i = 0;
      for (; backend.products && k > 1 && i + k <= vs.length; i += k) {
        const full = vs.slice(i, i + k).map(embed);
        matvecs += k;
        const mean = await dataMean(batches, layout.size, async (b) => ({ vectors: await backend.products!(b, full) }));
        out.push(...mean.vectors.map(pick));
      }
      for (; i < vs.length; i++) out.push(await op.matvec(vs[i]!));
      return out;
    },
    async matvecParams(p) {
      return embed(await op.matvec(project(p)));
    },
    async productWithGradient(v) {
      checkVectorLength(op, v, 'modelHessian.productWithGradient');
      const full = embed(v);
      matvecs++;
      const mean = await dataMean(batches, layout.size, async (b) => {
        const r = await backend.product(b, full, true);
        return { vectors: [r.hv, r.at!.gradient], loss: r.at!.loss, correct: r.at!.correct };
      });
      return { hv: pick(mean.vectors[0]!), gradient: pick(mean.vectors[1]!), loss: mean.loss, accuracy: mean.accuracy };
    },
    embed,
    project,
    dispose: () => backend.dispose(),
  };
  return op;
}

function subsetNorm(x: Float32Array, indices: Int32Array): number {
  let s = 0;
  for (const i of indices) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}
