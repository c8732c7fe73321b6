// Spec → direction vector, against an injected context: this module knows nothing of engines, sessions or the CLI.
// The caller supplies θ, a checkpoint loader and, where it can, the gradient, Hessian eigenvectors and mined directions.
import type { Tensor } from '../../ir/tensor.js';
import { cosine, norm, sub, type ParamVector } from '../params.js';
import { gaussianNoise } from './gaussian.js';
import { loadDirection } from './io.js';
import { normalizeDirection } from './normalize.js';
import { normalizeInSubset, type ParamSelection } from './param-subset.js';
import { trajectoryPca, type TrajectoryPca } from './pca.js';
import { formatDirectionSpec, toDirectionSpec, type DirectionKind, type DirectionSpec } from './spec.js';
import { bufferLayout, buffersVector, gaussianBufferNoise, StatesDirectionError, vectorToBuffers } from './states.js';
import { listSafetensors, selectTrajectory } from './trajectory.js';

export interface DirectionContext {
  /** The centre point; every direction has its layout. */
  theta: ParamVector;
  /** ∇L at θ (the direction is −∇L). */
  gradient?: () => Promise<ParamVector>;
  /** A checkpoint's trainable parameters in θ's layout. */
  loadParams: (path: string) => Promise<ParamVector>;
  /** Checkpoint files of a training directory; defaults to its *.safetensors files. */
  listCheckpoints?: (dir: string) => Promise<string[]>;
  /** The k-th Hessian eigenvector (k = 1: largest eigenvalue), from the Hessian module. */
  eigenvector?: (k: number) => Promise<ParamVector>;
  /** A direction produced by the mining command. */
  mined?: (path: string) => Promise<ParamVector>;
  /** θ's buffers (BN running statistics), for states directions (`type=states`). */
  buffers?: ReadonlyMap<string, Tensor>;
  /** A checkpoint's buffers, for `to:CKPT:type=states`. */
  loadBuffers?: (path: string) => Promise<ReadonlyMap<string, Tensor>>;
  /** --params: every direction moves only these tensors, normalised inside them (param-subset.ts). */
  params?: ParamSelection;
}

export interface PcaInfo {
  dir: string;
  final: string;
  /** Checkpoints used, in training order; coordinates[i] and distances[i] belong to checkpoints[i]. */
  checkpoints: string[];
  ignored: string[];
  component: 1 | 2;
  explainedVarianceRatio: number[];
  coordinates: number[][];
  distances: number[];
  /** ‖θ − θ_final‖: 0 when the surface is centred on the final checkpoint, as PCA plots expect. */
  thetaToFinal: number;
}

export interface DirectionInfo {
  kind: DirectionKind;
  /** ‖direction‖. */
  norm: number;
  /** ‖raw vector‖ before normalisation and scale. */
  rawNorm: number;
  thetaNorm: number;
  cosineToTheta: number;
  seed?: number;
  path?: string;
  eigenIndex?: number;
  pca?: PcaInfo;
  /** --params: the pattern and the tensors the direction moves. */
  params?: { pattern: string; tensors: string[]; size: number };
}

export interface ResolvedDirection {
  vector: ParamVector;
  /** Canonical spec, defaults filled in. */
  spec: string;
  info: DirectionInfo;
  /** A states direction's part over the buffers (applied with --bn perturb); absent for weights directions. */
  buffers?: Map<string, Tensor>;
}

type Extra = Partial<Pick<DirectionInfo, 'seed' | 'path' | 'eigenIndex' | 'pca' | 'params'>>;

export async function resolveDirection(spec: string | DirectionSpec, ctx: DirectionContext): Promise<ResolvedDirection> {
  return resolveWith(toDirectionSpec(spec), ctx, new Map());
}

/** Several specs at once (the x and y of a surface): the gradient and each directory's PCA are computed once. */
export async function resolveDirections(specs: readonly (string | DirectionSpec)[], ctx: DirectionContext): Promise<ResolvedDirection[]> {
  const parsed = specs.map(toDirectionSpec);
  let gradient: Promise<ParamVector> | undefined;
  const shared: DirectionContext = ctx.gradient ? { ...ctx, gradient: () => (gradient ??= ctx.gradient!()) } : ctx;
  const pcaCache = new Map<string, Promise<PcaResult>>();
  const out: ResolvedDirection[] = [];
  for (const s of parsed) out.push(await resolveWith(s, shared, pcaCache));
  return out;
}

