// Mul with broadcasting: dA = dY · B, dB = dY · A, each fitted to its input's shape. dY may itself be smaller than
// Y (broadcastable, as a ReduceMean gradient arrives). A square x·x gets one product, 2·x·dY, not two. A dY of
// constant ones (the seed of a dot product ⟨a, b⟩, as HVP graphs build them) is not multiplied in: dA = B.
import { eqShape } from '../shapes/dims.js';
import type { Emitter } from './emitter.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { fitTo } from './helpers.js';

const SHAPE_ONLY = new Set(['Unsqueeze', 'Reshape', 'Squeeze', 'Expand', 'Identity', 'Flatten']);

/** Whether `v` is an emitted float constant of ones, possibly reshaped or expanded (never a model initializer). */
function isOnes(e: Emitter, v: string, depth = 0): boolean {
  const t = e.graph.initializers.get(v);
  if (t) return v.startsWith('const/') && (t.dtype === 'float32' || t.dtype === 'float64') && (t.data as Float32Array).every((x) => x === 1);
  if (depth > 4) return false;
  const producer = e.graph.nodes.find((n) => n.outputs.includes(v));
  return !!producer && SHAPE_ONLY.has(producer.op) && (producer.domain ?? '') === '' && isOnes(e, producer.inputs[0]!, depth + 1);
}

export const mul: GradRule = (c) => {
  const { e } = c;
  const g = dy0(c);
  const [a, b] = [c.x(0), c.x(1)];
  if (a === b && c.needs(0)) return [fitTo(e, e.op('Mul', [a, e.op('Mul', [g, e.scalar(2, g)])]), a)];
  const y = e.shape(c.y(0));
  const ones = isOnes(e, g);
  const times = (other: string) => (ones && eqShape(e.shape(other), y) ? other : e.op('Mul', [g, other]));
  const out: (string | undefined)[] = [];
  if (c.needs(0)) out[0] = fitTo(e, times(b), a);
  if (c.needs(1)) out[1] = fitTo(e, times(a), b);
  return out;
};
