import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../engine/session.js';
import { createRng } from '../../core/rng.js';
import { attr, GraphBuilder } from '../builder.js';
import type { Graph } from '../graph.js';
import { toOnnxBytes } from '../onnx.js';
import { float32, int64, sizeOf, type Tensor } from '../tensor.js';
import { buildModel, zooNames } from '../zoo/index.js';
import { exportedLikeGraph } from './fixtures.js';
import { importGraph, importOnnx, ImportError } from './index.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const rng = createRng(11);
const randn = (dims: number[]) => float32(dims, Array.from({ length: sizeOf(dims) }, () => rng.normal()));
const constant = (b: GraphBuilder, t: Tensor, stem: string) => b.op('Constant', [], { value: attr.tensor(t) }, stem);

test('import splits parameters, buffers and constants, restores deduplicated tensors, folds the shape chain', async () => {
  const original = exportedLikeGraph(createRng(5));
  const { model, report } = importOnnx(toOnnxBytes(original), 'exported.onnx');
  assert.deepEqual(model.params, ['conv.weight', 'bn.weight', 'bn.bias', 'fc.weight', 'fc.bias']);
  assert.deepEqual(model.buffers, ['bn.running_mean', 'bn.running_var']);
  assert.equal(report.constants.length, 3, `Clip bounds and the static Reshape target: ${report.constants}`);
  assert.deepEqual([...report.aliases], [['bn.running_var', 'bn.weight']]);
  const g = model.graph;
  assert.notEqual(g.initializers.get('bn.running_var')!.data, g.initializers.get('bn.weight')!.data, 'an own copy, not a shared array');
  assert.deepEqual(g.nodes.map((n) => n.op), ['Conv', 'BatchNormalization', 'Clip', 'Reshape', 'Gemm']);
  const target = g.initializers.get(g.nodes[3]!.inputs[1]!)!;
  assert.deepEqual(Array.from(target.data as BigInt64Array, Number), [0, -1]);
  assert.deepEqual(model.spec, { arch: 'onnx', options: {}, inputShape: [2, 4, 4], classes: 5 });
  assert.deepEqual([g.inputs[0]!.name, g.outputs[0]!.name], ['input', 'logits']);

  // Same function as the file's graph, at two batch sizes.
  const a = await Session.create(original), s = await Session.create(g);
  try {
    for (const n of [1, 3]) {
      const x = randn([n, 2, 4, 4]);
      const want = (await a.run({ x }))['output']!.data as Float32Array;
      const got = (await s.run({ input: x }))['logits']!.data as Float32Array;
      assert.deepEqual(Array.from(got), Array.from(want));
    }
  } finally {
    await a.dispose();
    await s.dispose();
  }
});

test('one error lists every unsupported op with its nodes', () => {
  const b = new GraphBuilder('bad', 13);
  const x = b.input('x', 'float32', ['N', 4]);
  b.initializer('w', randn([4, 4]));
  let h = b.op('MatMul', [x, 'w'], {}, 'mm');
  h = b.op('HardSigmoid', [h], {}, 'hs1');
  h = b.op('HardSigmoid', [h], {}, 'hs2');
  b.nodes.push({ name: 'fused', op: 'FusedGemm', domain: 'com.microsoft', inputs: [h, 'w'], outputs: ['f'], attrs: {} });
  const y = b.op('Celu', ['f'], {}, 'celu');
  b.output(y, 'float32', ['N', 4]);
  let msg = '';
  assert.throws(() => importGraph(b.build(), 'bad.onnx'), (e: Error) => { msg = e.message; return e instanceof ImportError; });
  assert.match(msg, /^bad\.onnx: 3 unsupported ops:/);
  assert.match(msg, /HardSigmoid \(no gradient rule\): nodes 'hs1', 'hs2'/);
  assert.match(msg, /com\.microsoft\.FusedGemm \(not a standard ONNX op \(domain 'com\.microsoft'\)\): node 'fused'/);
  assert.match(msg, /Celu \(terrain does not know this op\): node 'celu'/);
});

test('ops without gradient rules are fine off the parameter path (input preprocessing)', () => {
  const b = new GraphBuilder('pre', 13);
  const x = b.input('x', 'float32', ['N', 4]);
  b.initializer('w', randn([3, 4]));
  const y = b.op('Gemm', [b.op('HardSigmoid', [x]), 'w'], { transB: attr.int(1) });
  b.output(y, 'float32', ['N', 3]);
  assert.deepEqual(importGraph(b.build(), 'pre.onnx').model.params, ['w']);
});

