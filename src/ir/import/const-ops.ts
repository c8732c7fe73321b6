// N-d array helpers and data-movement ops on constants (./const-eval.ts): row-major JS number arrays, sizes
// guarded so a forged shape cannot make the evaluator allocate more than MAX_FOLD_ELEMENTS.
import { sizeOf, type DType } from '../tensor.js';
import { sliceRange } from '../shapes/tensor-ops.js';
import { MAX_FOLD_ELEMENTS, TooLargeToFold, type Const } from './const-types.js';

export const make = (dtype: DType, dims: number[], data: number[]): Const => {
  if (data.length !== sizeOf(dims)) throw new Error(`internal: ${data.length} values for shape [${dims}]`);
  return { dtype, dims, data };
};

export function guardSize(dims: readonly number[], what: string): void {
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

export function normAxis(a: number, rank: number, what: string): number {
  const r = a < 0 ? a + rank : a;
  if (!Number.isInteger(r) || r < 0 || r >= Math.max(rank, 1)) throw new Error(`${what}: axis ${a} is out of range for rank ${rank}`);
  return r;
}

export function broadcastDims(shapes: number[][], what: string): number[] {
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

export function elementwise(inputs: Const[], dtype: DType, f: (...v: number[]) => number, what: string): Const {
  const dims = broadcastDims(inputs.map((c) => c.dims), what);
  guardSize(dims, what);
  const readers = inputs.map((c) => broadcastReader(c, dims));
  const out = new Array<number>(sizeOf(dims));
  forEachIndex(dims, (flat, idx) => { out[flat] = f(...readers.map((r) => r(idx))); });
  return make(dtype, dims, out);
}

export function gather(x: Const, ind: Const, axis0: number): Const {
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

export function transpose(x: Const, perm: number[]): Const {
  const r = x.dims.length;
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) throw new Error(`Transpose: perm [${perm}] is not a permutation of rank ${r}`);
  const dims = perm.map((p) => x.dims[p]!);
  const st = strides(x.dims);
  const out = new Array<number>(x.data.length);
  forEachIndex(dims, (flat, idx) => { out[flat] = x.data[idx.reduce((s, v, a) => s + v * st[perm[a]!]!, 0)]!; });
  return make(x.dtype, dims, out);
}

export function concat(xs: Const[], axis0: number): Const {
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

export function slice(x: Const, starts: number[], ends: number[], axes0: number[] | undefined, steps0: number[] | undefined): Const {
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

export function reshape(x: Const, target: number[], allowZero: boolean): Const {
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
