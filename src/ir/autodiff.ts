// Reverse-mode differentiation of an ONNX graph into ONNX: the gradient nodes are appended to a copy of the graph,
// one rule per op (src/ir/grad/), so the result can be run by ORT and differentiated again.
import { cloneGraph, type Graph, type Node } from './graph.js';
import { inferShapes, type ShapeEnv } from './shapes/index.js';
import { broadcastShapes, eqShape, isStatic, showShape } from './shapes/dims.js';
import { expandLike } from './grad/helpers.js';
import { Emitter, floatTensor, isFloat } from './grad/emitter.js';
import { GRAD_RULES } from './grad/index.js';
import type { GradContext } from './grad/types.js';

export interface DifferentiateOptions {
  /** The value to differentiate: a scalar, or any shape when `seed` gives its gradient. */
  of: string;
  /** Values to differentiate with respect to: graph inputs, initializers or intermediate values. */
  wrt: readonly string[];
  /** Name of a value holding the gradient of `of` (a vector-Jacobian product); default 1. */
  seed?: string;
}

export interface Differentiated {
  /** A copy of the input graph with gradient nodes appended (graph outputs unchanged). */
  graph: Graph;
  /** wrt value → name of its gradient (zeros when it does not influence `of`). */
  grads: Map<string, string>;
  /** Types of all values of the new graph. */
  env: ShapeEnv;
}

/** Ops whose rules accept a dY that only broadcasts to the output's shape. */
const BROADCAST_DY = new Set(['Mul']);

export const MIN_OPSET = 13;
export const MAX_OPSET = 17;

/** Throws unless the graph's opset is one whose semantics the emitted nodes follow (axes inputs/attributes). */
export function checkOpset(graph: Graph, what = 'autodiff'): void {
  if (graph.opset < MIN_OPSET || graph.opset > MAX_OPSET) {
    throw new Error(`graph '${graph.name}' has opset ${graph.opset}; ${what} emits opset ${MIN_OPSET}–${MAX_OPSET} nodes, convert the model first`);
  }
}

export function differentiate(graph: Graph, opts: DifferentiateOptions): Differentiated {
  checkOpset(graph);
  const g = cloneGraph(graph);
  const env = inferShapes(g);
  const e = new Emitter(g, env);
  for (const v of [opts.of, ...opts.wrt]) {
    if (!env.has(v)) throw new Error(`cannot differentiate: graph '${graph.name}' has no value '${v}'`);
  }
  for (const w of opts.wrt) {
    if (!isFloat(env.dtype(w))) throw new Error(`cannot differentiate with respect to '${w}' of type ${env.dtype(w)}`);
  }

  const active = activeNodes(g.nodes, [opts.of], opts.wrt, env);
  const contributions = new Map<string, string[]>();
  if (opts.seed) contributions.set(opts.of, [opts.seed]);
  if (opts.seed && !eqShape(env.shape(opts.seed), env.shape(opts.of))) {
    throw new Error(`seed '${opts.seed}' has shape ${showShape(env.shape(opts.seed))}, '${opts.of}' has ${showShape(env.shape(opts.of))}`);
  }
  const gradOf = reverseSweep(e, active, contributions, (v) => (v === opts.of ? onesLike(e, v) : undefined));

  const grads = new Map<string, string>();
  for (const w of opts.wrt) {
    e.stem = `${w}_grad`;
    grads.set(w, gradOf(w) ?? zerosLike(e, w));
  }
  return { graph: g, grads, env };
}

/**
 * Gradients of the values `seeds` names (value → its gradient) with respect to `wrt`, by a reverse sweep over the
 * nodes of `e.graph` between them, emitted through `e`. The sweep stops at `wrt`: nodes that produce a wrt value are
 * not entered. A rule whose forward is a composite (LSTM, GRU, RNN) emits that forward in primitives and calls this
 * on them. Undefined where a wrt value does not influence the seeded values.
 */
export function backpropagate(e: Emitter, seeds: ReadonlyMap<string, string>, wrt: readonly string[]): Map<string, string | undefined> {
  const active = activeNodes(e.graph.nodes, [...seeds.keys()], wrt, e.env, new Set(wrt));
  const contributions = new Map([...seeds].map(([v, g]) => [v, [g]]));
  const gradOf = reverseSweep(e, active, contributions, () => undefined);
  return new Map(wrt.map((w) => [w, gradOf(w)]));
}

type Active = ReturnType<typeof activeNodes>;

/**
 * Runs the rules of the active nodes in reverse, adding their input gradients to `contributions`; returns the
 * accessor of a value's summed gradient. `start` supplies the gradient of a value that has none yet (ones for `of`).
 */
