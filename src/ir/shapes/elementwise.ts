// Shape rules of elementwise ops: unary (same type), broadcasting binary/variadic, comparisons, Where, Cast.
import type { Node } from '../graph.js';
import { getInt } from '../graph.js';
import type { ShapeEnv, ShapeRule } from './index.js';
import type { DType } from '../tensor.js';
import { broadcastShapes } from './dims.js';

export const sameAsInput: ShapeRule = (node, env) => {
  const t = env.input(node, 0);
  env.output(node, 0, t, env.value(node.inputs[0]!));
};

/** Dropout at inference: output like the input, optional mask of bools. */
export const dropout: ShapeRule = (node, env) => {
  const t = env.input(node, 0);
  env.output(node, 0, t);
  env.output(node, 1, { dtype: 'bool', shape: t.shape });
};

function broadcastOf(node: Node, env: ShapeEnv, inputs: number[]) {
  const shapes = inputs.map((i) => env.input(node, i).shape);
  const out = broadcastShapes(shapes);
  if (typeof out === 'string') throw new Error(out);
  return out;
}

/** Integer arithmetic on tracked shape vectors (e.g. Mul(Shape(x), 2)) is rare; only same-length numeric vectors. */
function trackedArith(node: Node, env: ShapeEnv): number[] | undefined {
  const a = env.value(node.inputs[0]!), b = env.value(node.inputs[1]!);
  if (!a || !b || !a.every((d) => typeof d === 'number') || !b.every((d) => typeof d === 'number')) return undefined;
  const n = Math.max(a.length, b.length);
  if ((a.length !== n && a.length !== 1) || (b.length !== n && b.length !== 1)) return undefined;
  const x = (i: number) => (a.length === 1 ? a[0] : a[i]) as number;
  const y = (i: number) => (b.length === 1 ? b[0] : b[i]) as number;
  const f: Record<string, (p: number, q: number) => number> = {
    Add: (p, q) => p + q, Sub: (p, q) => p - q, Mul: (p, q) => p * q, Div: (p, q) => Math.trunc(p / q),
  };
  const op = f[node.op];
  return op ? Array.from({ length: n }, (_, i) => op(x(i), y(i))) : undefined;
}

export const binary: ShapeRule = (node, env) => {
  const a = env.input(node, 0), b = env.input(node, 1);
  if (node.op !== 'Pow' && a.dtype !== b.dtype) throw new Error(`inputs have different types ${a.dtype} and ${b.dtype}`);
  const shape = broadcastOf(node, env, [0, 1]);
  const value = a.dtype === 'int64' && shape.length <= 1 ? trackedArith(node, env) : undefined;
  env.output(node, 0, { dtype: a.dtype, shape }, value);
};

export const comparison: ShapeRule = (node, env) => {
  const ins = node.op === 'Not' ? [0] : [0, 1];
  env.output(node, 0, { dtype: 'bool', shape: broadcastOf(node, env, ins) });
};

export const variadic: ShapeRule = (node, env) => {
  const ins = node.inputs.map((_, i) => i);
  if (ins.length === 0) throw new Error('needs at least one input');
  env.output(node, 0, { dtype: env.input(node, 0).dtype, shape: broadcastOf(node, env, ins) });
};

export const where: ShapeRule = (node, env) => {
  if (env.input(node, 0).dtype !== 'bool') throw new Error(`condition should be bool, got ${env.input(node, 0).dtype}`);
  env.output(node, 0, { dtype: env.input(node, 1).dtype, shape: broadcastOf(node, env, [0, 1, 2]) });
};

/** ONNX TensorProto element types terrain handles. */
const ONNX_TYPES: Record<number, DType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };
export const ONNX_TYPE_OF: Record<DType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11 };

export function dtypeFromOnnx(code: number): DType {
  const d = ONNX_TYPES[code];
  if (!d) throw new Error(`unsupported element type ${code}`);
  return d;
}

export const cast: ShapeRule = (node, env) => {
  const t = env.input(node, 0);
  const to = dtypeFromOnnx(getInt(node, 'to', 1));
  const intish = (d: DType) => d === 'int64' || d === 'int32';
  const value = intish(to) && intish(t.dtype) ? env.value(node.inputs[0]!) : undefined;
  env.output(node, 0, { dtype: to, shape: t.shape }, value);
};
