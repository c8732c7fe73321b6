// LSTM, GRU, RNN: the forward is emitted again unrolled in primitives (rnn-unroll.ts), from the fused node's own
// inputs, and differentiated by autodiff's reverse sweep over those primitives. The gradient graph thus holds only
// ops with rules of their own, so it can be differentiated again (Hessian-vector products); there the unrolled
// forward of the first pass is found and reused rather than emitted twice.
import { backpropagate } from '../autodiff.js';
import type { GradContext } from './types.js';
import { unrollRnn } from './rnn-unroll.js';

/** (A function declaration: the rule table and autodiff import each other through this module.) */
export function rnnGrad(c: GradContext): (string | undefined)[] {
  const { e, node } = c;
  const dys = node.outputs.map((_, i) => c.dy(i));
  const values = unrollRnn(e, node, dys.map((g) => g !== undefined));
  const seeds = new Map<string, string>();
  values.forEach((v, i) => { if (v && dys[i]) seeds.set(v, dys[i]!); });
  // sequence_lens (input 4) is int32 and never differentiated.
  const wanted = node.inputs.map((x, i) => (x && i !== 4 && c.needs(i) ? x : undefined));
  const grads = backpropagate(e, seeds, [...new Set(wanted.filter((x): x is string => !!x))]);
  // A value given twice (one zeros tensor as both initial_h and initial_c) gets its whole gradient once.
  return wanted.map((x, i) => (x && wanted.indexOf(x) === i ? grads.get(x) : undefined));
}
