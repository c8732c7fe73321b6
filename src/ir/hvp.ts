// Exact Hessian-vector products by reverse-over-reverse: the gradient graph is differentiated again, through
// s = Σ_p ⟨grad_p, v_p⟩, giving H·v = ∂s/∂θ in one ORT run. Every op of the backward graph needs a rule of its
// own; a missing one is reported as such.
//
// Convolution weights take a shortcut through s. Their gradient is bilinear in the layer's input x and output
// gradient dY, so ⟨dW(x, dY), v⟩ = ⟨dY, Conv(x, v)⟩: s is built from the right-hand side. The second pass then
// differentiates one forward-shaped Conv (x̄ = convInputGrad(dY, v), dȲ = Conv(x, v)) instead of the im2col + MatMul
// chain of dW, whose reverse materialises the [N, C·K, positions] patch gradient and scatters it back (col2im): that
// was 45 % of a ResNet-20 product. The first-order dW nodes stay in the graph for the gradient outputs only.
import { differentiate } from './autodiff.js';
import type { Graph, Node } from './graph.js';
import { attr } from './graph.js';
import { LOSS, type LossKind, type LossOptions } from './loss.js';
import type { Model } from './model.js';
import { inferShapes } from './shapes/index.js';
import { exposeAs, gradName, lossGraph } from './training-graph.js';

export interface HvpGraphOptions {
  loss: LossKind | LossOptions;
  bn: 'eval' | 'train';
  /** Default 'inputs' (the HVP operator is evaluated at many points); 'initializers' bakes one point in. */
  weights?: 'inputs' | 'initializers';
  /** Fixed batch size (see GradientGraphOptions.batch); HVP graphs are big, so this matters more here. */
  batch?: number;
  /** 'bilinear' (default): conv weights enter s as ⟨dY, Conv(x, v)⟩; 'gradient': as ⟨dW, v⟩ (kept for comparison). */
  convTerms?: 'bilinear' | 'gradient';
  /**
   * Default true: the gradient is an output too. false drops it and every node only it needs (the first-order dW
   * MatMuls): ORT runs every node of a graph whatever is fetched, so a product without the gradient is cheaper.
   */
  gradients?: boolean;
  /** Directions per run (default 1): k products share one forward and first-order pass. */
  vectors?: number;
}

export interface HvpGraph {
  graph: Graph;
  lossName: string;
  /** Parameter → input name "v:<param>" of the direction. */
  vectorOf: Map<string, string>;
  /** Parameter → output name "hv:<param>" of (H·v) restricted to that parameter. */
  hvOf: Map<string, string>;
  /** Per direction j: parameter → input name of v_j, and parameter → output name of H·v_j ([0] = vectorOf, hvOf). */
  vectorsOf: Map<string, string>[];
  hvsOf: Map<string, string>[];
  /** Parameter → output with the gradient (as in buildGradientGraph); empty with `gradients: false`. */
  gradOf: Map<string, string>;
}

/** Input of direction j (default 0) for a parameter: "v:<param>", "v1:<param>", … */
export const vectorName = (param: string, j = 0): string => `v${j === 0 ? '' : j}:${param}`;
/** Output of H·v_j for a parameter: "hv:<param>", "hv1:<param>", … */
export const hvName = (param: string, j = 0): string => `hv${j === 0 ? '' : j}:${param}`;

/** Conv nodes that are the only consumer of their weight parameter: parameter → node. */
function soleConvConsumers(graph: Graph, params: ReadonlySet<string>): Map<string, Node> {
  const uses = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) if (params.has(i)) uses.set(i, (uses.get(i) ?? 0) + 1);
  const out = new Map<string, Node>();
  for (const n of graph.nodes) {
    const w = n.inputs[1];
    if (n.op === 'Conv' && (n.domain ?? '') === '' && w && params.has(w) && uses.get(w) === 1 && !params.has(n.inputs[0]!)) out.set(w, n);
  }
  return out;
}

