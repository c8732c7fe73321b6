// Symbolic dimensions as monomials: a number, a symbol ("N"), or a product such as "4*N".
// Enough algebra for what gradient graphs need: Reshape merging the batch with other axes ([N,16,8,8] → [16*N... ]),
// -1 inference, element counts, and exact equality tests for broadcasting.
import type { Dim } from '../graph.js';

interface Monomial {
  coef: number;
  /** Sorted symbol names, repeated for powers. */
  syms: string[];
}

function parse(d: Dim): Monomial {
  if (typeof d === 'number') return { coef: d, syms: [] };
  let coef = 1;
  const syms: string[] = [];
  for (const part of d.split('*')) {
    if (/^\d+$/.test(part)) coef *= Number(part);
    else syms.push(part);
  }
  return { coef, syms: syms.sort() };
}

function format(m: Monomial): Dim {
  if (m.syms.length === 0 || m.coef === 0) return m.coef;
  const s = m.syms.join('*');
  return m.coef === 1 ? s : `${m.coef}*${s}`;
}

/** A symbol name usable inside a product: names with '*' (never produced by us) are wrapped. */
export function symbol(name: string): Dim {
  return name.includes('*') ? `(${name.replace(/\*/g, 'x')})` : name;
}

export function isStatic(d: Dim): d is number {
  return typeof d === 'number';
}

export function allStatic(dims: readonly Dim[]): dims is number[] {
  return dims.every(isStatic);
}

export function eqDim(a: Dim, b: Dim): boolean {
  return format(parse(a)) === format(parse(b));
}

export function eqShape(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => eqDim(d, b[i]!));
}

export function mulDim(a: Dim, b: Dim): Dim {
  const x = parse(a), y = parse(b);
  return format({ coef: x.coef * y.coef, syms: [...x.syms, ...y.syms].sort() });
}

/** a / b when it is an exact monomial, else undefined. */
export function divDim(a: Dim, b: Dim): Dim | undefined {
  const x = parse(a), y = parse(b);
  if (y.coef === 0 || x.coef % y.coef !== 0) return undefined;
  const rest = [...x.syms];
  for (const s of y.syms) {
    const i = rest.indexOf(s);
    if (i < 0) return undefined;
    rest.splice(i, 1);
  }
  return format({ coef: x.coef / y.coef, syms: rest });
}

export function productDims(dims: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of dims) p = mulDim(p, d);
  return p;
}

/** Sum of two dims; symbolic sums are only known when one side is 0. */
export function addDim(a: Dim, b: Dim): Dim | undefined {
  if (isStatic(a) && isStatic(b)) return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  return undefined;
}

export function showShape(dims: readonly Dim[]): string {
  return `[${dims.join(', ')}]`;
}

/** Numpy broadcasting of shapes; symbolic dims must agree exactly unless the other side is 1. */
export function broadcastShapes(shapes: readonly (readonly Dim[])[]): Dim[] | string {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const k = i - (rank - s.length);
      if (k < 0) continue;
      const e = s[k]!;
      if (e === 1) continue;
      if (d === 1) d = e;
      else if (!eqDim(d, e)) return `cannot broadcast ${shapes.map(showShape).join(' with ')} (axis ${i}: ${d} vs ${e})`;
    }
    out.push(d);
  }
  return out;
}

/** Axis normalised to [0, rank). */
export function normAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`${what}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}
