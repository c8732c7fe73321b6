// ONNX LSTM, GRU and RNN written out over the (static) sequence length in primitive ops that all have gradient
// rules (MatMul, Add, Sub, Mul, Sigmoid, Tanh, Relu, Slice, Squeeze, Unsqueeze, Concat, Transpose): the gradient
// rule (rnn.ts) emits this forward and differentiates it, so second derivatives come from the same primitives.
// Equations as in the ONNX operator spec; the fused node stays in the forward graph, where ORT runs it fast.
import { attr, type Graph, type Node } from '../graph.js';
import { ShapeEnv } from '../shapes/index.js';
import { isStatic, showShape } from '../shapes/dims.js';
import { rnnAttrs, type RnnAttrs } from '../shapes/rnn.js';
import { Emitter, floatTensor } from './emitter.js';

const ACTIVATIONS: Readonly<Record<string, string>> = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu' };
const DEFAULTS: Readonly<Record<string, string[]>> = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] };

export interface RnnPlan extends RnnAttrs {
  hidden: number;
  steps: number;
  /** Activation ops per direction (LSTM: f, g, h; GRU: f, g; RNN: f). */
  acts: string[][];
  linearBeforeReset: boolean;
}

/** Reads the node and refuses what the unrolled form does not cover, naming the attribute or input and the fix. */
export function rnnPlan(env: ShapeEnv, node: Node): RnnPlan {
  const what = `node '${node.name}' (${node.op})`;
  const refuse = (msg: string): never => { throw new Error(`${what}: ${msg}; terrain differentiates ${node.op} without it (the form torch.onnx.export writes for nn.${node.op})`); };
  const a = rnnAttrs(node);
  const x = env.shape(node.inputs[0]!), r = env.shape(node.inputs[2]!);
  const steps = x[a.layout ? 1 : 0]!, hidden = r[2]!;
  if (!isStatic(steps)) throw new Error(`${what}: the sequence length of X ${showShape(x)} must be fixed to differentiate the unrolled ${node.op}; export with a fixed sequence length (no dynamic axis on T)`);
  if (!isStatic(hidden)) throw new Error(`${what}: the hidden size of R ${showShape(r)} must be fixed`);
  if (node.attrs.clip) refuse(`cell clipping (attribute clip = ${JSON.stringify(node.attrs.clip.value)}) is not supported`);
  if (node.op === 'LSTM' && (node.attrs.input_forget?.value ?? 0) !== 0) refuse('input_forget = 1 (coupled input and forget gates) is not supported');
  const perDir = DEFAULTS[node.op]!.length;
  const given = node.attrs.activations;
  const names = given && given.type === 'strings' ? given.value : [];
  if (given && names.length !== perDir * a.directions.length) {
    throw new Error(`${what}: attribute activations lists ${names.length} functions, expected ${perDir} per direction × ${a.directions.length}`);
  }
  const bad = names.filter((n) => !ACTIVATIONS[n.toLowerCase()]);
  if (bad.length > 0) refuse(`activations ${bad.map((n) => `'${n}'`).join(', ')} are not supported (only Sigmoid, Tanh, Relu)`);
  const acts = a.directions.map((_, d) => (given ? names.slice(d * perDir, (d + 1) * perDir).map((n) => ACTIVATIONS[n.toLowerCase()]!) : DEFAULTS[node.op]!));
  const seqLens = node.inputs[4];
  if (seqLens) {
    const lens = env.value(seqLens);
    if (!lens || lens.some((l) => l !== steps)) {
      refuse(`sequence_lens '${seqLens}' ${lens ? `is ${showShape(lens)}` : 'is not a constant'}, and sequences shorter than T = ${steps} (masking) are not supported`);
    }
  }
  return { ...a, hidden, steps, acts, linearBeforeReset: (node.attrs.linear_before_reset?.value ?? 0) !== 0 };
}

/** Why terrain cannot differentiate this recurrent node, or undefined (for the importer's list of unsupported ops). */
export function rnnRefusal(env: ShapeEnv, node: Node): string | undefined {
  try {
    rnnPlan(env, node);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^node '[^']*' \([A-Z]+\): /, '');
  }
}

/** v[..., i, ...] along `axis` (the axis removed), by Slice and Squeeze. */
function pick(e: Emitter, v: string, axis: number, i: number): string {
  return e.op('Squeeze', [e.op('Slice', [v, e.ints([i]), e.ints([i + 1]), e.ints([axis])]), e.ints([axis])]);
}

