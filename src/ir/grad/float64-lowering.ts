// Test support: fused ops ORT runs only in float32 (Softplus, HardSigmoid, HardSwish, InstanceNormalization) written
// as float64-capable primitives with the same output names, for check.ts's `lower` option, so that their rules are
// also checked against float64 finite differences at tight tolerances.
import { attr, cloneGraph, getFloat, type Attribute, type Graph, type Node } from '../graph.js';
import { inferShapes } from '../shapes/index.js';
import { floatTensor } from './emitter.js';

export function lowerForFloat64(graph: Graph): Graph {
  const g = cloneGraph(graph);
  const env = inferShapes(g);
  const out: Node[] = [];
  let k = 0;
  const emit = (op: string, inputs: string[], attrs: Record<string, Attribute> = {}, output?: string): string => {
    const name = `float64-lowering/${k++}`;
    const y = output ?? `${name}:out`;
    out.push({ name, op, inputs, outputs: [y], attrs });
    return y;
  };
  const constant = (like: string, dims: number[], values: number[]): string => {
    const name = `float64-lowering/const${k++}`;
    g.initializers.set(name, floatTensor(env.dtype(like), dims, values));
    return name;
  };
  const scalar = (v: number, like: string) => constant(like, [], [v]);
  const hardSigmoid = (x: string, alpha: number, beta: number, output?: string) =>
    emit('Max', [emit('Min', [emit('Add', [emit('Mul', [x, scalar(alpha, x)]), scalar(beta, x)]), scalar(1, x)]), scalar(0, x)], {}, output);
  for (const n of g.nodes) {
    const [x] = n.inputs as [string];
    const y = n.outputs[0]!;
    if (n.op === 'Softplus') emit('Log', [emit('Add', [emit('Exp', [x]), scalar(1, x)])], {}, y);
    else if (n.op === 'HardSigmoid') hardSigmoid(x, getFloat(n, 'alpha', 0.2), getFloat(n, 'beta', 0.5), y);
    else if (n.op === 'HardSwish') emit('Mul', [x, hardSigmoid(x, 1 / 6, 0.5)], {}, y);
    else if (n.op === 'InstanceNormalization') {
      const r = env.rank(x);
      const spatial = Array.from({ length: r - 2 }, (_, i) => i + 2);
      const mean = (v: string) => emit('ReduceMean', [v], { axes: attr.ints(spatial), keepdims: attr.int(1) });
      const centered = emit('Sub', [x, mean(x)]);
      const std = emit('Sqrt', [emit('Add', [mean(emit('Mul', [centered, centered])), scalar(getFloat(n, 'epsilon', 1e-5), x)])]);
      const perChannel = (v: string) => emit('Unsqueeze', [v, intsConst(g, spatial.map((_, i) => i + 1), () => `float64-lowering/const${k++}`)]);
      emit('Add', [emit('Mul', [emit('Div', [centered, std]), perChannel(n.inputs[1]!)]), perChannel(n.inputs[2]!)], {}, y);
    } else out.push(n);
  }
  g.nodes = out;
  return g;
}

function intsConst(g: Graph, values: number[], name: () => string): string {
  const n = name();
  g.initializers.set(n, { dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
  return n;
}
