// Multiply-accumulate count of a forward pass per sample, from the graph's inferred shapes: Conv, Gemm and MatMul
// only (elementwise ops, BN and pooling are memory-bound and left out, as FLOP counts for CNNs usually do).
// FLOPs = 2 × MACs.
import type { Graph } from '../ir/graph.js';
import { inferShapes } from '../ir/shapes/index.js';

export function forwardMacsPerSample(graph: Graph): number {
  const env = inferShapes(graph);
  const dims = (name: string): number[] => env.shape(name).map((d, i) => {
    if (i === 0) return 1; // the batch
    if (typeof d !== 'number') throw new Error(`value '${name}' has a symbolic dimension ${i} (${String(d)}); MACs need static shapes after the batch`);
    return d;
  });
  const prod = (a: readonly number[]): number => a.reduce((p, d) => p * d, 1);
  let macs = 0;
  for (const n of graph.nodes) {
    if (n.op === 'Conv') {
      // Each output element reads (C_in / groups) · kH · kW weights: the weight's dims after the first.
      macs += prod(dims(n.outputs[0]!)) * prod(env.shape(n.inputs[1]!).slice(1) as number[]);
    } else if (n.op === 'Gemm' || n.op === 'MatMul') {
      const a = env.shape(n.inputs[0]!), out = dims(n.outputs[0]!);
      const transA = n.op === 'Gemm' && n.attrs['transA']?.type === 'int' && n.attrs['transA'].value === 1;
      const k = (transA ? a[a.length - 2] : a[a.length - 1]) as number;
      macs += prod(out) * k;
    }
  }
  return macs;
}
