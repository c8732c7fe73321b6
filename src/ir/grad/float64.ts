// A float64 copy of a float32 graph, for finite-difference tests that need more than 7 digits. ORT has float64
// kernels for MatMul/Gemm, elementwise ops, reductions and softmaxes, not for Conv or pooling.
import { cloneGraph, type Attribute, type Graph } from '../graph.js';
import type { Tensor } from '../tensor.js';

const FLOAT = 1, DOUBLE = 11;

function widen(t: Tensor): Tensor {
  return t.dtype === 'float32' ? { dtype: 'float64', dims: [...t.dims], data: Float64Array.from(t.data as Float32Array) } : t;
}

export function widenGraph(graph: Graph): Graph {
  const g = cloneGraph(graph);
  g.initializers = new Map([...g.initializers].map(([k, t]) => [k, widen(t)]));
  g.inputs = g.inputs.map((v) => (v.dtype === 'float32' ? { ...v, dtype: 'float64' } : v));
  g.outputs = g.outputs.map((v) => (v.dtype === 'float32' ? { ...v, dtype: 'float64' } : v));
  for (const n of g.nodes) {
    const attrs: Record<string, Attribute> = {};
    for (const [k, a] of Object.entries(n.attrs)) {
      if (a.type === 'tensor') attrs[k] = { type: 'tensor', value: widen(a.value) };
      else if (n.op === 'Cast' && k === 'to' && a.type === 'int' && a.value === FLOAT) attrs[k] = { type: 'int', value: DOUBLE };
      else attrs[k] = a;
    }
    n.attrs = attrs;
  }
  return g;
}

/** Float64 copies of float32 tensors (feeds), others unchanged. */
export function widenTensor(t: Tensor): Tensor {
  return widen(t);
}
