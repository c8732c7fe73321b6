// Shape rules of network layers: Conv, ConvTranspose, Gemm, MatMul, BatchNormalization, pooling.
import type { Dim } from '../graph.js';
import { getInt } from '../graph.js';
import type { ShapeRule } from './index.js';
import { broadcastShapes, eqDim, mulDim, showShape } from './dims.js';
import { convTransposeWindow, convWindow, poolWindow } from './geometry.js';

export const conv: ShapeRule = (node, env) => {
  const x = env.input(node, 0), w = env.input(node, 1);
  if (x.shape.length < 3 || w.shape.length !== x.shape.length) throw new Error(`expects X [N, C, ...] and W of the same rank, got X ${showShape(x.shape)} and W ${showShape(w.shape)}`);
  const group = getInt(node, 'group', 1);
  const cin = mulDim(w.shape[1]!, group);
  if (!eqDim(cin, x.shape[1]!)) throw new Error(`X has ${x.shape[1]} channels, W ${showShape(w.shape)} with group ${group} expects ${cin}`);
  const win = convWindow(node, x.shape, w.shape);
  env.output(node, 0, { dtype: x.dtype, shape: [x.shape[0]!, w.shape[0]!, ...win.output] });
};

export const convTranspose: ShapeRule = (node, env) => {
  const x = env.input(node, 0), w = env.input(node, 1);
  if (x.shape.length < 3 || w.shape.length !== x.shape.length) throw new Error(`expects X [N, C, ...] and W of the same rank, got X ${showShape(x.shape)} and W ${showShape(w.shape)}`);
  if (!eqDim(w.shape[0]!, x.shape[1]!)) throw new Error(`X has ${x.shape[1]} channels, W ${showShape(w.shape)} expects ${w.shape[0]}`);
  const group = getInt(node, 'group', 1);
  const win = convTransposeWindow(node, x.shape, w.shape);
  env.output(node, 0, { dtype: x.dtype, shape: [x.shape[0]!, mulDim(w.shape[1]!, group), ...win.output] });
};

export const gemm: ShapeRule = (node, env) => {
  const a = env.input(node, 0), b = env.input(node, 1);
  if (a.shape.length !== 2 || b.shape.length !== 2) throw new Error(`A and B must be matrices, got ${showShape(a.shape)} and ${showShape(b.shape)}`);
  const [m, ka] = getInt(node, 'transA', 0) ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [kb, n] = getInt(node, 'transB', 0) ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (!eqDim(ka, kb)) throw new Error(`inner dimensions differ: op(A) ${showShape([m, ka])}, op(B) ${showShape([kb, n])}`);
  if (node.inputs[2]) {
    const c = env.input(node, 2).shape;
    const out = broadcastShapes([[m, n], c]);
    if (typeof out === 'string' || out.length !== 2 || !eqDim(out[0]!, m) || !eqDim(out[1]!, n)) {
      throw new Error(`C ${showShape(c)} does not broadcast to ${showShape([m, n])}`);
    }
  }
  env.output(node, 0, { dtype: a.dtype, shape: [m, n] });
};

export const matmul: ShapeRule = (node, env) => {
  const a = env.input(node, 0), b = env.input(node, 1);
  const sa = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const sb = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  if (sa.length < 2 || sb.length < 2) throw new Error(`inputs must have rank ≥ 1, got ${showShape(a.shape)} and ${showShape(b.shape)}`);
  const k1 = sa[sa.length - 1]!, k2 = sb[sb.length - 2]!;
  if (!eqDim(k1, k2)) throw new Error(`inner dimensions differ: ${showShape(a.shape)} × ${showShape(b.shape)}`);
  const batch = broadcastShapes([sa.slice(0, -2), sb.slice(0, -2)]);
  if (typeof batch === 'string') throw new Error(batch);
  const out: Dim[] = [...batch];
  if (a.shape.length > 1) out.push(sa[sa.length - 2]!);
  if (b.shape.length > 1) out.push(sb[sb.length - 1]!);
  env.output(node, 0, { dtype: a.dtype, shape: out });
};

export const batchNorm: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  if (x.shape.length < 2) throw new Error(`X must be [N, C, ...], got ${showShape(x.shape)}`);
  for (let i = 1; i <= 4; i++) {
    const s = env.input(node, i).shape;
    if (s.length !== 1 || !eqDim(s[0]!, x.shape[1]!)) throw new Error(`input ${i} should be [${x.shape[1]}], got ${showShape(s)}`);
  }
  env.output(node, 0, x);
  for (let i = 1; i < node.outputs.length; i++) env.output(node, i, { dtype: x.dtype, shape: [x.shape[1]!] });
};

export const pool: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const win = poolWindow(node, x.shape);
  const shape = [x.shape[0]!, x.shape[1]!, ...win.output];
  env.output(node, 0, { dtype: x.dtype, shape });
  env.output(node, 1, { dtype: 'int64', shape });
};

export const globalPool: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  if (x.shape.length < 3) throw new Error(`X must be [N, C, ...spatial], got ${showShape(x.shape)}`);
  env.output(node, 0, { dtype: x.dtype, shape: [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)] });
};

export const flatten: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const r = x.shape.length;
  let axis = getInt(node, 'axis', 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) throw new Error(`axis ${getInt(node, 'axis', 1)} is out of range for rank ${r}`);
  const head = x.shape.slice(0, axis).reduce<Dim>((p, d) => mulDim(p, d), 1);
  const tail = x.shape.slice(axis).reduce<Dim>((p, d) => mulDim(p, d), 1);
  env.output(node, 0, { dtype: x.dtype, shape: [head, tail] });
};

/** OneHot(indices, depth, values): indices shape with depth inserted at `axis`. */
export const oneHot: ShapeRule = (node, env) => {
  const idx = env.input(node, 0);
  const depth = env.value(node.inputs[1]!);
  if (!depth || depth.length !== 1) throw new Error('depth must be a constant scalar');
  const vals = env.input(node, 2);
  const r = idx.shape.length + 1;
  let axis = getInt(node, 'axis', -1);
  if (axis < 0) axis += r;
  const shape = [...idx.shape];
  shape.splice(axis, 0, depth[0]!);
  env.output(node, 0, { dtype: vals.dtype, shape });
};

