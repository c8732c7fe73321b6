// Shape rules of ONNX's recurrent layers LSTM, GRU and RNN (as torch.onnx.export writes nn.LSTM/nn.GRU/nn.RNN),
// and the reading of their attributes, shared with the gradient rule (src/ir/grad/rnn.ts).
import type { Dim, Node } from '../graph.js';
import { getInt, getString } from '../graph.js';
import type { ShapeRule } from './index.js';
import { eqDim, isStatic, showShape } from './dims.js';

/** Gate blocks stacked in W and R, per op (LSTM: i, o, f, c; GRU: z, r, h; RNN: one). */
export const RNN_GATES: Readonly<Record<string, number>> = { LSTM: 4, GRU: 3, RNN: 1 };

export interface RnnAttrs {
  gates: number;
  /** Directions in the order of the D axis of W, R, B, the states and Y. */
  directions: ('forward' | 'reverse')[];
  /** 0: X [T, N, I], states [D, N, H]; 1 (batch_first): X [N, T, I], states [N, D, H]. */
  layout: 0 | 1;
}

export function rnnAttrs(node: Node): RnnAttrs {
  const gates = RNN_GATES[node.op];
  if (gates === undefined) throw new Error(`node '${node.name}': ${node.op} is not a recurrent op`);
  const dir = getString(node, 'direction', 'forward');
  const directions: RnnAttrs['directions'] = dir === 'forward' ? ['forward'] : dir === 'reverse' ? ['reverse']
    : dir === 'bidirectional' ? ['forward', 'reverse'] : fail(node, `direction '${dir}' is not forward, reverse or bidirectional`);
  const layout = getInt(node, 'layout', 0);
  if (layout !== 0 && layout !== 1) fail(node, `layout ${layout} is not 0 or 1`);
  return { gates, directions, layout: layout as 0 | 1 };
}

function fail(node: Node, msg: string): never {
  throw new Error(`node '${node.name}' (${node.op}): ${msg}`);
}

/** Y [T, D, N, H] (layout 1: [N, T, D, H]), Y_h and Y_c [D, N, H] (layout 1: [N, D, H]). */
export const rnn: ShapeRule = (node, env) => {
  const { gates, directions, layout } = rnnAttrs(node);
  const x = env.input(node, 0), w = env.input(node, 1), r = env.input(node, 2);
  if (x.shape.length !== 3) throw new Error(`X must be ${layout ? '[N, T, I]' : '[T, N, I]'}, got ${showShape(x.shape)}`);
  if (w.shape.length !== 3 || r.shape.length !== 3) throw new Error(`W and R must have rank 3, got ${showShape(w.shape)} and ${showShape(r.shape)}`);
  const hidden: Dim = node.attrs.hidden_size ? getInt(node, 'hidden_size', 0) : r.shape[2]!;
  const d = directions.length;
  const [t, n] = layout ? [x.shape[1]!, x.shape[0]!] : [x.shape[0]!, x.shape[1]!];
  const expect = (what: string, got: Dim, want: Dim) => {
    if (isStatic(got) && isStatic(want) && !eqDim(got, want)) throw new Error(`${what} is ${got}, expected ${want}`);
  };
  expect('W\'s first dim (directions)', w.shape[0]!, d);
  expect('R\'s first dim (directions)', r.shape[0]!, d);
  expect('R\'s last dim (hidden size)', r.shape[2]!, hidden);
  if (isStatic(hidden)) {
    expect('W\'s second dim (gates × hidden)', w.shape[1]!, gates * hidden);
    expect('R\'s second dim (gates × hidden)', r.shape[1]!, gates * hidden);
  }
  expect('W\'s last dim (input size)', w.shape[2]!, x.shape[2]!);
  const state = layout ? [n, d, hidden] : [d, n, hidden];
  env.output(node, 0, { dtype: x.dtype, shape: layout ? [n, t, d, hidden] : [t, d, n, hidden] });
  env.output(node, 1, { dtype: x.dtype, shape: state });
  if (node.op === 'LSTM') env.output(node, 2, { dtype: x.dtype, shape: state });
};
