// Evaluates small constant subgraphs of imported models in plain JS: the shape arithmetic that PyTorch exports emit
// around Reshape, Pad, Expand and Slice (Constant → Shape → Gather → Concat → Cast → …).
import type { Node } from '../graph.js';
import { getFloat, getInt, getInts } from '../graph.js';
import { dtypeFromOnnx } from '../shapes/elementwise.js';
import { sizeOf, type DType } from '../tensor.js';
import { broadcastDims, concat, elementwise, gather, guardSize, make, normAxis, reshape, slice, transpose } from './const-ops.js';
import { constOf, type Const } from './const-types.js';

export { constOf, tensorOf, MAX_FOLD_ELEMENTS, TooLargeToFold, type Const } from './const-types.js';

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