function simple(inputShape: (number | string)[], opset = 13): Graph {
  const b = new GraphBuilder('simple', opset);
  const x = b.input('x', 'float32', inputShape);
  b.initializer('w', randn([3, 4]));
  b.output(b.op('Gemm', [x, 'w'], { transB: attr.int(1) }), 'float32', [inputShape[0]!, 3]);
  return b.build();
}

test('clear errors: fixed batch, opset, several inputs, non-logits output, garbage bytes', () => {
  assert.throws(() => importGraph(simple([2, 4]), 'f.onnx'), /f\.onnx: input 'x' has a fixed batch size 2; export with input_names=\["input"\]/);
  assert.throws(() => importGraph(simple(['N', 4], 11), 'f.onnx'), /opset 11; terrain differentiates opsets 13–17/);
  const two = simple(['N', 4]);
  two.inputs.push({ name: 'y', dtype: 'float32', shape: ['N', 4] });
  assert.throws(() => importGraph(two, 'f.onnx'), /the graph has 2 inputs \('x', 'y'\)/);
  const b = new GraphBuilder('vec', 13);
  b.output(b.op('ReduceSum', [b.input('x', 'float32', ['N', 4])], { keepdims: attr.int(0) }), 'float32', []);
  assert.throws(() => importGraph(b.build(), 'f.onnx'), /the output should be logits \[batch, classes\], got \[\]/);
  assert.throws(() => importOnnx(new Uint8Array([8, 7, 0xff, 0xff]), 'junk.onnx'), (e: Error) => e instanceof ImportError && /^junk\.onnx: not a valid ONNX protobuf/.test(e.message));
});

test('hostile shapes are refused before anything is allocated', () => {
  const b = new GraphBuilder('hostile', 13);
  const x = b.input('x', 'float32', ['N', 4]);
  const huge = b.op('ConstantOfShape', [constant(b, int64([2], [1 << 20, 1 << 20]), 'shape')], { value: attr.tensor(float32([1], [0])) });
  b.initializer('w', randn([3, 4]));
  const y = b.op('Add', [b.op('Gemm', [x, 'w'], { transB: attr.int(1) }), b.op('ReduceSum', [huge], { keepdims: attr.int(0) })]);
  b.output(y, 'float32', ['N', 3]);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => importGraph(b.build(), 'h.onnx'), /would compute .* of shape \[1048576, 1048576\], more than 67108864 elements per sample/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20);
});

test('a PyTorch transformer export: expand to the batch and attention reshapes need no Shape help afterwards', async () => {
  const bytes = readFileSync(fileURLToPath(new URL('../../../test/fixtures/onnx/tinyvit.onnx', import.meta.url)));
  const { model, report } = importOnnx(bytes, 'tinyvit.onnx');
  assert.deepEqual(model.params.slice(0, 4), ['patch.weight', 'patch.bias', 'cls', 'pos']);
  assert.equal(model.params.length, 18);
  assert.ok(report.folded > 50, `${report.folded} nodes folded`);
  const reshapes = model.graph.nodes.filter((n) => n.op === 'Reshape');
  assert.ok(reshapes.every((n) => model.graph.initializers.has(n.inputs[1]!)), 'every Reshape target is a constant');
  const original = await Session.fromBytes(bytes), s = await Session.create(model.graph);
  try {
    for (const n of [1, 4]) {
      const x = randn([n, 3, 8, 8]);
      const want = Array.from((await original.run({ input: x }))['output']!.data as Float32Array);
      const got = Array.from((await s.run({ input: x }))['logits']!.data as Float32Array);
      assert.ok(got.every((v, i) => Math.abs(v - want[i]!) <= 1e-6 * (1 + Math.abs(want[i]!))), `batch ${n}`);
    }
  } finally {
    await original.dispose();
    await s.dispose();
  }
});

test("terrain's own zoo graphs import with exactly the zoo's parameters (in order) and buffers", () => {
  const shapes: Record<string, number[]> = { mlp: [1, 8, 8], 'cnn-small': [1, 8, 8], 'vgg11-bn': [1, 8, 8] };
  for (const arch of zooNames()) {
    const m = buildModel({ arch, options: {}, inputShape: shapes[arch] ?? [3, 16, 16], classes: 10 }, 0);
    const { model } = importOnnx(toOnnxBytes(m.graph), `${arch}.onnx`);
    assert.deepEqual(model.params, m.params, `${arch}: parameters`);
    assert.deepEqual(model.buffers, m.buffers, `${arch}: buffers`);
  }
});
