// Ops new in opsets 18–20 that PyTorch exports, as the primitives older exports write for them, each of which has a
// gradient rule (so both derivative orders follow): GroupNormalization-18 as Reshape → InstanceNormalization →
// Reshape → per-channel Mul/Add (its scale and bias are per group, repeated over each group's channels), Mish as
// X·tanh(softplus(X)), Gelu-20 as ½X(1 + erf(X/√2)) or, with approximate='tanh', ½X(1 + tanh(√(2/π)(X + 0.044715X³))).
// The last node of each lowering writes the original output name.
import { attr, getFloat, getInt, getString, type Attribute, type Node } from '../graph.js';
import type { ShapeEnv } from '../shapes/index.js';
import type { Tensor } from '../tensor.js';

export interface Rewriter {
  readonly env: ShapeEnv;
  emit(op: string, inputs: string[], attrs: Record<string, Attribute>, stem: string, output?: string): string;
  constant(t: Tensor, stem: string): string;
}

export type Lowering = (node: Node, r: Rewriter) => void;

function fail(node: Node, what: string): never {
  throw new Error(`node '${node.name}' (${node.op}): ${what}`);
}

/** A float scalar constant of the dtype of `like` (float32 when unknown). */
function scalar(r: Rewriter, value: number, like: string, stem: string): string {
  const dtype = r.env.has(like) ? r.env.dtype(like) : 'float32';
  return r.constant({ dtype, dims: [], data: dtype === 'float64' ? new Float64Array([value]) : new Float32Array([value]) }, stem);
}

function ints(r: Rewriter, values: number[], stem: string): string {
  return r.constant({ dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) }, stem);
}

const groupNormalization: Lowering = (node, r) => {
  const [x, scale, bias] = node.inputs as [string, string, string];
  const s = node.name;
  if (!r.env.has(x)) fail(node, 'the input has an unknown shape');
  const shape = r.env.shape(x);
  const channels = shape[1], groups = getInt(node, 'num_groups', 0);
  if (typeof channels !== 'number' || shape.length < 3 || !shape.slice(2).every((d) => typeof d === 'number')) {
    fail(node, `GroupNormalization needs static channels and spatial dims, got [${shape.join(', ')}]`);
  }
  if (groups < 1 || channels % groups !== 0) fail(node, `num_groups ${groups} does not divide ${channels} channels`);
  const dtype = r.env.dtype(x);
  const filled = (v: number) => r.constant({ dtype, dims: [groups], data: dtype === 'float64' ? new Float64Array(groups).fill(v) : new Float32Array(groups).fill(v) }, s);
  const grouped = r.emit('Reshape', [x, ints(r, [0, groups, -1], s)], {}, s);
  const normal = r.emit('InstanceNormalization', [grouped, filled(1), filled(0)], { epsilon: attr.float(getFloat(node, 'epsilon', 1e-5)) }, s);
  const back = r.emit('Reshape', [normal, ints(r, [0, ...shape.slice(1) as number[]], s)], {}, s);
  // [G] → [G, C/G] → [C, 1, …, 1]: each group's value over its channels.
  const perChannel = (v: string) => r.emit('Reshape', [
    r.emit('Expand', [r.emit('Reshape', [v, ints(r, [groups, 1], s)], {}, s), ints(r, [groups, channels / groups], s)], {}, s),
    ints(r, [channels, ...shape.slice(2).map(() => 1)], s),
  ], {}, s);
  r.emit('Add', [r.emit('Mul', [back, perChannel(scale)], {}, s), perChannel(bias)], {}, s, node.outputs[0]);
};

const mish: Lowering = (node, r) => {
  const x = node.inputs[0]!, s = node.name;
  r.emit('Mul', [x, r.emit('Tanh', [r.emit('Softplus', [x], {}, s)], {}, s)], {}, s, node.outputs[0]);
};

const gelu: Lowering = (node, r) => {
  const x = node.inputs[0]!, s = node.name;
  const approximate = getString(node, 'approximate', 'none');
  let inner: string;
  if (approximate === 'none') inner = r.emit('Erf', [r.emit('Mul', [x, scalar(r, Math.SQRT1_2, x, s)], {}, s)], {}, s);
  else if (approximate === 'tanh') {
    const cube = r.emit('Mul', [r.emit('Mul', [x, x], {}, s), x], {}, s);
    const arg = r.emit('Add', [x, r.emit('Mul', [cube, scalar(r, 0.044715, x, s)], {}, s)], {}, s);
    inner = r.emit('Tanh', [r.emit('Mul', [arg, scalar(r, Math.sqrt(2 / Math.PI), x, s)], {}, s)], {}, s);
  } else fail(node, `approximate '${approximate}' is neither 'none' nor 'tanh'`);
  const half = r.emit('Mul', [x, scalar(r, 0.5, x, s)], {}, s);
  r.emit('Mul', [half, r.emit('Add', [inner, scalar(r, 1, x, s)], {}, s)], {}, s, node.outputs[0]);
};

export const LOWERINGS: Readonly<Record<string, Lowering>> = { GroupNormalization: groupNormalization, Mish: mish, Gelu: gelu };
