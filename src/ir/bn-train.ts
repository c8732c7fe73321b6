// Rewrites eval-form BatchNormalization nodes into train mode from primitive ops, with PyTorch semantics:
// normalise by the batch mean and the biased batch variance; update running_mean and running_var (with the
// unbiased variance) by momentum 0.1; the updated statistics become extra graph outputs.
import { checkOpset } from './autodiff.js';
import { attr, cloneGraph, getFloat, type Graph, type Node } from './graph.js';
import { ShapeEnv } from './shapes/index.js';
import { Emitter } from './grad/emitter.js';
import { channelVector, countRatio } from './grad/helpers.js';

export interface BnTrainOptions {
  /** PyTorch's momentum: running = (1 − m)·running + m·batch statistic. Default 0.1. */
  momentum?: number;
}

export interface BnTrainGraph {
  graph: Graph;
  /** Buffer (running_mean / running_var initializer) → name of the graph output holding its updated value. */
  runningStatOutputs: Map<string, string>;
}

export function bnToTrainMode(graph: Graph, opts: BnTrainOptions = {}): BnTrainGraph {
  checkOpset(graph, 'the train-mode BN rewrite');
  const momentum = opts.momentum ?? 0.1;
  const g = cloneGraph(graph);
  const env = new ShapeEnv(g);
  const e = new Emitter(g, env, { reuseExisting: false });
  const original = g.nodes;
  g.nodes = [];
  const runningStatOutputs = new Map<string, string>();
  for (const node of original) {
    if (node.op !== 'BatchNormalization') {
      g.nodes.push(node);
      env.infer(node);
      continue;
    }
    e.stem = node.name;
    for (const [buffer, updated] of rewriteOne(e, node, momentum)) {
      if (runningStatOutputs.has(buffer)) throw new Error(`running statistic '${buffer}' is used by more than one BatchNormalization node`);
      runningStatOutputs.set(buffer, updated);
      g.outputs.push({ name: updated, dtype: env.dtype(updated), shape: env.shape(updated) });
    }
  }
  return { graph: g, runningStatOutputs };
}

function rewriteOne(e: Emitter, node: Node, momentum: number): [string, string][] {
  const where = `node '${node.name}' (BatchNormalization)`;
  if (node.outputs.filter((o) => o).length !== 1) throw new Error(`${where}: expected the eval form with one output, got ${node.outputs.length}`);
  const [x, scale, bias, mean, variance] = node.inputs as [string, string, string, string, string];
  for (const v of [mean, variance]) {
    if (!e.graph.initializers.has(v)) throw new Error(`${where}: running statistic '${v}' should be an initializer (a model buffer)`);
  }
  const rank = e.rank(x);
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const eps = getFloat(node, 'epsilon', 1e-5);
  const flat = (v: string) => e.op('Reshape', [v, e.ints([-1])]);
  // Batch statistics feed an eval-form BatchNormalization (one fused pass in ORT); autodiff differentiates through
  // them. The centred input is built exactly as the BatchNormalization rule builds it, so that the rule reuses it.
  const batchMean = e.op('ReduceMean', [x], { axes: attr.ints(axes), keepdims: attr.int(1) });
  const meanC = flat(batchMean);
  const centered = e.op('Sub', [x, channelVector(e, meanC, rank)]);
  const batchVar = e.op('ReduceMean', [e.op('Mul', [centered, centered])], { axes: attr.ints(axes), keepdims: attr.int(1) });
  const varC = flat(batchVar);
  e.opTo(node.outputs[0]!, 'BatchNormalization', [x, scale, bias, meanC, varC], { epsilon: attr.float(eps) });

  // Running statistics, outside the differentiated path.
  const count = countRatio(e, x, batchMean, batchVar);
  const bessel = e.op('Div', [count, e.op('Sub', [count, e.scalar(1, count)])]);
  const blend = (running: string, batch: string): [string, string] => {
    const updated = `${running}:updated`;
    e.claim(updated);
    e.opTo(updated, 'Add', [e.op('Mul', [running, e.scalar(1 - momentum, running)]), e.op('Mul', [batch, e.scalar(momentum, batch)])]);
    return [running, updated];
  };
  return [blend(mean, meanC), blend(variance, e.op('Mul', [varC, bessel]))];
}