function reverseSweep(e: Emitter, active: Active, contributions: Map<string, string[]>, start: (v: string) => string | undefined) {
  const env = e.env;
  // Contributions may be smaller than their value and broadcast to it (a ReduceMean gradient before its Expand):
  // a Sum with a full-size contribution broadcasts for free, and Mul's rule takes a broadcastable dY as it is.
  const gradOf = (v: string, broadcastOk = false): string | undefined => {
    if (!contributions.has(v)) {
      const s = start(v);
      if (s) contributions.set(v, [s]);
    }
    const list = contributions.get(v);
    if (!list || list.length === 0) return undefined;
    e.stem = `${v}_grad`;
    if (list.length > 1) contributions.set(v, [e.op('Sum', list)]);
    const g = contributions.get(v)![0]!;
    if (broadcastOk || eqShape(env.shape(g), env.shape(v))) return g;
    const full = expandLike(e, g, v);
    contributions.set(v, [full]);
    return full;
  };

  for (const node of [...active.nodes].reverse()) {
    const dys = node.outputs.map((o) => (o ? gradOf(o, BROADCAST_DY.has(node.op)) : undefined));
    if (dys.every((d) => d === undefined)) continue;
    const rule = (node.domain ?? '') === '' ? GRAD_RULES[node.op] : undefined;
    if (!rule) throw new Error(`no gradient rule for op '${node.op}' (node '${node.name}')`);
    e.stem = `${node.name}_grad`;
    const ctx: GradContext = {
      node, e,
      x: (i) => node.inputs[i] ?? '',
      y: (i) => node.outputs[i] ?? '',
      dy: (i) => dys[i],
      needs: (i) => !!node.inputs[i] && active.reach.has(node.inputs[i]!),
    };
    let grads: (string | undefined)[];
    try {
      grads = rule(ctx);
    } catch (err) {
      const msg = (err as Error).message;
      throw new Error(msg.includes(`'${node.name}'`) ? msg : `gradient of node '${node.name}' (${node.op}): ${msg}`);
    }
    node.inputs.forEach((input, i) => {
      const gi = grads[i];
      if (!gi || !ctx.needs(i)) return;
      const fits = broadcastShapes([env.shape(gi), env.shape(input)]);
      if (typeof fits === 'string' || !eqShape(fits, env.shape(input)) || env.dtype(gi) !== env.dtype(input)) {
        throw new Error(`gradient rule for op '${node.op}' (node '${node.name}') gave ${env.dtype(gi)} ${showShape(env.shape(gi))} for input ${i} '${input}' of ${env.dtype(input)} ${showShape(env.shape(input))}`);
      }
      const list = contributions.get(input) ?? [];
      list.push(gi);
      contributions.set(input, list);
    });
  }
  return gradOf;
}

/**
 * Nodes on a path from some wrt value to one of `of`, in graph order, and the float values reachable from wrt;
 * nodes that produce a value in `stop` are left out (with their ancestors, unless on another path).
 */
function activeNodes(nodes: readonly Node[], of: readonly string[], wrt: readonly string[], env: ShapeEnv, stop?: ReadonlySet<string>) {
  const reach = new Set(wrt);
  for (const n of nodes) {
    if (n.inputs.some((i) => i && reach.has(i))) {
      for (const o of n.outputs) if (o && isFloat(env.dtype(o))) reach.add(o);
    }
  }
  const needed = new Set(of);
  const onPath: Node[] = [];
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k]!;
    if (!n.outputs.some((o) => needed.has(o) && reach.has(o))) continue;
    if (stop && n.outputs.some((o) => stop.has(o))) continue;
    onPath.push(n);
    for (const i of n.inputs) if (i) needed.add(i);
  }
  return { nodes: onPath.reverse(), reach };
}

function onesLike(e: Emitter, v: string): string {
  const s = e.shape(v);
  if (!s.every(isStatic)) throw new Error(`'${v}' has symbolic shape ${showShape(s)}: give a seed for its gradient`);
  const n = (s as number[]).reduce((p, d) => p * d, 1);
  return e.tensor(floatTensor(e.dtype(v), s as number[], new Array(n).fill(1)));
}

function zerosLike(e: Emitter, v: string): string {
  const s = e.shape(v);
  if (s.every(isStatic)) {
    const n = (s as number[]).reduce((p, d) => p * d, 1);
    return e.tensor(floatTensor(e.dtype(v), s as number[], new Array(n).fill(0)));
  }
  const zero = floatTensor(e.dtype(v), [1], [0]);
  return e.op('ConstantOfShape', [e.op('Shape', [v])], { value: { type: 'tensor', value: zero } });
}
