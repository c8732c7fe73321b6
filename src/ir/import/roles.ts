// Which initializers of an imported graph are trainable parameters, which are buffers, which are constants.
//
// The rule (documented in docs/pytorch.md):
//  - buffers: BatchNormalization's running mean and variance (inputs 3 and 4);
//  - constants: tensors made by Constant nodes or by import-time folding, integer tensors, and float tensors the file
//    stores but that are read only as settings of an op, never as data: Clip's min/max, Pow's exponent, Pad's
//    value, shape/axes/index inputs (see SETTINGS below);
//  - parameters: every other float initializer of the file — weights and biases of Conv, Gemm, MatMul and
//    BatchNormalization, and learned tensors added or multiplied into the activations.
// PyTorch's exporter stores parameters and registered buffers as initializers under their state_dict names and
// writes tensors created inside forward() as Constant nodes, which is what makes this split reliable.
// Order: the order in which the graph's nodes first read them (forward order), so it does not depend on how the
// exporter listed or deduplicated initializers.
import type { Graph } from '../graph.js';
import { isFloat } from '../grad/emitter.js';

/** Inputs that configure an op rather than carry data through it (by op, input index). */
export const SETTINGS: Readonly<Record<string, readonly number[]>> = {
  Clip: [1, 2], Pow: [1], Pad: [1, 2, 3], Reshape: [1], Expand: [1], Tile: [1], Slice: [1, 2, 3, 4],
  Squeeze: [1], Unsqueeze: [1], ReduceSum: [1], ReduceMean: [1], ReduceMax: [1], ReduceMin: [1], ConstantOfShape: [0],
  Range: [0, 1, 2], Where: [0], Gather: [1], OneHot: [1, 2], Split: [1], Dropout: [1, 2], Shape: [0], Size: [0],
  Resize: [1, 2, 3], Upsample: [1], TopK: [1], LSTM: [4], GRU: [4], RNN: [4],
};

/** BatchNormalization inputs that hold running statistics. */
const RUNNING_STATS = [3, 4];

export interface Roles {
  params: string[];
  buffers: string[];
  /** Initializers that are neither (kept in the graph as fixed values). */
  constants: string[];
}

export function classifyInitializers(graph: Graph, fromFile: ReadonlySet<string>): Roles {
  const order: string[] = [];
  const seen = new Set<string>();
  const asData = new Set<string>();
  const asStat = new Set<string>();
  for (const n of graph.nodes) {
    const settings = (n.domain ?? '') === '' ? SETTINGS[n.op] ?? [] : [];
    n.inputs.forEach((name, i) => {
      if (!name || !graph.initializers.has(name)) return;
      if (!seen.has(name)) { seen.add(name); order.push(name); }
      if (n.op === 'BatchNormalization' && RUNNING_STATS.includes(i)) asStat.add(name);
      else if (!settings.includes(i)) asData.add(name);
    });
  }
  for (const k of graph.initializers.keys()) if (!seen.has(k)) order.push(k);
  const roles: Roles = { params: [], buffers: [], constants: [] };
  for (const name of order) {
    const t = graph.initializers.get(name)!;
    const candidate = fromFile.has(name) && isFloat(t.dtype);
    if (candidate && asStat.has(name)) roles.buffers.push(name);
    else if (candidate && asData.has(name)) roles.params.push(name);
    else roles.constants.push(name);
  }
  return roles;
}
