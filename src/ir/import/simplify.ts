// Simplifies an imported graph before terrain differentiates it:
//  1. Identity(initializer) → its own initializer. PyTorch's exporter deduplicates equal tensors (a fresh BN's
//     running_var and weight are both ones) by routing one through an Identity node; each state_dict entry must stay
//     a separate tensor with its own name, or moving one parameter would move its twin.
//  2. Constant folding of shape arithmetic (Constant, Shape of static shapes, Gather, Concat, Cast, Slice, …) with
//     ./const-eval.ts, plus int64 values whose contents shape inference already knows (Gather(Shape(x), 1) = 512).
//     Equal/Where/arithmetic over shape vectors holding the batch symbol are followed too, and Expand /
//     ConstantOfShape / Tile targets known only that way are rebuilt from Shape of a value with that dim
//     (./symbolic.ts), so shape inference of the result needs no help.
//  3. Reshape targets still holding the symbolic batch ([N, 512] from Shape(x)[0] and a constant) become static
//     targets with 0 (copy the input's dim) or -1, so the Shape → Gather → Unsqueeze → Concat chain falls away.
//  4. Dead nodes and initializers removed.
// Float initializers from the file are parameters or buffers: never folded, so their names survive.
import { cloneGraph, type Dim, type Graph, type Node } from '../graph.js';
import { ShapeEnv } from '../shapes/index.js';
import { eqDim, isStatic } from '../shapes/dims.js';
import { isFloat } from '../grad/emitter.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { constOf, evaluate, FOLDABLE_OPS, MAX_FOLD_ELEMENTS, tensorOf, TooLargeToFold, type Const } from './const-eval.js';
import { rebuildShapeInput, SymbolSources, trackSymbolic, type Emitting } from './symbolic.js';

export interface Simplified {
  graph: Graph;
  /** Initializers that hold the file's own tensors (including Identity alias copies): parameter/buffer candidates. */
  fromFile: Set<string>;
  /** Identity outputs turned into copies of their source initializer (alias → source). */
  aliases: Map<string, string>;
  /** Nodes replaced by constants. */
  folded: number;
  /** Nodes removed because no graph output depends on them. */
  removed: number;
  /** Initializers of the file that no remaining node reads. */
  unused: string[];
}

function copyTensor(t: Tensor): Tensor {
  return { dtype: t.dtype, dims: [...t.dims], data: t.data.slice() };
}

/**
 * `fold: false` keeps every node as the file has it (steps 1 and 4 only): the form of graphs whose ops terrain's shape
 * inference does not know, which ONNX Runtime can still run forward.
 */
export interface SimplifyOptions {
  /** false: no folding (see above). */
  fold?: boolean;
  /**
   * The batch size an exporter baked into the graph, whose input now has a symbolic batch: constant Reshape targets
   * that start with it while their input starts with the batch symbol start with 0 (copy the batch) instead.
   */
  bakedBatch?: number;
}

export function simplifyGraph(input: Graph, opts: SimplifyOptions = {}): Simplified {
  const g = cloneGraph(input);
  const fromFile = new Set(g.initializers.keys());
  const outputs = new Set(g.outputs.map((o) => o.name));
  const aliases = materializeAliases(g, fromFile, outputs);
  const folded = opts.fold === false ? 0 : foldConstants(g, fromFile, outputs, opts.bakedBatch);
  const before = g.nodes.length;
  removeDeadNodes(g);
  const used = new Set(g.nodes.flatMap((n) => n.inputs));
  for (const o of outputs) used.add(o);
  const unused = [...g.initializers.keys()].filter((k) => !used.has(k) && fromFile.has(k));
  for (const k of [...g.initializers.keys()]) if (!used.has(k)) g.initializers.delete(k);
  return { graph: g, fromFile, aliases, folded, removed: before - g.nodes.length, unused };
}

