// Shape rules of data-movement ops, tracking small int64 contents (shape vectors) through them.
import type { Dim, Node } from '../graph.js';
import { getInt, getInts } from '../graph.js';
import type { ShapeEnv, ShapeRule } from './index.js';
import type { Tensor } from '../tensor.js';
import { addDim, broadcastShapes, divDim, isStatic, normAxis, productDims, showShape } from './dims.js';

/** Axes from input `i` (opset ≥ 13) or the `axes` attribute (older opsets). */
export function axesOf(node: Node, env: ShapeEnv, i: number): number[] | undefined {
  if (node.inputs[i]) return env.ints(node, i, 'axes');
  return getInts(node, 'axes', undefined);
}

export const reshape: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const target = env.value(node.inputs[1]!);
  if (!target) throw new Error(`target shape '${node.inputs[1]}' must be a constant or computed from Shape`);
  const allowZero = getInt(node, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? x.shape[i] ?? 0 : d));
  const inferAt = out.indexOf(-1);
  if (inferAt >= 0) {
    const known = productDims(out.filter((_, i) => i !== inferAt));
    const d = divDim(productDims(x.shape), known);
    if (d === undefined) throw new Error(`cannot infer -1 in target ${showShape(target)} for input ${showShape(x.shape)}`);
    out[inferAt] = d;
  } else if (x.shape.every(isStatic) && out.every(isStatic) && productDims(x.shape) !== productDims(out)) {
    // Both sides known: a mismatch would only surface in ORT (an exporter's baked batch size, say).
    throw new Error(`cannot reshape ${showShape(x.shape)} (${productDims(x.shape)} elements) to ${showShape(out)}`);
  }
  env.output(node, 0, { dtype: x.dtype, shape: out }, env.value(node.inputs[0]!));
};

export const transpose: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const r = x.shape.length;
  const perm = getInts(node, 'perm', undefined) ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) throw new Error(`perm [${perm}] is not a permutation of rank ${r}`);
  env.output(node, 0, { dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) });
};

export const concat: ShapeRule = (node, env) => {
  const ts = node.inputs.map((_, i) => env.input(node, i));
  const r = ts[0]!.shape.length;
  const axis = normAxis(getInt(node, 'axis', 0), r, 'concat');
  const shape = [...ts[0]!.shape];
  for (const t of ts.slice(1)) {
    if (t.shape.length !== r) throw new Error(`inputs have ranks ${ts.map((u) => u.shape.length)}`);
    const s = addDim(shape[axis]!, t.shape[axis]!);
    if (s === undefined) throw new Error(`cannot add symbolic sizes ${shape[axis]} and ${t.shape[axis]} along axis ${axis}`);
    shape[axis] = s;
  }
  const values = node.inputs.map((n) => env.value(n));
  const value = r === 1 && values.every((v) => v) ? values.flatMap((v) => v!) : undefined;
  env.output(node, 0, { dtype: ts[0]!.dtype, shape }, value);
};

const BIG = 2 ** 53;

/** ONNX Slice clamping for one axis of static size n; returns [start, end, length]. */
export function sliceRange(n: number, start: number, end: number, step: number): [number, number, number] {
  const clampAt = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  if (step > 0) { s = clampAt(s, 0, n); e = clampAt(e, 0, n); }
  else { s = clampAt(s, -1, n - 1); e = clampAt(e, -1, n - 1); }
  return [s, e, Math.max(0, Math.ceil((e - s) / step))];
}

export const slice: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const r = x.shape.length;
  const starts = env.ints(node, 1, 'starts'), ends = env.ints(node, 2, 'ends');
  const axes = node.inputs[3] ? env.ints(node, 3, 'axes') : starts.map((_, i) => i);
  const steps = node.inputs[4] ? env.ints(node, 4, 'steps') : starts.map(() => 1);
  const shape = [...x.shape];
  const tracked = env.value(node.inputs[0]!);
  let value: Dim[] | undefined;
  axes.forEach((a0, i) => {
    const a = normAxis(a0, r, 'slice');
    const d = shape[a]!;
    const [st, en, step] = [starts[i]!, ends[i]!, steps[i]!];
    if (step === 0) throw new Error('steps must not be 0');
    if (isStatic(d)) {
      const [s, , len] = sliceRange(d, st, en, step);
      shape[a] = len;
      if (tracked && r === 1) value = Array.from({ length: len }, (_, k) => tracked[s + k * step]!);
    } else if (st === 0 && en >= BIG / 4 && step === 1) {
      shape[a] = d;
    } else {
      throw new Error(`cannot slice symbolic axis ${a} of ${showShape(x.shape)} with start ${st}, end ${en}, step ${step}`);
    }
  });
  env.output(node, 0, { dtype: x.dtype, shape }, value);
};

export const pad: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const r = x.shape.length;
  const pads = node.inputs[1] ? env.ints(node, 1, 'pads') : getInts(node, 'pads', undefined);
  if (!pads || pads.length !== 2 * r) throw new Error(`pads must have ${2 * r} entries, got ${pads ? pads.length : 'none'}`);
  const shape = x.shape.map((d, i) => {
    const s = addDim(d, pads[i]! + pads[i + r]!);
    if (s === undefined) throw new Error(`cannot pad symbolic axis ${i} of ${showShape(x.shape)}`);
    return s;
  });
  env.output(node, 0, { dtype: x.dtype, shape });
};

