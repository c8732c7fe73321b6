// Small emitters shared by rules: undo broadcasting, reshape/expand back to a value's shape without fixing the
// batch size (a -1 or a broadcast 1 stands for a symbolic dim; Shape(x) only when several dims are symbolic).
import { attr, type Dim } from '../graph.js';
import { divDim, eqDim, eqShape, isStatic, productDims, showShape } from '../shapes/dims.js';
import type { Emitter } from './emitter.js';

export function reduceSum(e: Emitter, g: string, axes: number[], keepdims: boolean): string {
  return e.op('ReduceSum', [g, e.ints(axes)], { keepdims: attr.int(keepdims ? 1 : 0) });
}

/** Sums `g` over the axes along which `target`'s shape was broadcast, giving `target`'s shape. */
export function sumTo(e: Emitter, g: string, target: string): string {
  const gs = e.shape(g), ts = e.shape(target);
  if (eqShape(gs, ts)) return g;
  const lead = gs.length - ts.length;
  if (lead < 0) throw new Error(`cannot sum gradient ${showShape(gs)} down to ${showShape(ts)} of '${target}'`);
  const inner: number[] = [];
  ts.forEach((d, i) => {
    const gd = gs[i + lead]!;
    if (eqDim(d, gd)) return;
    if (d === 1) inner.push(i + lead);
    else throw new Error(`cannot sum gradient ${showShape(gs)} down to ${showShape(ts)} of '${target}' (axis ${i + lead})`);
  });
  const leading = Array.from({ length: lead }, (_, i) => i);
  if (inner.length === 0) return reduceSum(e, g, leading, false);
  const r = reduceSum(e, g, [...leading, ...inner], true);
  return lead > 0 ? e.op('Squeeze', [r, e.ints(leading)]) : r;
}

/** `g` summed over the axes where `target` broadcasts, then broadcast up where `g` is smaller than `target`. */
export function fitTo(e: Emitter, g: string, target: string): string {
  const gs = e.shape(g), ts = e.shape(target);
  if (eqShape(gs, ts)) return g;
  const lead = gs.length - ts.length;
  const reduce = gs.flatMap((d, i) => (i < lead || (ts[i - lead] === 1 && d !== 1) ? [i] : []));
  let r = g;
  if (reduce.length > 0) {
    r = reduceSum(e, g, reduce, true);
    if (lead > 0) r = e.op('Squeeze', [r, e.ints(Array.from({ length: lead }, (_, i) => i))]);
  }
  return expandLike(e, r, target);
}

/**
 * A constant Reshape target taking `source` to `dims`: a symbolic dim that keeps its index becomes 0 ("copy", so
 * ORT's own shape inference keeps the symbol and its memory planner can reuse buffers), one other symbolic dim
 * becomes -1; undefined when that does not suffice.
 */
export function constantTarget(e: Emitter, source: string, dims: readonly Dim[]): string | undefined {
  const from = e.shape(source);
  let inferred = 0;
  const target = dims.map((d, i) => {
    if (isStatic(d)) return d;
    if (i < from.length && eqDim(from[i]!, d)) return 0;
    inferred++;
    return -1;
  });
  return inferred > 1 ? undefined : e.ints(target);
}

/** Reshape to `dims` with a constant target (see constantTarget). */
export function reshapeTo(e: Emitter, g: string, dims: readonly Dim[]): string {
  if (eqShape(e.shape(g), dims)) return g;
  const target = constantTarget(e, g, dims);
  if (!target) throw new Error(`cannot reshape '${g}' to ${showShape(dims)} with a constant target: more than one symbolic dim moves`);
  return e.op('Reshape', [g, target]);
}

/** Reshape `g` to `like`'s shape: a constant target when possible, else Shape(like). */
export function reshapeLike(e: Emitter, g: string, like: string): string {
  if (eqShape(e.shape(g), e.shape(like))) return g;
  return e.op('Reshape', [g, constantTarget(e, g, e.shape(like)) ?? e.op('Shape', [like])]);
}

/** Broadcasts `g` up to `like`'s shape; symbolic dims that `g` already has become 1s in a constant target. */
export function expandLike(e: Emitter, g: string, like: string): string {
  const gs = e.shape(g), ts = e.shape(like);
  if (eqShape(gs, ts)) return g;
  const lead = ts.length - gs.length;
  let dynamic = false;
  const target = ts.map((d, i) => {
    if (isStatic(d)) return d;
    const gd = i >= lead ? gs[i - lead] : undefined;
    if (gd !== undefined && eqDim(gd, d)) return 1;
    dynamic = true;
    return 0;
  });
  return e.op('Expand', [g, dynamic ? e.op('Shape', [like]) : e.ints(target)]);
}

/** Inserts size-1 axes (Unsqueeze with axes as an input, opset 13). */
export function unsqueeze(e: Emitter, g: string, axes: number[]): string {
  return axes.length === 0 ? g : e.op('Unsqueeze', [g, e.ints(axes)]);
}

/** A [C] vector reshaped to broadcast along axis 1 of a rank-`rank` tensor: [C, 1, …, 1]. */
export function channelVector(e: Emitter, v: string, rank: number): string {
  return unsqueeze(e, v, Array.from({ length: rank - 2 }, (_, i) => i + 1));
}

/** Element count of `of` divided by that of `per`, as a float scalar like `like` (dynamic when symbolic). */
export function countRatio(e: Emitter, of: string, per: string, like: string): string {
  const ratio = divDim(productDims(e.shape(of)), productDims(e.shape(per)));
  if (ratio !== undefined && isStatic(ratio)) return e.scalar(ratio, like);
  const to = attr.int(e.dtype(like) === 'float64' ? 11 : 1);
  if (ratio !== undefined) {
    // c·N·…: read each symbol once from a graph input's Shape (shared by every count in the graph).
    const [coef, ...symbols] = String(ratio).split('*').reduce<[number, ...string[]]>((acc, f) => (/^\d+$/.test(f) ? [acc[0] * Number(f), ...acc.slice(1) as string[]] : [acc[0], ...acc.slice(1) as string[], f]), [1]);
    const values = symbols.map((sym) => symbolValue(e, sym));
    if (values.every((v): v is string => v !== undefined)) {
      const product = values.reduce((p, v) => e.op('Mul', [p, v]));
      return coef === 1 ? e.op('Cast', [product], { to }) : e.op('Mul', [e.op('Cast', [product], { to }), e.scalar(coef, like)]);
    }
  }
  const cnt = (v: string) => e.op('Cast', [e.op('Size', [v])], { to });
  return e.op('Div', [cnt(of), cnt(per)]);
}

/** The runtime value (an int64 scalar) of a symbolic dim, read from the first graph input that has it. */
function symbolValue(e: Emitter, symbol: string): string | undefined {
  for (const input of e.graph.inputs) {
    const axis = input.shape.indexOf(symbol);
    if (axis < 0) continue;
    const index = e.tensor({ dtype: 'int64', dims: [], data: new BigInt64Array([BigInt(axis)]) });
    return e.op('Gather', [e.op('Shape', [input.name]), index]);
  }
  return undefined;
}
