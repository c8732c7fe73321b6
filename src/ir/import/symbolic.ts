// Contents of small shape vectors that shape inference does not follow by itself, for the patterns PyTorch emits
// around symbolic sizes. x.expand(n, -1, -1) exports as
//   t = Concat(Unsqueeze(Gather(Shape(x), 0)), [-1], [-1])        → [N, -1, -1]
//   Where(Equal(t, [-1, -1, -1]), [1, 1, 1], t)                    → [N, 1, 1]
// and the Expand needs that result to know its output shape. A symbolic size is never negative, so Equal of a
// symbol with a negative number is false; other symbol comparisons stay unknown. Attention reshapes to
// [L, N·heads, d] through Mul(Gather(Shape(x), 1), heads): products of symbols are followed as monomials.
import type { Dim, Node } from '../graph.js';
import type { ShapeEnv } from '../shapes/index.js';
import { addDim, divDim, mulDim } from '../shapes/dims.js';

const MAX_LENGTH = 64;

function known(env: ShapeEnv, name: string | undefined): Dim[] | undefined {
  return name ? env.value(name) : undefined;
}

/** Tracked contents can have holes (an out-of-range Gather of a shape in a damaged file): such vectors are skipped. */
const isDim = (d: unknown): d is Dim => typeof d === 'number' || typeof d === 'string';

/** Entry i of a vector broadcast to length n (length 1 repeats). */
function at(v: Dim[], i: number): Dim | undefined {
  return v.length === 1 ? v[0] : v[i];
}

function equal(a: Dim, b: Dim): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 1 : undefined;
  const k = (typeof a === 'number' ? a : b) as number;
  return k < 0 ? 0 : undefined;
}

/** Integer arithmetic on sizes that may be symbolic ("2*N" from Mul(N, 2), the heads × batch of attention). */
const ARITHMETIC: Record<string, (a: Dim, b: Dim) => Dim | undefined> = {
  Mul: (a, b) => mulDim(a, b),
  Div: (a, b) => (typeof a === 'number' && typeof b === 'number' ? (b === 0 ? undefined : Math.trunc(a / b)) : divDim(a, b)),
  Add: (a, b) => addDim(a, b),
  Sub: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : b === 0 ? a : undefined),
};

/** Records the output contents of Equal, Where and integer arithmetic over tracked vectors (after inference). */
export function trackSymbolic(node: Node, env: ShapeEnv): void {
  const out = node.outputs[0];
  if (!out || !env.has(out) || env.value(out) || env.shape(out).length > 1) return;
  const inputs = node.inputs.map((n) => known(env, n));
  if (inputs.some((v) => !v || v.length > MAX_LENGTH || !v.every(isDim))) return;
  const vs = inputs as Dim[][];
  const n = Math.max(...vs.map((v) => v.length));
  if (vs.some((v) => v.length !== n && v.length !== 1)) return;
  let value: (Dim | undefined)[] | undefined;
  if (node.op === 'Equal' && vs.length === 2) {
    value = Array.from({ length: n }, (_, i) => equal(at(vs[0]!, i)!, at(vs[1]!, i)!));
  } else if (ARITHMETIC[node.op] && vs.length === 2 && env.dtype(out) === 'int64') {
    const f = ARITHMETIC[node.op]!;
    value = Array.from({ length: n }, (_, i) => f(at(vs[0]!, i)!, at(vs[1]!, i)!));
  } else if (node.op === 'Where' && vs.length === 3) {
    value = Array.from({ length: n }, (_, i) => {
      const c = at(vs[0]!, i);
      return typeof c === 'number' ? (c ? at(vs[1]!, i) : at(vs[2]!, i)) : undefined;
    });
  }
  if (value && value.every((d) => d !== undefined)) env.set(out, env.type(out), value as Dim[]);
}

/** Where each symbolic size can be read: a value having it as a dim (first seen wins). */
export class SymbolSources {
  private readonly at = new Map<string, { name: string; axis: number }>();

  note(name: string, shape: readonly Dim[]): void {
    shape.forEach((d, axis) => {
      if (typeof d === 'string' && !this.at.has(d)) this.at.set(d, { name, axis });
    });
  }

  find(d: string): { name: string; axis: number } | undefined {
    return this.at.get(d);
  }
}

export interface Emitting {
  /** Adds a node before the one being simplified (shape-inferred at once); returns its output. */
  node(op: string, inputs: string[], attrs: Node['attrs'], stem: string): string;
  /** An int64 vector constant. */
  ints(values: number[], stem: string): string;
}

/** Inputs holding a target shape that shape inference must read (op → input index). */
export const SHAPE_INPUTS: Readonly<Record<string, number>> = { Expand: 1, ConstantOfShape: 0, Tile: 1 };

/**
 * Rewrites a shape input whose contents are known here only symbolically (through trackSymbolic, which the
 * final shape inference does not repeat) as Concat(constant runs, Gather(Shape(source), [axis])) — a chain shape
 * inference follows by itself. Returns whether the input was replaced.
 */
export function rebuildShapeInput(node: Node, env: ShapeEnv, sources: SymbolSources, emit: Emitting): boolean {
  const i = SHAPE_INPUTS[node.op];
  const input = i === undefined ? undefined : node.inputs[i];
  const value = input && env.has(input) ? env.value(input) : undefined;
  if (!value || value.every((d) => typeof d === 'number') || value.length > MAX_LENGTH || !value.every(isDim)) return false;
  const picks = value.map((d) => (typeof d === 'string' ? sources.find(d) : undefined));
  if (value.some((d, k) => typeof d === 'string' && !picks[k])) return false;
  const stem = `${node.name}/shape`;
  const pieces: string[] = [];
  let run: number[] = [];
  const flush = () => { if (run.length) pieces.push(emit.ints(run, `${stem}/const`)); run = []; };
  value.forEach((d, k) => {
    if (typeof d === 'number') { run.push(d); return; }
    flush();
    const src = picks[k]!;
    const shape = emit.node('Shape', [src.name], {}, `${stem}/Shape`);
    pieces.push(emit.node('Gather', [shape, emit.ints([src.axis], `${stem}/axis`)], { axis: { type: 'int', value: 0 } }, `${stem}/Gather`));
  });
  flush();
  node.inputs[i!] = pieces.length === 1 ? pieces[0]! : emit.node('Concat', pieces, { axis: { type: 'int', value: 0 } }, `${stem}/Concat`);
  return true;
}