export const split: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const axis = normAxis(getInt(node, 'axis', 0), x.shape.length, 'split');
  const n = node.outputs.length;
  const d = x.shape[axis]!;
  let sizes = node.inputs[1] ? env.ints(node, 1, 'split') : getInts(node, 'split', undefined);
  if (!sizes) {
    if (!isStatic(d) || d % n !== 0) throw new Error(`cannot split axis ${axis} of size ${d} into ${n} equal parts`);
    sizes = new Array(n).fill(d / n);
  }
  if (sizes.length !== n) throw new Error(`split has ${sizes.length} sizes for ${n} outputs`);
  sizes.forEach((s, i) => env.output(node, i, { dtype: x.dtype, shape: x.shape.map((e, k) => (k === axis ? s : e)) }));
};

export const squeeze: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const r = x.shape.length;
  const given = axesOf(node, env, 1);
  const axes = given ? given.map((a) => normAxis(a, r, 'squeeze')) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of axes) if (x.shape[a] !== 1) throw new Error(`axis ${a} of ${showShape(x.shape)} is not 1`);
  const v = env.value(node.inputs[0]!);
  env.output(node, 0, { dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.includes(i)) }, v);
};

export const unsqueeze: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const given = axesOf(node, env, 1);
  if (!given) throw new Error('axes are required');
  const r = x.shape.length + given.length;
  const axes = given.map((a) => normAxis(a, r, 'unsqueeze')).sort((a, b) => a - b);
  const shape = [...x.shape];
  for (const a of axes) shape.splice(a, 0, 1);
  env.output(node, 0, { dtype: x.dtype, shape }, env.value(node.inputs[0]!));
};

export const expand: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const target = env.value(node.inputs[1]!);
  if (!target) throw new Error(`target shape '${node.inputs[1]}' must be a constant or computed from Shape`);
  const shape = broadcastShapes([x.shape, target]);
  if (typeof shape === 'string') throw new Error(shape);
  env.output(node, 0, { dtype: x.dtype, shape });
};

export const shapeOp: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const r = x.shape.length;
  const start = getInt(node, 'start', 0), end = getInt(node, 'end', r);
  const [s, , len] = sliceRange(r, start, end, 1);
  const dims = x.shape.slice(s, s + len);
  env.output(node, 0, { dtype: 'int64', shape: [dims.length] }, dims);
};

export const size: ShapeRule = (node, env) => {
  env.output(node, 0, { dtype: 'int64', shape: [] }, [productDims(env.input(node, 0).shape)]);
};

function attrTensor(node: Node, key: string): Tensor | undefined {
  const a = node.attrs[key];
  return a && a.type === 'tensor' ? a.value : undefined;
}

export const constantOfShape: ShapeRule = (node, env) => {
  const target = env.value(node.inputs[0]!);
  if (!target) throw new Error(`shape '${node.inputs[0]}' must be a constant or computed from Shape`);
  env.output(node, 0, { dtype: attrTensor(node, 'value')?.dtype ?? 'float32', shape: target });
};

export const constant: ShapeRule = (node, env) => {
  const t = attrTensor(node, 'value');
  if (t) { env.setTensor(node.outputs[0]!, t); return; }
  const a = node.attrs['value_float'] ?? node.attrs['value_floats'] ?? node.attrs['value_int'] ?? node.attrs['value_ints'];
  if (!a) throw new Error('needs a value, value_float(s) or value_int(s) attribute');
  const isInt = a === node.attrs['value_int'] || a === node.attrs['value_ints'];
  const vals = Array.isArray(a.value) ? (a.value as number[]) : [a.value as number];
  const shape = Array.isArray(a.value) ? [vals.length] : [];
  env.output(node, 0, { dtype: isInt ? 'int64' : 'float32', shape }, isInt ? vals : undefined);
};

export const gather: ShapeRule = (node, env) => {
  const data = env.input(node, 0), idx = env.input(node, 1);
  const axis = normAxis(getInt(node, 'axis', 0), data.shape.length, 'gather');
  const shape = [...data.shape.slice(0, axis), ...idx.shape, ...data.shape.slice(axis + 1)];
  const dv = env.value(node.inputs[0]!), iv = env.value(node.inputs[1]!);
  let value: Dim[] | undefined;
  if (dv && iv && data.shape.length === 1 && iv.every(isStatic)) {
    value = (iv as number[]).map((i) => dv[i < 0 ? i + dv.length : i]!);
  }
  env.output(node, 0, { dtype: data.dtype, shape }, value);
};

export const range: ShapeRule = (node, env) => {
  const [s] = env.ints(node, 0, 'start'), [l] = env.ints(node, 1, 'limit'), [d] = env.ints(node, 2, 'delta');
  const n = Math.max(0, Math.ceil((l! - s!) / d!));
  const dtype = env.input(node, 0).dtype;
  const value = dtype === 'int64' ? Array.from({ length: n }, (_, i) => s! + i * d!) : undefined;
  env.output(node, 0, { dtype, shape: [n] }, value);
};

export const tile: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const reps = env.ints(node, 1, 'repeats');
  if (reps.length !== x.shape.length) throw new Error(`repeats has ${reps.length} entries for rank ${x.shape.length}`);
  env.output(node, 0, { dtype: x.dtype, shape: x.shape.map((d, i) => productDims([d, reps[i]!])) });
};