export function buildHvpGraph(model: Model, opts: HvpGraphOptions): HvpGraph {
  // The gradient graph as buildGradientGraph makes it, with the conv outputs' gradients (dY) exposed too.
  const { graph: base } = lossGraph(model, { loss: opts.loss, bn: opts.bn, weights: opts.weights ?? 'inputs', batch: opts.batch });
  const convOf = (opts.convTerms ?? 'bilinear') === 'bilinear' ? soleConvConsumers(base, new Set(model.params)) : new Map<string, Node>();
  const convOutputs = [...convOf.values()].map((n) => n.outputs[0]!);
  const first = differentiate(base, { of: LOSS, wrt: [...model.params, ...convOutputs] });
  const gradOf = exposeAs(first.graph, new Map(model.params.map((p) => [p, first.grads.get(p)!])), gradName, (p) => first.env.shape(p));

  let graph = first.graph;
  const vectorsOf: Map<string, string>[] = [], hvsOf: Map<string, string>[] = [];
  // Each vector j gets its own s_j and second pass; they share the forward and first-order nodes (and the emitter
  // reuses every node that does not depend on v_j, such as masks and BN gains).
  for (let j = 0; j < (opts.vectors ?? 1); j++) {
    const env = inferShapes(graph);
    const terms: string[] = [];
    const vectorOf = new Map<string, string>();
    const stem = j === 0 ? 'hvp' : `hvp${j}`;
    const push = (name: string, op: string, inputs: string[], attrs: Node['attrs'] = {}) => {
      graph.nodes.push({ name, op, inputs, outputs: [name], attrs });
      return name;
    };
    for (const [p, g] of gradOf) {
      const v = vectorName(p, j);
      if (env.has(v)) throw new Error(`graph '${graph.name}' already has a value named '${v}'`);
      graph.inputs.push({ name: v, dtype: env.dtype(p), shape: env.shape(p) });
      vectorOf.set(p, v);
      const conv = convOf.get(p);
      const prod = conv
        ? push(`${stem}/${p}/dot`, 'Mul', [first.grads.get(conv.outputs[0]!)!, push(`${stem}/${p}/conv`, 'Conv', [conv.inputs[0]!, v], conv.attrs)])
        : push(`${stem}/${p}/dot`, 'Mul', [g, v]);
      terms.push(push(`${stem}/${p}/sum`, 'ReduceSum', [prod], { keepdims: attr.int(0) }));
    }
    const s = push(`${stem}/s`, 'Sum', terms);
    let second;
    try {
      second = differentiate(graph, { of: s, wrt: model.params });
    } catch (err) {
      const m = /no gradient rule for op '([^']+)' \(node '([^']+)'\)/.exec((err as Error).message);
      if (m) throw new Error(`exact HVP needs a second-order rule for op ${m[1]} (node '${m[2]}')`);
      throw err;
    }
    graph = second.graph;
    vectorsOf.push(vectorOf);
    hvsOf.push(exposeAs(graph, second.grads, (p) => hvName(p, j), (p) => second.env.shape(p)));
  }
  const out = { lossName: LOSS, vectorOf: vectorsOf[0]!, hvOf: hvsOf[0]!, vectorsOf, hvsOf };
  if (opts.gradients ?? true) return { ...out, graph: withoutDeadNodes(graph), gradOf };
  const grads = new Set(gradOf.values());
  return { ...out, graph: withoutDeadNodes({ ...graph, outputs: graph.outputs.filter((o) => !grads.has(o.name)) }), gradOf: new Map() };
}

/** The graph without the nodes and initializers that no graph output depends on (inputs stay: feeds are fixed). */
export function withoutDeadNodes(graph: Graph): Graph {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k]!;
    if (!n.outputs.some((o) => o && needed.has(o))) continue;
    kept.push(n);
    for (const i of n.inputs) if (i) needed.add(i);
  }
  const initializers = new Map([...graph.initializers].filter(([name]) => needed.has(name)));
  return { ...graph, nodes: kept.reverse(), initializers };
}