function materializeAliases(g: Graph, fromFile: Set<string>, outputs: Set<string>): Map<string, string> {
  const aliases = new Map<string, string>();
  g.nodes = g.nodes.filter((n) => {
    const src = n.inputs[0];
    if (n.op !== 'Identity' || (n.domain ?? '') !== '' || !src || !fromFile.has(src) || outputs.has(n.outputs[0] ?? '')) return true;
    const out = n.outputs[0]!;
    if (g.initializers.has(out)) return true;
    g.initializers.set(out, copyTensor(g.initializers.get(src)!));
    fromFile.add(out);
    aliases.set(out, aliases.get(src) ?? src);
    return false;
  });
  return aliases;
}

function foldConstants(g: Graph, fromFile: Set<string>, outputs: Set<string>, bakedBatch?: number): number {
  const env = new ShapeEnv(g);
  const known = new Map<string, Const>();
  const used = new Set(g.initializers.keys());
  for (const n of g.nodes) for (const v of [...n.inputs, ...n.outputs]) used.add(v);
  const fresh = (stem: string): string => {
    let name = stem;
    for (let k = 1; used.has(name); k++) name = `${stem}_${k}`;
    used.add(name);
    return name;
  };
  /** A value usable by the evaluator: folded results and non-parameter initializers of foldable size. */
  const constant = (name: string): Const | undefined => {
    const hit = known.get(name);
    if (hit) return hit;
    const t = g.initializers.get(name);
    if (!t || (fromFile.has(name) && isFloat(t.dtype)) || t.data.length > MAX_FOLD_ELEMENTS) return undefined;
    const c = constOf(t);
    known.set(name, c);
    return c;
  };
  const setConstant = (name: string, c: Const): void => {
    const t = tensorOf(c);
    known.set(name, c);
    g.initializers.set(name, t);
    env.setTensor(name, t);
  };

  let folded = 0, budget = MAX_FOLD_TOTAL;
  const kept: Node[] = [];
  const sources = new SymbolSources();
  for (const v of g.inputs) sources.note(v.name, v.shape);
  const emit: Emitting = {
    node: (op, inputs, attrs, stem) => {
      const out = fresh(`${stem}:out`);
      const n: Node = { name: fresh(stem), op, inputs, outputs: [out], attrs };
      env.infer(n);
      kept.push(n);
      return out;
    },
    ints: (values, stem) => {
      const name = fresh(stem);
      setConstant(name, { dtype: 'int64', dims: [values.length], data: values });
      return name;
    },
  };
  for (const node of g.nodes) {
    const where = `node '${node.name}' (${node.op})`;
    const standard = (node.domain ?? '') === '' || node.domain === 'ai.onnx';
    const out = node.outputs[0] ?? '';
    const foldable = standard && node.outputs.length === 1 && !outputs.has(out) && out !== '';
    const tensorValue = node.attrs['value'];
    if (foldable && node.op === 'Constant' && tensorValue?.type === 'tensor') {
      // Taken as it is (it may be large: never widened to numbers unless an op to fold reads it).
      g.initializers.set(out, tensorValue.value);
      env.setTensor(out, tensorValue.value);
      folded++;
      continue;
    }
    if (foldable && budget > 0) {
      const value = tryFold(node, env, constant, where);
      if (value) {
        budget -= value.data.length;
        setConstant(out, value);
        folded++;
        continue;
      }
    }
    if (standard && node.op === 'Reshape') {
      staticReshapeTarget(node, env, fresh, setConstant);
      if (bakedBatch !== undefined) unbakeBatch(node, env, g.inputs[0]?.shape[0], bakedBatch, fresh, setConstant);
    }
    if (standard) rebuildShapeInput(node, env, sources, emit);
    env.infer(node);
    if (standard) trackSymbolic(node, env);
    kept.push(node);
    for (const o of node.outputs) if (o) sources.note(o, env.shape(o));
    if (foldable) {
      const t = env.type(out);
      const v = env.value(out);
      if (t.dtype === 'int64' && v && v.every(isStatic) && t.shape.length <= 1 && t.shape.every(isStatic) && sizeOf(t.shape as number[]) === v.length) {
        kept.pop();
        setConstant(out, { dtype: 'int64', dims: t.shape as number[], data: v as number[] });
        folded++;
      }
    }
  }
  g.nodes = kept;
  return folded;
}

