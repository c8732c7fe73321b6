// Test cases shared by the LSTM/GRU/RNN tests: one recurrent node with its inputs' shapes, in every form the
// rule covers (directions, layouts, optional bias and initial states, GRU's linear_before_reset).
import { attr, type Attribute, type Dim } from '../graph.js';

export interface RnnCase {
  label: string;
  op: 'LSTM' | 'GRU' | 'RNN';
  /** Shapes of X, W, R, B, sequence_lens, initial_h, initial_c, P; null: omitted. */
  inputs: (Dim[] | null)[];
  attrs: Record<string, Attribute>;
  outputs: number;
}

/** A case with T steps, batch n, input size I, hidden size H. */
export function rnnCase(op: RnnCase['op'], o: {
  T?: number; n?: Dim; I?: number; H?: number; bidirectional?: boolean; reverse?: boolean; layout?: 0 | 1;
  bias?: boolean; initial?: boolean; lbr?: number; activations?: string[]; peepholes?: boolean;
} = {}): RnnCase {
  const T = o.T ?? 3, n = o.n ?? 2, I = o.I ?? 3, H = o.H ?? 2, D = o.bidirectional ? 2 : 1;
  const G = { LSTM: 4, GRU: 3, RNN: 1 }[op];
  const layout = o.layout ?? 0;
  const state = layout ? [n, D, H] : [D, n, H];
  const inputs: (Dim[] | null)[] = [layout ? [n, T, I] : [T, n, I], [D, G * H, I], [D, G * H, H], o.bias === false ? null : [D, 2 * G * H], null];
  if (o.initial || o.peepholes) inputs.push(o.initial ? state : null, ...(op === 'LSTM' ? [o.initial ? state : null] : []));
  if (o.peepholes) inputs.push([D, 3 * H]);
  const attrs: Record<string, Attribute> = { hidden_size: attr.int(H) };
  if (o.bidirectional) attrs.direction = attr.string('bidirectional');
  if (o.reverse) attrs.direction = attr.string('reverse');
  if (layout) attrs.layout = attr.int(1);
  if (op === 'GRU') attrs.linear_before_reset = attr.int(o.lbr ?? 1);
  if (o.activations) attrs.activations = attr.strings(o.activations);
  const label = `${op} T=${T} ${o.bidirectional ? 'bidirectional' : o.reverse ? 'reverse' : 'forward'} layout=${layout}`
    + `${o.bias === false ? ' no-bias' : ''}${o.peepholes ? ' peepholes' : ''}${o.initial ? ' initial-states' : ''}${op === 'GRU' ? ` lbr=${o.lbr ?? 1}` : ''}${o.activations ? ` ${o.activations.join(',')}` : ''}`;
  return { label, op, inputs, attrs, outputs: op === 'LSTM' ? 3 : 2 };
}

export const RNN_CASES: RnnCase[] = [
  rnnCase('LSTM'),
  rnnCase('LSTM', { bidirectional: true, layout: 1, initial: true }),
  rnnCase('LSTM', { reverse: true, bias: false }),
  rnnCase('LSTM', { bidirectional: true, peepholes: true }),
  rnnCase('LSTM', { peepholes: true, initial: true, layout: 1 }),
  rnnCase('GRU'),
  rnnCase('GRU', { lbr: 0, bidirectional: true, initial: true }),
  rnnCase('GRU', { layout: 1, reverse: true, bias: false }),
  rnnCase('RNN', { initial: true }),
  rnnCase('RNN', { bidirectional: true, layout: 1, activations: ['Relu', 'Tanh'] }),
];