/**
 * The T entries along the time axis, squeezed. One Split, whose gradient is one Concat: T Slices would each pad
 * their gradient back to the whole sequence, quadratic in T (7.5× slower at T = 50). Found again when the gradient
 * graph is differentiated (the emitter reuses only single-output nodes).
 */
function timeSteps(e: Emitter, v: string, axis: number, steps: number): string[] {
  const sizes = e.ints(new Array(steps).fill(1));
  const found = e.graph.nodes.find((n) => n.op === 'Split' && n.inputs[0] === v && n.inputs[1] === sizes && n.attrs.axis?.value === axis);
  const parts = found ? found.outputs : e.opMulti('Split', [v, sizes], steps, { axis: attr.int(axis) });
  return parts.map((p) => e.op('Squeeze', [p, e.ints([axis])]));
}

/** Entries from..to of the last axis. */
function cols(e: Emitter, v: string, from: number, to: number): string {
  return e.op('Slice', [v, e.ints([from]), e.ints([to]), e.ints([e.rank(v) - 1])]);
}

/** Zeros [N, H] for an omitted initial state, N read from X at run time when it is symbolic. */
function zeroState(e: Emitter, x: string, batchAxis: number, hidden: number): string {
  const n = e.shape(x)[batchAxis]!;
  // Named by content, so that differentiating the gradient graph again finds it and reuses the unrolled steps.
  if (isStatic(n)) return e.namedTensor(`const/rnn-zeros/${e.dtype(x)}/${n}x${hidden}`, () => floatTensor(e.dtype(x), [n, hidden], new Array(n * hidden).fill(0)));
  const dims = e.op('Concat', [e.op('Slice', [e.op('Shape', [x]), e.ints([batchAxis]), e.ints([batchAxis + 1])]), e.ints([hidden])], { axis: attr.int(0) });
  return e.op('ConstantOfShape', [dims], { value: attr.tensor(floatTensor(e.dtype(x), [1], [0])) });
}

interface Direction { ys: string[]; h: string; c?: string }

function runDirection(e: Emitter, node: Node, p: RnnPlan, d: number): Direction {
  const [x, w, r, b] = [0, 1, 2, 3].map((i) => node.inputs[i] ?? '');
  const H = p.hidden, T = p.steps, act = p.acts[d]!;
  const timeAxis = p.layout ? 1 : 0, batchAxis = p.layout ? 0 : 1;
  const initial = (i: number) => (node.inputs[i] ? pick(e, node.inputs[i]!, p.layout ? 1 : 0, d) : zeroState(e, x!, batchAxis, H));
  const wT = e.op('Transpose', [pick(e, w!, 0, d)], { perm: attr.ints([1, 0]) }); // [I, G·H]
  const rT = e.op('Transpose', [pick(e, r!, 0, d)], { perm: attr.ints([1, 0]) }); // [H, G·H]
  let xw = e.op('MatMul', [x!, wT]); // every step's input projection at once
  let rb: string | undefined;
  if (b) {
    const bd = pick(e, b, 0, d), gh = p.gates * H;
    const wb = cols(e, bd, 0, gh);
    rb = cols(e, bd, gh, 2 * gh);
    // GRU keeps R's bias apart: with linear_before_reset it sits inside the reset gate's product.
    xw = e.op('Add', [xw, p.gates === 3 ? wb : e.op('Add', [wb, rb])]);
  }
  let h = initial(5);
  let c = p.gates === 4 ? initial(6) : undefined;
  // LSTM peepholes P [D, 3H] (i, o, f): the input and forget gates see C_{t-1}, the output gate C_t.
  const pd = node.op === 'LSTM' && node.inputs[7] ? pick(e, node.inputs[7], 0, d) : undefined;
  const peep = (gate: string, j: number, cell: string) => (pd ? e.op('Add', [gate, e.op('Mul', [cols(e, pd, j * H, (j + 1) * H), cell])]) : gate);
  const ys: string[] = new Array(T);
  const [f, g, hAct] = act as [string, string?, string?];
  const xs = timeSteps(e, xw, timeAxis, T); // [N, G·H] each
  for (let k = 0; k < T; k++) {
    const t = p.directions[d] === 'forward' ? k : T - 1 - k;
    const xt = xs[t]!;
    if (p.gates === 4) {
      const z = e.op('Add', [xt, e.op('MatMul', [h, rT])]);
      const gate = (j: number) => cols(e, z, j * H, (j + 1) * H);
      const i = e.op(f, [peep(gate(0), 0, c!)]), fg = e.op(f, [peep(gate(2), 2, c!)]);
      const cand = e.op(g!, [gate(3)]);
      c = e.op('Add', [e.op('Mul', [fg, c!]), e.op('Mul', [i, cand])]);
      h = e.op('Mul', [e.op(f, [peep(gate(1), 1, c)]), e.op(hAct!, [c])]);
    } else if (p.gates === 3) {
      h = gruStep(e, p, g!, f, xt, h, rT, rb);
    } else {
      h = e.op(f, [e.op('Add', [xt, e.op('MatMul', [h, rT])])]);
    }
    ys[t] = h;
  }
  return { ys, h, ...(c ? { c } : {}) };
}

