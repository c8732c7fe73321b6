// Evaluates small constant subgraphs of imported models in plain JS: the shape arithmetic that PyTorch exports emit
// around Reshape, Pad, Expand and Slice (Constant → Shape → Gather → Concat → Cast → …). Values are held as JS
// numbers: int64 entries beyond 2^53 (Slice's "to the end" sentinels) lose low bits but keep sign and magnitude,
// which is all those uses need, and are clamped back into int64 range when written out.
import type { Node } from '../graph.js';
import { getFloat, getInt, getInts } from '../graph.js';
import { dtypeFromOnnx } from '../shapes/elementwise.js';
import { sliceRange } from '../shapes/tensor-ops.js';
import { sizeOf, type DType, type Tensor } from '../tensor.js';

/** A constant as plain numbers, row-major. */
export interface Const {
  dtype: DType;
  dims: number[];
  data: number[];
}

/** Largest tensor the evaluator produces; bigger results stay as nodes for ORT to compute. */
export const MAX_FOLD_ELEMENTS = 1 << 16;

export class TooLargeToFold extends Error {}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

export function constOf(t: Tensor): Const {
  return { dtype: t.dtype, dims: [...t.dims], data: Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x)) };
}

export function tensorOf(c: Const): Tensor {
  const n = c.data.length;
  switch (c.dtype) {
    case 'float32': return { dtype: c.dtype, dims: c.dims, data: Float32Array.from(c.data) };
    case 'float64': return { dtype: c.dtype, dims: c.dims, data: Float64Array.from(c.data) };
    case 'int32': return { dtype: c.dtype, dims: c.dims, data: Int32Array.from(c.data) };
    case 'int8': return { dtype: c.dtype, dims: c.dims, data: Int8Array.from(c.data) };
    case 'uint8': case 'bool': return { dtype: c.dtype, dims: c.dims, data: Uint8Array.from(c.data) };
    case 'int64': {
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = c.data[i]!;
        const b = Number.isFinite(v) ? BigInt(Math.trunc(v)) : v > 0 ? INT64_MAX : INT64_MIN;
        data[i] = b > INT64_MAX ? INT64_MAX : b < INT64_MIN ? INT64_MIN : b;
      }
      return { dtype: c.dtype, dims: c.dims, data };
    }
  }
}

const make = (dtype: DType, dims: number[], data: number[]): Const => {
  if (data.length !== sizeOf(dims)) throw new Error(`internal: ${data.length} values for shape [${dims}]`);
  return { dtype, dims, data };
};

function guardSize(dims: readonly number[], what: string): void {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`${what}: invalid dimension ${d}`);
    n *= d;
    if (n > MAX_FOLD_ELEMENTS) throw new TooLargeToFold(`${what}: [${dims}] is too large to fold`);
  }
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** Calls f(outIndex, multi-index) for every entry of a tensor of the given dims. */
function forEachIndex(dims: readonly number[], f: (flat: number, idx: number[]) => void): void {
  const n = sizeOf(dims);
  const idx = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(flat, idx);
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
}

function normAxis(a: number, rank: number, what: string): number {
  const r = a < 0 ? a + rank : a;
  if (!Number.isInteger(r) || r < 0 || r >= Math.max(rank, 1)) throw new Error(`${what}: axis ${a} is out of range for rank ${rank}`);
  return r;
}

function broadcastDims(shapes: number[][], what: string): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    let d = 1;
    for (const s of shapes) {
      const e = s[i - (rank - s.length)];
      if (e === undefined || e === 1) continue;
      if (d !== 1 && d !== e) throw new Error(`${what}: cannot broadcast [${shapes.map((x) => `[${x}]`).join(', ')}]`);
      d = e;
    }
    return d;
  });
}

/** Reads entry `idx` (an output multi-index) of `c` broadcast to `outDims`. */
function broadcastReader(c: Const, outDims: number[]): (idx: number[]) => number {
  const st = strides(c.dims);
  const off = outDims.length - c.dims.length;
  return (idx) => {
    let k = 0;
    for (let a = 0; a < c.dims.length; a++) if (c.dims[a] !== 1) k += idx[a + off]! * st[a]!;
    return c.data[k]!;
  };
}