async function resolveWith(spec: DirectionSpec, ctx: DirectionContext, pcaCache: Map<string, Promise<PcaResult>>): Promise<ResolvedDirection> {
  const { theta } = ctx;
  const text = formatDirectionSpec(spec);
  const checked = (v: ParamVector, what: string): ParamVector => {
    theta.layout.assertSame(v.layout, `${what} for '${text}'`);
    return v;
  };
  let raw: ParamVector;
  let extra: Extra = {};
  let fileBuffers: Map<string, Tensor> | undefined;
  switch (spec.kind) {
    case 'gaussian':
      raw = gaussianNoise(theta.layout, spec.seed);
      extra = { seed: spec.seed };
      break;
    case 'gradient': {
      if (!ctx.gradient) throw new Error(`direction '${text}' needs the loss gradient at θ; this command does not provide one (it needs a model and data)`);
      const g = checked(await ctx.gradient(), 'gradient');
      raw = { layout: g.layout, data: g.data.map((v) => -v) };
      break;
    }
    case 'to':
      raw = sub(checked(await ctx.loadParams(spec.path), `checkpoint ${spec.path}`), theta);
      extra = { path: spec.path };
      break;
    case 'file':
      ({ vector: raw, buffers: fileBuffers } = loadDirection(spec.path, theta.layout));
      if (fileBuffers && spec.dirType !== 'states') throw new StatesDirectionError(`direction '${text}': ${spec.path} is a states direction (it also moves the BN running statistics); add ':type=states' and --bn perturb to use it as it is`);
      extra = { path: spec.path };
      break;
    case 'pca': {
      let pending = pcaCache.get(spec.dir);
      if (!pending) { pending = computePca(spec.dir, ctx); pcaCache.set(spec.dir, pending); }
      const r = await pending;
      const u = r.pca.directions[spec.k - 1];
      if (!u) throw new Error(`direction '${text}': the ${r.points.length} checkpoints of ${spec.dir} span only ${r.pca.directions.length} dimension(s) around ${r.final}; there is no principal component ${spec.k}`);
      raw = u;
      extra = { path: spec.dir, pca: pcaInfo(spec.dir, spec.k, r, theta) };
      break;
    }
    case 'eigen':
      if (!ctx.eigenvector) throw new Error(`direction '${text}' needs Hessian eigenvectors, which this command does not compute; run \`terrain hessian --top ${spec.k}\` and pass its output, or use a command that provides them`);
      raw = checked(await ctx.eigenvector(spec.k), `eigenvector ${spec.k}`);
      extra = { eigenIndex: spec.k };
      break;
    case 'mined':
      if (!ctx.mined) throw new Error(`direction '${text}' needs a mined direction, which this command cannot load; produce it with \`terrain mine\` and use a command that accepts mined directions`);
      raw = checked(await ctx.mined(spec.path), `mined direction ${spec.path}`);
      extra = { path: spec.path };
      break;
  }
  const sel = ctx.params;
  if (sel && spec.dirType === 'states') throw new StatesDirectionError(`direction '${text}': --params restricts weights only; drop ':type=states' or --params`);
  const vector = sel ? normalizeInSubset(raw, theta, spec, sel) : normalizeDirection(raw, theta, spec);
  const buffers = spec.dirType === 'states' ? await statesBuffers(spec, ctx, text, fileBuffers) : undefined;
  if (sel) extra = { ...extra, params: { pattern: sel.pattern, tensors: sel.names, size: sel.size } };
  return {
    vector,
    // The subset is part of what the spec means, so of a run's identity (run.json) and of every label.
    spec: sel ? `${text} [params /${sel.pattern}/]` : text,
    info: { kind: spec.kind, norm: norm(vector), rawNorm: norm(raw), thetaNorm: norm(theta), cosineToTheta: cosine(vector, theta), ...extra },
    ...(buffers ? { buffers } : {}),
  };
}

/** The buffer part of a states direction, rescaled by the spec's rules against θ's own buffers. */
async function statesBuffers(spec: DirectionSpec, ctx: DirectionContext, text: string, fileBuffers?: Map<string, Tensor>): Promise<Map<string, Tensor>> {
  if (!ctx.buffers) throw new StatesDirectionError(`direction '${text}' moves the BN running statistics, and this command does not provide the model's buffers; drop ':type=states'`);
  const layout = bufferLayout(ctx.buffers);
  const own = buffersVector(layout, ctx.buffers, 'model');
  let raw: ParamVector;
  if (spec.kind === 'gaussian') raw = gaussianBufferNoise(ctx.theta.layout.size, layout, spec.seed);
  else if (spec.kind === 'to') {
    if (!ctx.loadBuffers) throw new StatesDirectionError(`direction '${text}' needs the checkpoint's buffers, which this command cannot load`);
    raw = sub(buffersVector(layout, await ctx.loadBuffers(spec.path), `checkpoint ${spec.path}`), own);
  } else if (spec.kind === 'file') {
    if (!fileBuffers) throw new StatesDirectionError(`direction '${text}': ${spec.path} holds no running statistics (a weights direction); drop ':type=states'`);
    raw = buffersVector(layout, fileBuffers, `direction file ${spec.path}`);
  } else throw new StatesDirectionError(`direction '${text}': type=states applies to gaussian, to: and file: directions only`);
  return vectorToBuffers(normalizeDirection(raw, own, spec));
}

interface PcaResult {
  pca: TrajectoryPca;
  points: string[];
  final: string;
  finalParams: ParamVector;
  ignored: string[];
}

async function computePca(dir: string, ctx: DirectionContext): Promise<PcaResult> {
  const files = await (ctx.listCheckpoints ?? listSafetensors)(dir);
  const { points, final, ignored } = selectTrajectory(dir, files);
  const load = async (path: string): Promise<ParamVector> => {
    const p = await ctx.loadParams(path);
    ctx.theta.layout.assertSame(p.layout, `checkpoint ${path}`);
    return p;
  };
  const finalParams = await load(final);
  const loaded: ParamVector[] = [];
  for (const path of points) loaded.push(await load(path));
  return { pca: trajectoryPca(loaded, finalParams), points, final, finalParams, ignored };
}

function pcaInfo(dir: string, k: 1 | 2, r: PcaResult, theta: ParamVector): PcaInfo {
  return {
    dir,
    final: r.final,
    checkpoints: r.points,
    ignored: r.ignored,
    component: k,
    explainedVarianceRatio: r.pca.explainedVarianceRatio,
    coordinates: r.pca.coordinates,
    distances: r.pca.distances,
    thetaToFinal: norm(sub(theta, r.finalParams)),
  };
}