/** One GRU step: z, r gates, candidate n, then h' = n + z ⊙ (h − n), i.e. (1 − z) ⊙ n + z ⊙ h. */
function gruStep(e: Emitter, p: RnnPlan, g: string, f: string, xt: string, h: string, rT: string, rb: string | undefined): string {
  const H = p.hidden;
  const withBias = (v: string, from: number, to: number) => (rb ? e.op('Add', [v, cols(e, rb, from, to)]) : v);
  let zr: string, hr: string;
  if (p.linearBeforeReset) {
    const rh = withBias(e.op('MatMul', [h, rT]), 0, 3 * H);
    zr = cols(e, rh, 0, 2 * H);
    const reset = e.op(f, [e.op('Add', [cols(e, xt, H, 2 * H), cols(e, zr, H, 2 * H)])]);
    hr = e.op('Mul', [reset, cols(e, rh, 2 * H, 3 * H)]);
  } else {
    zr = withBias(e.op('MatMul', [h, cols(e, rT, 0, 2 * H)]), 0, 2 * H);
    const reset = e.op(f, [e.op('Add', [cols(e, xt, H, 2 * H), cols(e, zr, H, 2 * H)])]);
    hr = withBias(e.op('MatMul', [e.op('Mul', [reset, h]), cols(e, rT, 2 * H, 3 * H)]), 2 * H, 3 * H);
  }
  const z = e.op(f, [e.op('Add', [cols(e, xt, 0, H), cols(e, zr, 0, H)])]);
  const n = e.op(g, [e.op('Add', [cols(e, xt, 2 * H, 3 * H), hr])]);
  return e.op('Add', [n, e.op('Mul', [z, e.op('Sub', [h, n])])]);
}

/** Stacks per-direction values along the direction axis of the output, inserting it. */
function stack(e: Emitter, parts: string[], axis: number): string {
  const u = parts.map((v) => e.op('Unsqueeze', [v, e.ints([axis])]));
  return u.length === 1 ? u[0]! : e.op('Concat', u, { axis: attr.int(axis) });
}

/**
 * Emits the node's computation in primitives; returns the values equal to its outputs Y, Y_h (and Y_c for LSTM),
 * undefined for those not in `want`.
 */
export function unrollRnn(e: Emitter, node: Node, want: readonly boolean[] = [true, true, true]): (string | undefined)[] {
  const p = rnnPlan(e.env, node);
  const dirs = p.directions.map((_, d) => runDirection(e, node, p, d));
  const sequence = (ys: string[]) => stack(e, ys, p.layout ? 1 : 0); // [T, N, H] or [N, T, H]
  const y = want[0] ? stack(e, dirs.map((r) => sequence(r.ys)), p.layout ? 2 : 1) : undefined;
  const yh = want[1] ? stack(e, dirs.map((r) => r.h), p.layout ? 1 : 0) : undefined;
  const yc = want[2] && p.gates === 4 ? stack(e, dirs.map((r) => r.c!), p.layout ? 1 : 0) : undefined;
  return [y, yh, yc];
}

/** A copy of `g` with every LSTM/GRU/RNN node replaced by its unrolled primitives (ORT runs the fused ops only in float32). */
export function lowerRnns(g: Graph): Graph {
  const out: Graph = { ...g, nodes: [], initializers: new Map(g.initializers) };
  const env = new ShapeEnv(out);
  for (const node of g.nodes) {
    if (!['LSTM', 'GRU', 'RNN'].includes(node.op) || (node.domain ?? '') !== '') {
      out.nodes.push(node);
      env.infer(node);
      continue;
    }
    const e = new Emitter(out, env, { reuseExisting: false });
    e.stem = `${node.name}_unrolled`;
    const values = unrollRnn(e, node, node.outputs.map((o) => !!o));
    node.outputs.forEach((o, i) => { if (o) e.opTo(o, 'Identity', [values[i]!]); });
  }
  return out;
}
