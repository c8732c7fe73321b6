// Exact Hessian-vector products by reverse-over-reverse: the gradient graph is differentiated again, through
// s = Σ_p ⟨grad_p, v_p⟩, giving H·v = ∂s/∂θ in one ORT run. Every op of the backward graph needs a rule of its
// own; a missing one is reported as such.
import { differentiate } from './autodiff.js';
import type { Graph } from './graph.js';
import { attr } from './graph.js';
import type { LossKind } from './loss.js';
import type { Model } from './model.js';
import { inferShapes } from './shapes.js';
import { buildGradientGraph, exposeAs } from './training-graph.js';

export interface HvpGraphOptions {
  loss: LossKind;
  bn: 'eval' | 'train';
  /** Default 'inputs' (the HVP operator is evaluated at many points); 'initializers' bakes one point in. */
  weights?: 'inputs' | 'initializers';
  /** Fixed batch size (see GradientGraphOptions.batch); HVP graphs are big, so this matters more here. */
  batch?: number;
}

export interface HvpGraph {
  graph: Graph;
  lossName: string;
  /** Parameter → input name "v:<param>" of the direction. */
  vectorOf: Map<string, string>;
  /** Parameter → output name "hv:<param>" of (H·v) restricted to that parameter. */
  hvOf: Map<string, string>;
  /** Parameter → output with the gradient (as in buildGradientGraph). */
  gradOf: Map<string, string>;
}

export const vectorName = (param: string): string => `v:${param}`;
export const hvName = (param: string): string => `hv:${param}`;

export function buildHvpGraph(model: Model, opts: HvpGraphOptions): HvpGraph {
  const gg = buildGradientGraph(model, { loss: opts.loss, bn: opts.bn, weights: opts.weights ?? 'inputs', batch: opts.batch });
  const graph = gg.graph;
  const env = inferShapes(graph);
  const terms: string[] = [];
  const vectorOf = new Map<string, string>();
  for (const [p, g] of gg.gradOf) {
    const v = vectorName(p);
    if (env.has(v)) throw new Error(`graph '${graph.name}' already has a value named '${v}'`);
    graph.inputs.push({ name: v, dtype: env.dtype(p), shape: env.shape(p) });
    vectorOf.set(p, v);
    const prod = `hvp/${p}/dot`, dot = `hvp/${p}/sum`;
    graph.nodes.push({ name: prod, op: 'Mul', inputs: [g, v], outputs: [prod], attrs: {} });
    graph.nodes.push({ name: dot, op: 'ReduceSum', inputs: [prod], outputs: [dot], attrs: { keepdims: attr.int(0) } });
    terms.push(dot);
  }
  const s = 'hvp/s';
  graph.nodes.push({ name: s, op: 'Sum', inputs: terms, outputs: [s], attrs: {} });
  let second;
  try {
    second = differentiate(graph, { of: s, wrt: model.params });
  } catch (err) {
    const m = /no gradient rule for op '([^']+)' \(node '([^']+)'\)/.exec((err as Error).message);
    if (m) throw new Error(`exact HVP needs a second-order rule for op ${m[1]} (node '${m[2]}')`);
    throw err;
  }
  const hvOf = exposeAs(second.graph, second.grads, hvName, (p) => second.env.shape(p));
  return { graph: second.graph, lossName: gg.lossName, vectorOf, hvOf, gradOf: gg.gradOf };
}