function elementwise(inputs: Const[], dtype: DType, f: (...v: number[]) => number, what: string): Const {
  const dims = broadcastDims(inputs.map((c) => c.dims), what);
  guardSize(dims, what);
  const readers = inputs.map((c) => broadcastReader(c, dims));
  const out = new Array<number>(sizeOf(dims));
  forEachIndex(dims, (flat, idx) => { out[flat] = f(...readers.map((r) => r(idx))); });
  return make(dtype, dims, out);
}

const isIntType = (d: DType) => d === 'int64' || d === 'int32' || d === 'int8' || d === 'uint8';

function castValue(v: number, to: DType): number {
  if (to === 'bool') return v !== 0 ? 1 : 0;
  if (isIntType(to)) return Number.isFinite(v) ? Math.trunc(v) : 0;
  return to === 'float32' ? Math.fround(v) : v;
}

function constantNode(node: Node): Const {
  const a = node.attrs;
  const t = a['value'];
  if (t?.type === 'tensor') return constOf(t.value);
  if (a['value_float']) return make('float32', [], [getFloat(node, 'value_float', 0)]);
  if (a['value_int']) return make('int64', [], [getInt(node, 'value_int', 0)]);
  const floats = a['value_floats'];
  if (floats?.type === 'floats') return make('float32', [floats.value.length], floats.value.map(Math.fround));
  const ints = a['value_ints'];
  if (ints?.type === 'ints') return make('int64', [ints.value.length], [...ints.value]);
  throw new Error('Constant needs a value, value_float(s) or value_int(s) attribute');
}

function axesFrom(node: Node, input: Const | undefined): number[] | undefined {
  return input ? input.data : getInts(node, 'axes', undefined);
}

function gather(x: Const, ind: Const, axis0: number): Const {
  const axis = normAxis(axis0, x.dims.length, 'Gather');
  const n = x.dims[axis]!;
  const dims = [...x.dims.slice(0, axis), ...ind.dims, ...x.dims.slice(axis + 1)];
  guardSize(dims, 'Gather');
  const st = strides(x.dims);
  const out = new Array<number>(sizeOf(dims));
  forEachIndex(dims, (flat, idx) => {
    const before = idx.slice(0, axis), inner = idx.slice(axis, axis + ind.dims.length), after = idx.slice(axis + ind.dims.length);
    let k = 0;
    inner.forEach((v, a) => { k = k * ind.dims[a]! + v; });
    let i = ind.data[k]!;
    if (i < 0) i += n;
    if (!(i >= 0 && i < n)) throw new Error(`Gather: index ${ind.data[k]} is out of range for axis of size ${n}`);
    const src = [...before, i, ...after];
    out[flat] = x.data[src.reduce((s, v, a) => s + v * st[a]!, 0)]!;
  });
  return make(x.dtype, dims, out);
}

function transpose(x: Const, perm: number[]): Const {
  const r = x.dims.length;
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) throw new Error(`Transpose: perm [${perm}] is not a permutation of rank ${r}`);
  const dims = perm.map((p) => x.dims[p]!);
  const st = strides(x.dims);
  const out = new Array<number>(x.data.length);
  forEachIndex(dims, (flat, idx) => { out[flat] = x.data[idx.reduce((s, v, a) => s + v * st[perm[a]!]!, 0)]!; });
  return make(x.dtype, dims, out);
}

function concat(xs: Const[], axis0: number): Const {
  const r = xs[0]!.dims.length;
  const axis = normAxis(axis0, r, 'Concat');
  for (const x of xs) {
    if (x.dims.length !== r || x.dims.some((d, a) => a !== axis && d !== xs[0]!.dims[a])) throw new Error(`Concat: shapes ${xs.map((c) => `[${c.dims}]`).join(', ')} do not line up on axis ${axis}`);
  }
  const dims = [...xs[0]!.dims];
  dims[axis] = xs.reduce((s, x) => s + x.dims[axis]!, 0);
  guardSize(dims, 'Concat');
  const outer = sizeOf(dims.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const x of xs) {
      const block = sizeOf(x.dims.slice(axis));
      for (let k = 0; k < block; k++) out.push(x.data[o * block + k]!);
    }
  }
  return make(xs[0]!.dtype, dims, out);
}

