// The graph a training loop or a landscape probe runs: model → loss → gradients of every trainable parameter,
// optionally with train-mode BatchNormalization (batch statistics plus updated running statistics).
import { differentiate } from './autodiff.js';
import { bnToTrainMode } from './bn-train.js';
import type { Graph } from './graph.js';
import { CORRECT, LOSS, withLoss, type LossKind, type LossOptions } from './loss.js';
import { INPUT, requireDifferentiable, type Model } from './model.js';
import { inferShapes } from './shapes/index.js';

export interface GradientGraphOptions {
  /** A loss kind, or the full options of withLoss (float targets, their shape). */
  loss: LossKind | LossOptions;
  /** 'eval': BN uses the running statistics (graph inputs as stored); 'train': batch statistics, PyTorch semantics. */
  bn: 'eval' | 'train';
  /** 'inputs': parameters become graph inputs, fed every run; 'initializers': baked in (fastest for a fixed point). */
  weights: 'inputs' | 'initializers';
  /** BN momentum in train mode (PyTorch's, default 0.1). */
  momentum?: number;
  /**
   * Fixes the batch size (default: symbolic, any batch runs). ORT plans memory for big graphs with symbolic shapes
   * slowly (a MobileNetV2 HVP graph: ~25 s to create a session, ~4 s with a fixed batch), so a caller that always
   * feeds one batch size may say so.
   */
  batch?: number;
}

export interface GradientGraph {
  graph: Graph;
  lossName: string;
  correctName: string;
  /** Parameter → graph output holding dLoss/dParameter. */
  gradOf: Map<string, string>;
  /** BN buffer → graph output holding its updated running value (train mode only; empty in eval mode). */
  runningStatOutputs: Map<string, string>;
}

export const gradName = (param: string): string => `grad:${param}`;

export function buildGradientGraph(model: Model, opts: GradientGraphOptions): GradientGraph {
  const { graph, runningStatOutputs } = lossGraph(model, opts);
  const d = differentiate(graph, { of: LOSS, wrt: model.params });
  const gradOf = exposeAs(d.graph, d.grads, gradName, (p) => d.env.shape(p));
  return { graph: d.graph, lossName: LOSS, correctName: CORRECT, gradOf, runningStatOutputs };
}

/**
 * The model's graph ready to be differentiated: batch fixed if asked, BN in the chosen mode, the loss appended,
 * parameters as inputs or initializers. Shared by the gradient graph and the HVP graph.
 */
export function lossGraph(model: Model, opts: GradientGraphOptions): { graph: Graph; runningStatOutputs: Map<string, string> } {
  requireDifferentiable(model, 'gradients or Hessian-vector products');
  let graph = opts.batch === undefined ? model.graph : withStaticBatch(model.graph, opts.batch);
  let runningStatOutputs = new Map<string, string>();
  if (opts.bn === 'train') ({ graph, runningStatOutputs } = bnToTrainMode(graph, { momentum: opts.momentum }));
  else if (opts.bn !== 'eval') throw new Error(`bn should be 'eval' or 'train', got '${String(opts.bn)}'`);
  graph = withLoss(graph, typeof opts.loss === 'string' ? { kind: opts.loss } : opts.loss);
  if (opts.weights === 'inputs') graph = parametersAsInputs(graph, model.params);
  else if (opts.weights !== 'initializers') throw new Error(`weights should be 'inputs' or 'initializers', got '${String(opts.weights)}'`);
  return { graph, runningStatOutputs };
}

/** The graph with the batch dim (dim 0 of input "input", wherever it appears in inputs and outputs) fixed to `n`. */
export function withStaticBatch(graph: Graph, n: number): Graph {
  if (!Number.isInteger(n) || n < 1) throw new Error(`batch must be a positive integer, got ${n}`);
  const input = graph.inputs.find((v) => v.name === INPUT) ?? graph.inputs[0];
  const symbol = input?.shape[0];
  if (typeof symbol !== 'string') return graph;
  const fix = (v: Graph['inputs'][number]) => ({ ...v, shape: v.shape.map((d) => (d === symbol ? n : d)) });
  return { ...graph, inputs: graph.inputs.map(fix), outputs: graph.outputs.map(fix) };
}

/** Moves the named initializers to graph inputs (same names, dtypes and shapes). */
export function parametersAsInputs(graph: Graph, params: readonly string[]): Graph {
  const initializers = new Map(graph.initializers);
  const inputs = [...graph.inputs];
  for (const p of params) {
    const t = initializers.get(p);
    if (!t) throw new Error(`parameter '${p}' is not an initializer of graph '${graph.name}'`);
    initializers.delete(p);
    inputs.push({ name: p, dtype: t.dtype, shape: [...t.dims] });
  }
  return { ...graph, inputs, initializers };
}

/**
 * Adds graph outputs named `name(key)` for each (key → internal value) through Identity nodes, so that two keys
 * never share an output even when their values coincide (e.g. a shared zero constant).
 */
export function exposeAs(graph: Graph, values: Map<string, string>, name: (key: string) => string, shapeOf: (key: string) => Graph['outputs'][number]['shape']): Map<string, string> {
  const env = inferShapes(graph);
  const out = new Map<string, string>();
  for (const [key, value] of values) {
    const o = name(key);
    if (env.has(o)) throw new Error(`graph '${graph.name}' already has a value named '${o}'`);
    graph.nodes.push({ name: `expose/${o}`, op: 'Identity', inputs: [value], outputs: [o], attrs: {} });
    graph.outputs.push({ name: o, dtype: env.dtype(value), shape: shapeOf(key) });
    out.set(key, o);
  }
  return out;
}
