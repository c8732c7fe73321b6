// ParamVector: all trainable parameters of a model in one contiguous Float32Array, with named views.
// Buffers (BN running statistics) are kept apart: they are state, not coordinates of the landscape.
import type { Graph } from '../ir/graph.js';
import type { Model } from '../ir/model.js';
import { sizeOf, type Tensor } from '../ir/tensor.js';

export interface TensorSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  /** Output filters (conv) / output neurons (dense): dim 0 of a tensor of rank ≥ 2; 1-D tensors have none. */
  filters: number;
}

export class ParamLayout {
  readonly slots: readonly TensorSlot[];
  readonly size: number;
  private readonly byName: Map<string, TensorSlot>;

  constructor(entries: readonly { name: string; shape: readonly number[] }[]) {
    let offset = 0;
    this.slots = entries.map(({ name, shape }) => {
      const size = sizeOf(shape);
      const slot = { name, shape: [...shape], offset, size, filters: shape.length >= 2 ? shape[0]! : 0 };
      offset += size;
      return slot;
    });
    this.size = offset;
    this.byName = new Map(this.slots.map((s) => [s.name, s]));
  }

  static ofModel(model: Model): ParamLayout {
    return new ParamLayout(model.params.map((name) => {
      const t = model.graph.initializers.get(name);
      if (!t) throw new Error(`model parameter '${name}' has no initializer in the graph`);
      return { name, shape: t.dims };
    }));
  }

  slot(name: string): TensorSlot {
    const s = this.byName.get(name);
    if (!s) throw new Error(`no parameter named '${name}' (the model has ${this.slots.length} parameter tensors)`);
    return s;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Throws with a precise message unless `other` has the same names and shapes in the same order. */
  assertSame(other: ParamLayout, what = 'vector'): void {
    const problem = this.mismatch(other);
    if (problem) throw new Error(`${what}${problem}`);
  }

  /** How `other` differs from this layout, worded to follow its name (" has …" or ": tensor …"); undefined if alike. */
  mismatch(other: ParamLayout): string | undefined {
    if (other === this) return undefined;
    if (other.size !== this.size) return ` has ${other.size.toLocaleString('en')} entries, the model has ${this.size.toLocaleString('en')} parameters`;
    for (let i = 0; i < this.slots.length; i++) {
      const a = this.slots[i]!, b = other.slots[i];
      if (!b || a.name !== b.name || a.shape.join() !== b.shape.join()) return `: tensor ${i} is '${b?.name}' [${b?.shape}], the model expects '${a.name}' [${a.shape}]`;
    }
    return undefined;
  }
}

export interface ParamVector {
  layout: ParamLayout;
  data: Float32Array;
}

export function zeros(layout: ParamLayout): ParamVector {
  return { layout, data: new Float32Array(layout.size) };
}

export function clone(p: ParamVector): ParamVector {
  return { layout: p.layout, data: p.data.slice() };
}

/** Copies a model's trainable initializers into one vector. */
export function paramsOf(model: Model, layout = ParamLayout.ofModel(model)): ParamVector {
  return fromTensors(layout, model.graph.initializers);
}

export function fromTensors(layout: ParamLayout, tensors: ReadonlyMap<string, Tensor>, what = 'tensors'): ParamVector {
  const out = zeros(layout);
  for (const s of layout.slots) {
    const t = tensors.get(s.name);
    if (!t) throw new Error(`${what}: missing parameter '${s.name}'`);
    if (t.dtype !== 'float32') throw new Error(`${what}: parameter '${s.name}' is ${t.dtype}, expected float32`);
    if (t.dims.join() !== s.shape.join()) throw new Error(`${what}: parameter '${s.name}' has shape [${t.dims}], expected [${s.shape}]`);
    out.data.set(t.data as Float32Array, s.offset);
  }
  return out;
}

/** The view of one tensor (no copy). */
export function view(p: ParamVector, name: string): Float32Array {
  const s = p.layout.slot(name);
  return p.data.subarray(s.offset, s.offset + s.size);
}

/** Tensors that share memory with the vector: turning a point into initializers costs no per-element work. */
export function toTensors(p: ParamVector): Map<string, Tensor> {
  const m = new Map<string, Tensor>();
  for (const s of p.layout.slots) m.set(s.name, { dtype: 'float32', dims: s.shape, data: p.data.subarray(s.offset, s.offset + s.size) });
  return m;
}

// ---- vector math (new values unless the name says InPlace) ----

function same(a: ParamVector, b: ParamVector): void {
  a.layout.assertSame(b.layout);
}

export function add(a: ParamVector, b: ParamVector): ParamVector {
  same(a, b);
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! + b.data[i]!;
  return { layout: a.layout, data: out };
}

export function sub(a: ParamVector, b: ParamVector): ParamVector {
  same(a, b);
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! - b.data[i]!;
  return { layout: a.layout, data: out };
}

export function scale(a: ParamVector, s: number): ParamVector {
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! * s;
  return { layout: a.layout, data: out };
}

/** a·x + y (BLAS order, as core/linalg/vector.ts) */
export function axpy(a: number, x: ParamVector, y: ParamVector): ParamVector {
  same(x, y);
  const out = new Float32Array(y.data.length);
  for (let i = 0; i < out.length; i++) out[i] = y.data[i]! + a * x.data[i]!;
  return { layout: y.layout, data: out };
}

/** θ + Σ cᵢ·dᵢ, computed in float64 per element then rounded once, so a grid point does not depend on summation order. */
export function combine(base: ParamVector, terms: readonly (readonly [number, ParamVector])[]): ParamVector {
  for (const [, d] of terms) same(base, d);
  const out = new Float32Array(base.data.length);
  const b = base.data;
  for (let i = 0; i < out.length; i++) {
    let v = b[i]!;
    for (const [c, d] of terms) v += c * d.data[i]!;
    out[i] = v;
  }
  return { layout: base.layout, data: out };
}

export function dot(a: ParamVector, b: ParamVector): number {
  same(a, b);
  let s = 0;
  const ad = a.data, bd = b.data;
  for (let i = 0; i < ad.length; i++) s += ad[i]! * bd[i]!;
  return s;
}

export function norm(a: ParamVector): number {
  return Math.sqrt(dot(a, a));
}

export function cosine(a: ParamVector, b: ParamVector): number {
  const na = norm(a), nb = norm(b);
  return na === 0 || nb === 0 ? 0 : dot(a, b) / (na * nb);
}

/** ‖·‖₂ of each tensor, in layout order. */
export function tensorNorms(a: ParamVector): Float64Array {
  return Float64Array.from(a.layout.slots, (s) => rangeNorm(a.data, s.offset, s.offset + s.size));
}

/** ‖·‖₂ of each output filter (dim-0 slice) of one tensor of rank ≥ 2. */
export function filterNorms(a: ParamVector, name: string): Float64Array {
  const s = a.layout.slot(name);
  if (s.filters === 0) throw new Error(`parameter '${name}' [${s.shape}] has no output filters (rank < 2)`);
  const per = s.size / s.filters;
  return Float64Array.from({ length: s.filters }, (_, f) => rangeNorm(a.data, s.offset + f * per, s.offset + (f + 1) * per));
}

export function rangeNorm(d: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}

export function toFloat64(a: ParamVector): Float64Array {
  return Float64Array.from(a.data);
}

export function fromFloat64(layout: ParamLayout, v: Float64Array): ParamVector {
  if (v.length !== layout.size) throw new Error(`vector has ${v.length} entries, the model has ${layout.size} parameters`);
  return { layout, data: Float32Array.from(v) };
}