/** Elements all folded results of one graph may hold together; beyond it nodes stay for ORT (shape arithmetic needs
 * a few hundred; only a forged file needs more). */
const MAX_FOLD_TOTAL = 1 << 22;

function tryFold(node: Node, env: ShapeEnv, constant: (n: string) => Const | undefined, where: string): Const | undefined {
  if (node.op === 'Shape' || node.op === 'Size') {
    const x = node.inputs[0];
    if (!x || !env.has(x)) return undefined;
    const shape = env.shape(x);
    if (!shape.every(isStatic)) return undefined;
    if (node.op === 'Size') return { dtype: 'int64', dims: [], data: [sizeOf(shape as number[])] };
    env.infer(node);
    const v = env.value(node.outputs[0]!);
    return v && v.every(isStatic) ? { dtype: 'int64', dims: [v.length], data: v as number[] } : undefined;
  }
  if (!FOLDABLE_OPS.has(node.op)) return undefined;
  const inputs = node.inputs.map((n) => (n ? constant(n) : undefined));
  if (node.inputs.some((n, i) => n && !inputs[i])) return undefined;
  try {
    return evaluate(node, inputs);
  } catch (e) {
    if (e instanceof TooLargeToFold) return undefined;
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

/**
 * Reshape(x, t) where t's contents are known up to symbols: each symbol equal to x's dim at the same place becomes 0
 * (ONNX: copy that dim), one remaining symbol becomes -1; then t is a constant.
 */
function staticReshapeTarget(node: Node, env: ShapeEnv, fresh: (s: string) => string, setConstant: (n: string, c: Const) => void): void {
  const [x, t] = node.inputs;
  if (!x || !t || !env.has(x) || !env.has(t)) return;
  const target = env.value(t);
  // Tracked contents may have holes (an out-of-range Gather of a shape): leave such targets to shape inference.
  if (!target || target.every(isStatic) || !target.every((d) => typeof d === 'number' || typeof d === 'string')) return;
  const xs = env.shape(x);
  let free = target.includes(-1) ? 1 : 0;
  const out: number[] = [];
  for (let i = 0; i < target.length; i++) {
    const d = target[i]!;
    if (isStatic(d)) out.push(d === 0 ? Number.NaN : d);
    else if (i < xs.length && eqDim(d, xs[i]!)) out.push(0);
    else if (free++ === 0) out.push(-1);
    else return;
  }
  if (out.some(Number.isNaN)) return; // a literal 0 in a tracked shape: leave such targets alone
  const name = fresh(`${node.name}/static_shape`);
  setConstant(name, { dtype: 'int64', dims: [out.length], data: out });
  node.inputs[1] = name;
}

function unbakeBatch(node: Node, env: ShapeEnv, batch: Dim | undefined, baked: number, fresh: (s: string) => string, setConstant: (n: string, c: Const) => void): void {
  const [x, t] = node.inputs;
  if (!x || !t || typeof batch !== 'string' || !env.has(x) || !env.has(t) || !eqDim(env.shape(x)[0] ?? -1, batch)) return;
  const target = env.value(t);
  if (!target || !target.every(isStatic) || target[0] !== baked) return;
  const name = fresh(`${node.name}/batch_shape`);
  setConstant(name, { dtype: 'int64', dims: [target.length], data: [0, ...(target.slice(1) as number[])] });
  node.inputs[1] = name;
}

function removeDeadNodes(g: Graph): void {
  const live = new Set(g.outputs.map((o) => o.name));
  const keep: Node[] = [];
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    if (!n.outputs.some((o) => live.has(o))) continue;
    keep.push(n);
    for (const i of n.inputs) if (i) live.add(i);
  }
  g.nodes = keep.reverse();
}
