// Einsum: the gradient of operand i is itself an Einsum, of dY and the other operands, onto operand i's letters:
//   dX_i = einsum(out, s_j…  → s_i)   (letters of s_i found nowhere else are summed away in Y: dX_i is broadcast
// along them). Refused: an operand that repeats a letter (a diagonal or trace, e.g. 'ii->i') and a letter whose
// size 1 broadcasts against a larger one; both need more than one Einsum.
import { getString } from '../graph.js';
import { letterSizes, parseEinsum } from '../shapes/einsum.js';
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';
import { expandLike, unsqueeze } from './helpers.js';

export const einsum: GradRule = (c) => {
  const { e } = c;
  const equation = getString(c.node, 'equation', '');
  const xs = c.node.inputs.map((_, i) => c.x(i));
  const eq = parseEinsum(equation, xs.map((x) => e.rank(x)));
  const refuse = (why: string): never => { throw new Error(`${where(c)}: equation '${equation}': ${why}; terrain differentiates Einsum without diagonals or broadcasting (e.g. 'bhqd,bhkd->bhqk')`); };
  eq.inputs.forEach((letters, i) => { if (new Set(letters).size !== letters.length) refuse(`operand ${i} repeats a letter`); });
  const sizes = letterSizes(eq, xs.map((x) => e.shape(x)));
  eq.inputs.forEach((letters, i) => letters.forEach((l, k) => {
    if (e.shape(xs[i]!)[k] === 1 && sizes.get(l) !== 1) refuse(`letter '${l}' broadcasts operand ${i}`);
  }));
  const g = dy0(c);
  return eq.inputs.map((letters, i) => {
    if (!c.needs(i)) return undefined;
    const terms: { letters: string[]; value: string }[] = [];
    if (eq.output.length > 0) terms.push({ letters: eq.output, value: g });
    eq.inputs.forEach((other, j) => { if (j !== i) terms.push({ letters: other, value: xs[j]! }); });
    const seen = new Set(terms.flatMap((t) => t.letters));
    const kept = letters.filter((l) => seen.has(l));
    let r: string;
    if (terms.length === 0) r = g;
    else {
      const identity = terms.length === 1 && terms[0]!.letters.join('') === kept.join('');
      r = identity ? terms[0]!.value : e.op('Einsum', terms.map((t) => t.value), { equation: { type: 'string', value: `${terms.map((t) => t.letters.join('')).join(',')}->${kept.join('')}` } });
      if (eq.output.length === 0) r = e.op('Mul', [r, g]);
    }
    const missing = letters.flatMap((l, k) => (seen.has(l) ? [] : [k]));
    return expandLike(e, unsqueeze(e, r, missing), xs[i]!);
  });
};