function slice(x: Const, starts: number[], ends: number[], axes0: number[] | undefined, steps0: number[] | undefined): Const {
  const r = x.dims.length;
  const axes = (axes0 ?? starts.map((_, i) => i)).map((a) => normAxis(a, r, 'Slice'));
  const steps = steps0 ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) throw new Error('Slice: starts, ends, axes and steps differ in length');
  const begin = x.dims.map(() => 0), step = x.dims.map(() => 1), dims = [...x.dims];
  axes.forEach((a, i) => {
    if (steps[i] === 0) throw new Error('Slice: steps must not be 0');
    const [s, , len] = sliceRange(x.dims[a]!, starts[i]!, ends[i]!, steps[i]!);
    begin[a] = s; step[a] = steps[i]!; dims[a] = len;
  });
  const st = strides(x.dims);
  const out = new Array<number>(sizeOf(dims));
  forEachIndex(dims, (flat, idx) => { out[flat] = x.data[idx.reduce((s, v, a) => s + (begin[a]! + v * step[a]!) * st[a]!, 0)]!; });
  return make(x.dtype, dims, out);
}

function reshape(x: Const, target: number[], allowZero: boolean): Const {
  const dims = target.map((d, i) => (d === 0 && !allowZero ? x.dims[i] ?? 0 : d));
  const at = dims.indexOf(-1);
  if (at >= 0) {
    const known = sizeOf(dims.filter((_, i) => i !== at));
    if (known === 0 || x.data.length % known !== 0) throw new Error(`Reshape: cannot infer -1 in [${target}] for [${x.dims}]`);
    dims[at] = x.data.length / known;
  }
  if (dims.some((d) => d < 0) || sizeOf(dims) !== x.data.length) throw new Error(`Reshape: [${x.dims}] cannot become [${target}]`);
  return make(x.dtype, dims, x.data);
}

const BINARY: Record<string, (a: number, b: number, int: boolean) => number> = {
  Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b,
  Div: (a, b, int) => {
    if (!int) return a / b;
    if (b === 0) throw new Error('Div: integer division by zero');
    return Math.trunc(a / b);
  },
  Equal: (a, b) => (a === b ? 1 : 0), Less: (a, b) => (a < b ? 1 : 0), Greater: (a, b) => (a > b ? 1 : 0),
  And: (a, b) => (a && b ? 1 : 0), Or: (a, b) => (a || b ? 1 : 0),
};
const COMPARISONS = new Set(['Equal', 'Less', 'Greater', 'And', 'Or']);

/** Ops this evaluator computes (Shape and Size are folded from static shapes by the caller). */
export const FOLDABLE_OPS: ReadonlySet<string> = new Set([
  'Constant', 'Identity', 'Cast', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Reshape', 'Transpose', 'Flatten',
  'ConstantOfShape', 'Range', 'Expand', 'Neg', 'Not', 'Where', 'Min', 'Max', ...Object.keys(BINARY),
]);

/**
 * Output 0 of `node` from constant inputs ('' entries are omitted optional inputs). Throws TooLargeToFold when the
 * result would exceed MAX_FOLD_ELEMENTS, and Error (naming the op) when the inputs are inconsistent.
 */
