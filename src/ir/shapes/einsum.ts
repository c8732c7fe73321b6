// Einsum equations: parsed once into explicit letters per operand (an ellipsis becomes letters the equation does not
// use, right-aligned as ONNX broadcasts it), shared by the shape rule and the gradient rule.
import type { Dim } from '../graph.js';
import { getString } from '../graph.js';
import type { ShapeRule } from './index.js';
import { eqDim, isStatic, showShape } from './dims.js';

export interface Einsum {
  /** Letters of each operand, one per axis. */
  inputs: string[][];
  /** Letters of the output, one per axis. */
  output: string[];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function parseEinsum(equation: string, ranks: readonly number[]): Einsum {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->') as [string, string | undefined];
  if (eq.split('->').length > 2) throw new Error(`equation '${equation}' has more than one '->'`);
  const terms = lhs.split(',');
  if (terms.length !== ranks.length) throw new Error(`equation '${equation}' has ${terms.length} operands, the node has ${ranks.length} inputs`);
  for (const t of [...terms, rhs ?? '']) {
    if (!/^[a-zA-Z]*(\.\.\.)?[a-zA-Z]*$/.test(t)) throw new Error(`equation '${equation}': term '${t}' is not letters with at most one '...'`);
  }
  const free = [...LETTERS].filter((l) => !eq.includes(l));
  const ellipsisRank = Math.max(0, ...terms.map((t, i) => (t.includes('...') ? ranks[i]! - (t.length - 3) : 0)));
  if (ellipsisRank > free.length) throw new Error(`equation '${equation}': too many axes under '...'`);
  const dots = free.slice(0, ellipsisRank);
  const expand = (t: string, rank: number | undefined): string[] => {
    if (!t.includes('...')) return [...t];
    const [a, b] = t.split('...') as [string, string];
    const n = rank === undefined ? ellipsisRank : rank - a.length - b.length;
    if (n < 0) throw new Error(`equation '${equation}': term '${t}' has more letters than its operand has axes (${rank})`);
    return [...a, ...dots.slice(ellipsisRank - n), ...b];
  };
  const inputs = terms.map((t, i) => expand(t, ranks[i]));
  inputs.forEach((letters, i) => {
    if (letters.length !== ranks[i]) throw new Error(`equation '${equation}': operand ${i} has rank ${ranks[i]}, its term '${terms[i]}' names ${letters.length} axes`);
  });
  let output: string[];
  if (rhs !== undefined) output = expand(rhs, undefined);
  else {
    // Implicit output: the ellipsis axes, then the letters used once, in alphabetical order.
    const counts = new Map<string, number>();
    for (const l of terms.join('').replaceAll('...', '')) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...dots, ...[...counts].filter(([, n]) => n === 1).map(([l]) => l).sort()];
  }
  const used = new Set(inputs.flat());
  for (const l of output) if (!used.has(l)) throw new Error(`equation '${equation}': output letter '${l}' is in no operand`);
  if (new Set(output).size !== output.length) throw new Error(`equation '${equation}': the output repeats a letter`);
  return { inputs, output };
}

/** The size of every letter; size-1 axes broadcast against others. */
export function letterSizes(e: Einsum, shapes: readonly (readonly Dim[])[]): Map<string, Dim> {
  const sizes = new Map<string, Dim>();
  e.inputs.forEach((letters, i) => letters.forEach((l, k) => {
    const d = shapes[i]![k]!;
    const prev = sizes.get(l);
    if (prev === undefined || prev === 1) sizes.set(l, d);
    else if (!(d === 1 || eqDim(prev, d) || (!isStatic(prev) && !isStatic(d)))) {
      throw new Error(`letter '${l}' has size ${prev} in one operand and ${d} in operand ${i} ${showShape(shapes[i]!)}`);
    }
  }));
  return sizes;
}

export const einsum: ShapeRule = (node, env) => {
  const ts = node.inputs.map((_, i) => env.input(node, i));
  const e = parseEinsum(getString(node, 'equation', ''), ts.map((t) => t.shape.length));
  const sizes = letterSizes(e, ts.map((t) => t.shape));
  env.output(node, 0, { dtype: ts[0]!.dtype, shape: e.output.map((l) => sizes.get(l)!) });
};
