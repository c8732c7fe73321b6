// Spec → direction vector, against an injected context: this module knows nothing of engines, sessions or the CLI.
// The caller supplies θ, a checkpoint loader and, where it can, the gradient, Hessian eigenvectors and mined directions.
// How each kind makes its raw vector is its row of kinds/index.ts; this file normalises it and describes it.
import { option, worded } from '../../ir/errors.js';
import type { Tensor } from '../../ir/tensor.js';
import { cosine, norm, type ParamVector } from '../params.js';
import { DIRECTION_KIND_TABLE, directionKind, type PcaInfo } from './kinds/index.js';
import type { Resolving } from './kinds/kind.js';
import { normalizeDirection } from './normalize.js';
import { normalizeInSubset, type ParamSelection } from './param-subset.js';
import { formatDirectionSpec, toDirectionSpec, type DirectionKind, type DirectionSpec } from './spec.js';
import { bufferLayout, buffersVector, StatesDirectionError, vectorToBuffers } from './states.js';

export type { PcaInfo };

/** The kinds with a states form, as messages name them: 'gaussian, to: and file:'. */
const STATES_KINDS = ((names: string[]) => `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`)(
  DIRECTION_KIND_TABLE.filter((d) => d.statesRaw).map((d) => (d.arg.form === 'none' ? d.kind : `${d.kind}:`)));

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
  /** A states direction's part over the buffers (applied in BN mode 'perturb'); absent for weights directions. */
  buffers?: Map<string, Tensor>;
}

export async function resolveDirection(spec: string | DirectionSpec, ctx: DirectionContext): Promise<ResolvedDirection> {
  return resolveWith(toDirectionSpec(spec), ctx, new Map());
}

/** Several specs at once (the x and y of a surface): the gradient and each directory's PCA are computed once. */
export async function resolveDirections(specs: readonly (string | DirectionSpec)[], ctx: DirectionContext): Promise<ResolvedDirection[]> {
  const parsed = specs.map(toDirectionSpec);
  let gradient: Promise<ParamVector> | undefined;
  const shared: DirectionContext = ctx.gradient ? { ...ctx, gradient: () => (gradient ??= ctx.gradient!()) } : ctx;
  const memo = new Map<string, Promise<unknown>>();
  const out: ResolvedDirection[] = [];
  for (const s of parsed) out.push(await resolveWith(s, shared, memo));
  return out;
}

async function resolveWith(spec: DirectionSpec, ctx: DirectionContext, memo: Map<string, Promise<unknown>>): Promise<ResolvedDirection> {
  const { theta } = ctx;
  const text = formatDirectionSpec(spec);
  const checked = (v: ParamVector, what: string): ParamVector => {
    theta.layout.assertSame(v.layout, `${what} for '${text}'`);
    return v;
  };
  const r: Resolving = { text, checked, shared: memo };
  const made = await directionKind(spec.kind)!.resolve(spec, ctx, r);
  const raw = made.raw, fileBuffers = made.fileBuffers;
  let extra = made.extra ?? {};
  const sel = ctx.params;
  if (sel && spec.dirType === 'states') throw new StatesDirectionError(worded`direction '${text}': ${option('params')} restricts weights only; drop ':type=states' or ${option('params')}`);
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
  const def = directionKind(spec.kind)!;
  if (!def.statesRaw) throw new StatesDirectionError(`direction '${text}': type=states applies to ${STATES_KINDS} directions only`);
  const raw = await def.statesRaw(spec, ctx, { text, layout, own, ...(fileBuffers ? { fileBuffers } : {}) });
  return vectorToBuffers(normalizeDirection(raw, own, spec));
}
