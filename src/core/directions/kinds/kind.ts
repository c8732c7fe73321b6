// What one direction kind is: how its spec is parsed and printed, how it resolves to a raw vector, its help line.
// Each kind is one file of this folder and one row of the table in index.ts; spec.ts, resolve.ts and the CLI help
// read only the table.
import type { Tensor } from '../../../ir/tensor.js';
import type { ParamLayout, ParamVector } from '../../params.js';
import type { DirectionContext, DirectionInfo } from '../resolve.js';
import { COMMON_OPTIONS, type Scaling } from '../scaling.js';

/** Throws the spec's DirectionSpecError with this problem. */
export type Fail = (problem: string) => never;

/**
 * The argument after `KIND:`. 'path': every segment up to the trailing `key=value` options (paths may contain ':');
 * 'first': the first segment (an index); 'none': only options. `missing` is the problem when it is absent.
 */
export type ArgForm = { form: 'none' } | { form: 'path' | 'first'; missing: string };

export type Extra = Partial<Pick<DirectionInfo, 'seed' | 'path' | 'eigenIndex' | 'pca' | 'params'>>;

/** What resolve.ts hands a kind besides the spec and the context. */
export interface Resolving {
  /** The canonical spec, for messages. */
  text: string;
  /** v, after checking that it has θ's layout (`what` names it in the error). */
  checked: (v: ParamVector, what: string) => ParamVector;
  /** A memo shared by the specs resolved together (the x and y of a surface), keyed by the kind. */
  shared: Map<string, Promise<unknown>>;
}

export interface RawDirection {
  raw: ParamVector;
  extra?: Extra;
  /** A direction file's buffers (a states direction file). */
  fileBuffers?: Map<string, Tensor>;
}

/** What statesRaw is given: the buffers' layout, θ's own buffers as a vector, a direction file's buffers. */
export interface StatesInput {
  text: string;
  layout: ParamLayout;
  own: ParamVector;
  fileBuffers?: Map<string, Tensor>;
}

export interface DirectionKindDef<S extends { kind: string } & Scaling> {
  kind: S['kind'];
  arg: ArgForm;
  /** The key=value options it accepts, in the order error messages list them. */
  options: readonly string[];
  /** Rescaled like θ by default (gaussian, gradient), or used as it is. */
  likeTheta: boolean;
  /** Its part of the syntax line of errors. */
  syntax: string;
  /** One line for help texts. */
  help: string;
  /** The typed spec, from the argument, the options and the scaling already read from them. */
  parse(arg: string, options: ReadonlyMap<string, string>, scaling: Scaling, fail: Fail): S;
  /** Canonical text; `tail` is norm=…:bias-bn=…:scale=…[:type=states], `states` the last part alone. */
  format(spec: S, tail: string, states: string): string;
  resolve(spec: S, ctx: DirectionContext, r: Resolving): Promise<RawDirection>;
  /** The raw buffer part of a states direction; absent: the kind has no states form. */
  statesRaw?(spec: S, ctx: DirectionContext, s: StatesInput): Promise<ParamVector>;
}

/** Identity, for type inference of a kind's spec type. */
export function defineKind<S extends { kind: string } & Scaling>(def: DirectionKindDef<S>): DirectionKindDef<S> {
  return def;
}

/** What a kind supplied by the command (eigen:K, mined:PATH) declares besides its spec syntax. */
export interface SuppliedKind<S extends { kind: string } & Scaling> extends Omit<DirectionKindDef<S>, 'options' | 'likeTheta' | 'resolve'> {
  /** The vector from the command's provider in `ctx`, or undefined where this command has none. */
  supply(spec: S, ctx: DirectionContext): Promise<ParamVector> | undefined;
  /** The vector in layout errors, and what the result records of it. */
  what(spec: S): string;
  extra(spec: S): Extra;
  /** Why a command without the provider refuses the spec, and the fix (follows "direction 'SPEC' "). */
  unsupported(spec: S): string;
}

/** A kind whose vector the command supplies: used as it is (no rescaling), refused where the command has none. */
export function suppliedKind<S extends { kind: string } & Scaling>(def: SuppliedKind<S>): DirectionKindDef<S> {
  const { supply, what, extra, unsupported, ...rest } = def;
  return {
    ...rest,
    options: COMMON_OPTIONS,
    likeTheta: false,
    async resolve(spec, ctx, r) {
      const v = supply(spec, ctx);
      if (!v) throw new Error(`direction '${r.text}' ${unsupported(spec)}`);
      return { raw: r.checked(await v, what(spec)), extra: extra(spec) };
    },
  };
}