export function evaluate(node: Node, inputs: (Const | undefined)[]): Const {
  const need = (i: number): Const => {
    const c = inputs[i];
    if (!c) throw new Error(`${node.op}: input ${i} is missing`);
    return c;
  };
  const op = node.op;
  if (op in BINARY) {
    const a = need(0), b = need(1);
    const int = isIntType(a.dtype);
    const f = BINARY[op]!;
    return elementwise([a, b], COMPARISONS.has(op) ? 'bool' : a.dtype, (p, q) => f(p, q, int), op);
  }
  switch (op) {
    case 'Constant': return constantNode(node);
    case 'Identity': return need(0);
    case 'Cast': {
      const to = dtypeFromOnnx(getInt(node, 'to', 1));
      return make(to, need(0).dims, need(0).data.map((v) => castValue(v, to)));
    }
    case 'Neg': return make(need(0).dtype, need(0).dims, need(0).data.map((v) => -v));
    case 'Not': return make('bool', need(0).dims, need(0).data.map((v) => (v ? 0 : 1)));
    case 'Min': case 'Max': {
      const f = op === 'Min' ? Math.min : Math.max;
      return inputs.filter((c): c is Const => !!c).reduce((acc, c) => elementwise([acc, c], acc.dtype, f, op));
    }
    case 'Where': return elementwise([need(0), need(1), need(2)], need(1).dtype, (c, a, b) => (c ? a : b), op);
    case 'Gather': return gather(need(0), need(1), getInt(node, 'axis', 0));
    case 'Unsqueeze': {
      const axes = axesFrom(node, inputs[1]);
      if (!axes) throw new Error('Unsqueeze: axes are required');
      const r = need(0).dims.length + axes.length;
      const dims = [...need(0).dims];
      for (const a of axes.map((v) => normAxis(v, r, 'Unsqueeze')).sort((p, q) => p - q)) dims.splice(a, 0, 1);
      return make(need(0).dtype, dims, need(0).data);
    }
    case 'Squeeze': {
      const given = axesFrom(node, inputs[1]);
      const r = need(0).dims.length;
      const axes = given ? given.map((a) => normAxis(a, r, 'Squeeze')) : need(0).dims.flatMap((d, i) => (d === 1 ? [i] : []));
      for (const a of axes) if (need(0).dims[a] !== 1) throw new Error(`Squeeze: axis ${a} of [${need(0).dims}] is not 1`);
      return make(need(0).dtype, need(0).dims.filter((_, i) => !axes.includes(i)), need(0).data);
    }
    case 'Concat': return concat(inputs.filter((c): c is Const => !!c), getInt(node, 'axis', 0));
    case 'Slice': return slice(need(0), need(1).data, need(2).data, inputs[3]?.data, inputs[4]?.data);
    case 'Reshape': return reshape(need(0), need(1).data, getInt(node, 'allowzero', 0) === 1);
    case 'Transpose': {
      const r = need(0).dims.length;
      return transpose(need(0), getInts(node, 'perm', undefined) ?? Array.from({ length: r }, (_, i) => r - 1 - i));
    }
    case 'Flatten': {
      const d = need(0).dims;
      const axis = getInt(node, 'axis', 1);
      const a = axis < 0 ? axis + d.length : axis;
      if (a < 0 || a > d.length) throw new Error(`Flatten: axis ${axis} is out of range for rank ${d.length}`);
      return make(need(0).dtype, [sizeOf(d.slice(0, a)), sizeOf(d.slice(a))], need(0).data);
    }
    case 'ConstantOfShape': {
      const dims = need(0).data;
      guardSize(dims, 'ConstantOfShape');
      const v = node.attrs['value'];
      const fill = v?.type === 'tensor' ? constOf(v.value) : make('float32', [1], [0]);
      return make(fill.dtype, dims, new Array<number>(sizeOf(dims)).fill(fill.data[0] ?? 0));
    }
    case 'Range': {
      const [s, l, d] = [need(0).data[0]!, need(1).data[0]!, need(2).data[0]!];
      if (d === 0) throw new Error('Range: delta must not be 0');
      const n = Math.max(0, Math.ceil((l - s) / d));
      guardSize([n], 'Range');
      return make(need(0).dtype, [n], Array.from({ length: n }, (_, i) => s + i * d));
    }
    case 'Expand': {
      const dims = broadcastDims([need(0).dims, need(1).data], 'Expand');
      guardSize(dims, 'Expand');
      return elementwise([need(0), make(need(0).dtype, dims, new Array<number>(sizeOf(dims)).fill(0))], need(0).dtype, (a) => a, 'Expand');
    }
    default: throw new Error(`internal: '${op}' is not foldable`);
  }
}
