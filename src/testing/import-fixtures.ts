// Test fixtures for ONNX import: graphs written the way PyTorch's exporter writes them.
import { attr, GraphBuilder } from '../ir/builder.js';
import type { Graph } from '../ir/graph.js';
import { float32, int64, sizeOf, type Tensor } from '../ir/tensor.js';

interface Normal {
  normal(): number;
}

/**
 * A small network as PyTorch's exporter writes it: Constant nodes for Clip bounds, BN running_var routed through
 * Identity from an equal weight (deduplication), and x.view(x.size(0), -1) as Shape → Gather → Unsqueeze → Concat →
 * Reshape. Input 'x' [batch, 2, 4, 4], output 'output' [batch, 5].
 */
export function exportedLikeGraph(rng: Normal): Graph {
  const randn = (dims: number[]) => float32(dims, Array.from({ length: sizeOf(dims) }, () => rng.normal()));
  const constant = (b: GraphBuilder, t: Tensor, stem: string) => b.op('Constant', [], { value: attr.tensor(t) }, stem);
  const b = new GraphBuilder('exported', 13);
  const x = b.input('x', 'float32', ['batch', 2, 4, 4]);
  b.initializer('conv.weight', randn([3, 2, 3, 3]));
  b.initializer('bn.weight', float32([3], [1, 1, 1]));
  b.initializer('bn.bias', randn([3]));
  b.initializer('bn.running_mean', randn([3]));
  b.nodes.push({ name: 'Identity_0', op: 'Identity', inputs: ['bn.weight'], outputs: ['bn.running_var'], attrs: {} });
  b.initializer('fc.weight', randn([5, 48]));
  b.initializer('fc.bias', randn([5]));
  const conv = b.op('Conv', [x, 'conv.weight'], { pads: attr.ints([1, 1, 1, 1]) }, '/conv/Conv');
  const bn = b.op('BatchNormalization', [conv, 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var'], {}, '/bn/BatchNormalization');
  const clip = b.op('Clip', [bn, constant(b, float32([], [0]), '/Constant'), constant(b, float32([], [6]), '/Constant_1')], {}, '/Clip');
  const shape = b.op('Shape', [clip], {}, '/Shape');
  const n = b.op('Gather', [shape, constant(b, int64([], [0]), '/Constant_2')], { axis: attr.int(0) }, '/Gather');
  const target = b.op('Concat', [b.op('Unsqueeze', [n, constant(b, int64([1], [0]), '/Constant_3')], {}, '/Unsqueeze'), constant(b, int64([1], [-1]), '/Constant_4')], { axis: attr.int(0) }, '/Concat');
  const flat = b.op('Reshape', [clip, target], {}, '/Reshape');
  const y = b.op('Gemm', [flat, 'fc.weight', 'fc.bias'], { transB: attr.int(1) }, '/fc/Gemm');
  b.output(b.rename(y, 'output'), 'float32', ['batch', 5]);
  return b.build();
}
