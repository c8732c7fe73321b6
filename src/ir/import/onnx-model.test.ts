import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../engine/session.js';
import { createRng } from '../../core/rng.js';
import { attr, GraphBuilder } from '../builder.js';
import type { Graph } from '../graph.js';
import { toOnnxBytes } from '../onnx.js';
import { float32, int64, sizeOf, type Tensor } from '../tensor.js';
import { buildModel, zooNames } from '../zoo/index.js';
import { exportedLikeGraph } from '../../testing/import-fixtures.js';
import { importGraph, importOnnx, ImportError } from './index.js';
import { requireDifferentiable, UnsupportedOpError } from '../model.js';
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

test('ops terrain cannot infer or differentiate: the model runs forward only, and one error lists them all', () => {
  const b = new GraphBuilder('bad', 13);
  const x = b.input('x', 'float32', ['N', 4]);
  b.initializer('w', randn([4, 4]));
  b.initializer('reps', int64([2], [1, 1]));
  let h = b.op('MatMul', [x, 'w'], {}, 'mm');
  h = b.op('Tile', [h, 'reps'], {}, 'tile1');
  h = b.op('Tile', [h, 'reps'], {}, 'tile2');
  b.nodes.push({ name: 'fused', op: 'FusedGemm', domain: 'com.microsoft', inputs: [h, 'w'], outputs: ['f'], attrs: {} });
  const y = b.op('Celu', ['f'], {}, 'celu');
  b.output(y, 'float32', ['N', 4]);
  const { model } = importGraph(b.build(), 'bad.onnx');
  assert.equal(model.spec.classes, 4);
  assert.deepEqual(model.params, ['w'], 'parameters are found without shape inference');
  assert.deepEqual(model.graph.nodes.map((n) => n.op), ['MatMul', 'Tile', 'Tile', 'FusedGemm', 'Celu'], 'kept node for node');
  let msg = '';
  assert.throws(() => requireDifferentiable(model, 'the Hessian'), (e: Error) => { msg = e.message; return e instanceof UnsupportedOpError; });
  assert.match(msg, /^cannot compute the Hessian of this model: 2 unsupported ops:/);
  assert.match(msg, /com\.microsoft\.FusedGemm \(not a standard ONNX op \(domain 'com\.microsoft'\)\): node 'fused'/);
  assert.match(msg, /Celu \(terrain does not know this op\): node 'celu'/);
  assert.match(msg, /Forward-only commands \(eval, curve and surface along gaussian/);
});

test('a known op without a gradient rule on the parameter path: imported whole, runs forward, refused only for derivatives', async () => {
  const b = new GraphBuilder('tile', 13);
  const x = b.input('x', 'float32', ['N', 4]);
  b.initializer('w', randn([4, 4]));
  b.initializer('reps', int64([2], [1, 1]));
  const y = b.op('Tile', [b.op('MatMul', [x, 'w'], {}, 'mm'), 'reps'], {}, 'tile1');
  b.output(y, 'float32', ['N', 4]);
  const { model } = importGraph(b.build(), 't.onnx');
  assert.throws(() => requireDifferentiable(model, 'the gradient'), /cannot compute the gradient of this model: 1 unsupported op:\n {2}- Tile \(no gradient rule\): node 'tile1'/);
  const session = await Session.create(model.graph, { threads: 1 });
  const sample = float32([1, 4], [1, -2, 0.5, 3]);
  const out = (await session.run({ input: sample }, ['logits']))['logits']!.data as Float32Array;
  await session.dispose();
  const w = model.graph.initializers.get('w')!.data as Float32Array;
  for (let c = 0; c < 4; c++) {
    const want = [1, -2, 0.5, 3].reduce((sum, v, k) => sum + v * w[k * 4 + c]!, 0);
    assert.ok(Math.abs(out[c]! - want) < 1e-5, `output ${c}`);
  }
});

test('ops without gradient rules are fine off the parameter path (input preprocessing)', () => {
  const b = new GraphBuilder('pre', 13);
  const x = b.input('x', 'float32', ['N', 4]);
  b.initializer('w', randn([3, 4]));
  const y = b.op('Gemm', [b.op('Selu', [x]), 'w'], { transB: attr.int(1) });
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

test('clear errors: opset, several inputs, non-logits output, garbage bytes', () => {
  assert.throws(() => importGraph(simple(['N', 4], 11), 'f.onnx'), /opset 11; terrain imports opsets 13–20: export with opset_version=17/);
  const two = simple(['N', 4]);
  two.inputs.push({ name: 'y', dtype: 'float32', shape: ['M', 4] });
  assert.throws(() => importGraph(two, 'f.onnx'), /inputs 'x' and 'y' have different batch dims \(N and M\)/);
  const b = new GraphBuilder('vec', 13);
  b.output(b.op('ReduceSum', [b.input('x', 'float32', ['N', 4])], { keepdims: attr.int(0) }), 'float32', []);
  assert.throws(() => importGraph(b.build(), 'f.onnx'), /the output should be logits \[batch, classes\] \(or \[batch, T, vocabulary\] token logits, or a per-sample value \[batch\]\), got \[\]/);
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

test('a batch the exporter fixed becomes variable: Reshape targets that start with it copy the batch instead', async () => {
  const b = new GraphBuilder('fixed', 13);
  const x = b.input('x', 'float32', [2, 2, 2]);
  b.initializer('w', randn([3, 4]));
  b.initializer('target', int64([2], [2, -1]));
  const y = b.op('Gemm', [b.op('Reshape', [x, 'target']), 'w'], { transB: attr.int(1) });
  b.output(y, 'float32', [2, 3]);
  const { model, report } = importGraph(b.build(), 'fixed.onnx');
  assert.equal(report.bakedBatch, 2);
  assert.deepEqual(model.graph.inputs[0]!.shape, ['N', 2, 2]);
  const rng = createRng(3);
  const xs = float32([5, 2, 2], Array.from({ length: 20 }, () => rng.normal()));
  const session = await Session.create(model.graph, { threads: 1 });
  const out = (await session.run({ input: xs }, ['logits']))['logits']!;
  await session.dispose();
  assert.deepEqual(out.dims, [5, 3]);
  const w = model.graph.initializers.get('w')!.data as Float32Array;
  for (let n = 0; n < 5; n++) for (let c = 0; c < 3; c++) {
    let want = 0;
    for (let k = 0; k < 4; k++) want += (xs.data as Float32Array)[n * 4 + k]! * w[c * 4 + k]!;
    assert.ok(Math.abs((out.data as Float32Array)[n * 3 + c]! - want) < 1e-5);
  }
});

test('a batch baked where terrain cannot free it is refused with the export settings that avoid it', () => {
  const b = new GraphBuilder('fixed', 13);
  const x = b.input('x', 'float32', [2, 4]);
  b.initializer('w', randn([3, 4]));
  b.initializer('shape', int64([2], [2, 3]));
  const y = b.op('Expand', [b.op('ReduceSum', [b.op('Gemm', [x, 'w'], { transB: attr.int(1) })], { keepdims: attr.int(1) }), 'shape']);
  b.output(y, 'float32', [2, 3]);
  assert.throws(() => importGraph(b.build(), 'f.onnx'), /f\.onnx: the graph was exported with a fixed batch of 2 that terrain could not make variable .*dynamic_axes=/);
});

test('token ids: an int64 input is fed as float32 ids and cast in the graph; the embedding table is a parameter', async () => {
  const b = new GraphBuilder('tokens', 13);
  const ids = b.input('ids', 'int64', ['N', 3]);
  b.initializer('emb', randn([10, 4]));
  b.initializer('w', randn([2, 4]));
  b.initializer('axes', int64([1], [1]));
  const pooled = b.op('ReduceSum', [b.op('Gather', ['emb', ids]), 'axes'], { keepdims: attr.int(0) });
  b.output(b.op('Gemm', [pooled, 'w'], { transB: attr.int(1) }), 'float32', ['N', 2]);
  const { model } = importGraph(b.build(), 'tokens.onnx');
  assert.equal(model.spec.inputDtype, 'int64');
  assert.deepEqual(model.spec.inputShape, [3]);
  assert.deepEqual(model.params, ['emb', 'w']);
  assert.equal(model.graph.inputs[0]!.dtype, 'float32');
  const tokens = [1, 9, 0, 4, 4, 7];
  const session = await Session.create(model.graph, { threads: 1 });
  const out = (await session.run({ input: float32([2, 3], tokens) }, ['logits']))['logits']!.data as Float32Array;
  await session.dispose();
  const emb = model.graph.initializers.get('emb')!.data as Float32Array, w = model.graph.initializers.get('w')!.data as Float32Array;
  for (let n = 0; n < 2; n++) for (let c = 0; c < 2; c++) {
    let want = 0;
    for (let t = 0; t < 3; t++) for (let k = 0; k < 4; k++) want += emb[tokens[n * 3 + t]! * 4 + k]! * w[c * 4 + k]!;
    assert.ok(Math.abs(out[n * 2 + c]! - want) < 1e-5, `logit ${n},${c}`);
  }
});

test('several inputs (ids and a mask): packed side by side into one float32 input, sliced apart in the graph', async () => {
  const b = new GraphBuilder('two', 13);
  const ids = b.input('input_ids', 'int64', ['N', 3]);
  const mask = b.input('mask', 'float32', ['N', 3, 1]);
  b.initializer('emb', randn([7, 2]));
  b.initializer('axes', int64([1], [1]));
  const pooled = b.op('ReduceSum', [b.op('Mul', [b.op('Gather', ['emb', ids]), mask]), 'axes'], { keepdims: attr.int(0) });
  b.output(pooled, 'float32', ['N', 2]);
  const { model } = importGraph(b.build(), 'two.onnx');
  assert.deepEqual(model.spec.inputShape, [6]);
  assert.deepEqual(model.spec.inputs, [{ name: 'input_ids', shape: [3], dtype: 'int64' }, { name: 'mask', shape: [3, 1], dtype: 'float32' }]);
  assert.deepEqual(model.params, ['emb']);
  const rows = [[6, 0, 2, 1, 0, 0.5], [1, 1, 3, 0.25, 1, 1]];
  const session = await Session.create(model.graph, { threads: 1 });
  const out = (await session.run({ input: float32([2, 6], rows.flat()) }, ['logits']))['logits']!.data as Float32Array;
  await session.dispose();
  const emb = model.graph.initializers.get('emb')!.data as Float32Array;
  for (let n = 0; n < 2; n++) for (let c = 0; c < 2; c++) {
    let want = 0;
    for (let t = 0; t < 3; t++) want += emb[rows[n]![t]! * 2 + c]! * rows[n]![3 + t]!;
    assert.ok(Math.abs(out[n * 2 + c]! - want) < 1e-6, `output ${n},${c}: ${out[n * 2 + c]} vs ${want}`);
  }
});

test('an opset-19 node without an opset-17 form keeps the file as it is: forward-only, refused for derivatives', async () => {
  const b = new GraphBuilder('pool19', 19);
  const x = b.input('x', 'float32', ['N', 1, 4, 4]);
  b.initializer('w', randn([1, 1, 1, 1]));
  const pooled = b.op('AveragePool', [b.op('Conv', [x, 'w'])], { kernel_shape: attr.ints([2, 2]), dilations: attr.ints([2, 2]) }, 'dilated');
  b.initializer('shape', int64([2], [0, -1]));
  b.output(b.op('Reshape', [pooled, 'shape']), 'float32', ['N', 4]);
  const { model, report } = importGraph(b.build(), 'p.onnx');
  assert.equal(report.opset, 19);
  assert.equal(model.graph.opset, 19, 'the file runs at its own opset');
  assert.throws(() => requireDifferentiable(model, 'the gradient'), /node 'dilated' \(AveragePool\): AveragePool with dilations \(opset 19\) has no opset-17 form/);
  const session = await Session.create(model.graph, { threads: 1 });
  const out = (await session.run({ input: float32([1, 1, 4, 4], Array.from({ length: 16 }, (_, i) => i)) }, ['logits']))['logits']!;
  await session.dispose();
  const w = (model.graph.initializers.get('w')!.data as Float32Array)[0]!;
  // Dilation 2: each window averages x[i][j], x[i][j+2], x[i+2][j], x[i+2][j+2].
  assert.deepEqual(Array.from(out.data as Float32Array).map((v) => +(v / w).toFixed(4)), [5, 6, 9, 10]);
});

test('outputs other than [batch, classes]: token logits [N, T, V] and a per-sample value [N] import with their shape', () => {
  const tokens = new GraphBuilder('lm', 13);
  tokens.initializer('emb', randn([7, 3]));
  tokens.initializer('head', randn([3, 7]));
  tokens.output(tokens.op('MatMul', [tokens.op('Gather', ['emb', tokens.input('ids', 'int64', ['N', 5])]), 'head']), 'float32', ['N', 5, 7]);
  const lm = importGraph(tokens.build(), 'lm.onnx').model;
  assert.deepEqual(lm.graph.outputs[0]!.shape, ['N', 5, 7]);
  assert.equal(lm.spec.classes, 7, 'the vocabulary');
  const reg = new GraphBuilder('reg', 13);
  reg.initializer('w', randn([4]));
  reg.output(reg.op('MatMul', [reg.input('x', 'float32', ['N', 4]), 'w']), 'float32', ['N']);
  const r = importGraph(reg.build(), 'reg.onnx').model;
  assert.deepEqual(r.graph.outputs[0]!.shape, ['N']);
  assert.equal(r.spec.classes, 1);
});

test('a baked batch that survives in an attention-style Reshape is refused at import, not left for ORT to trip on', () => {
  const b = new GraphBuilder('attn', 13);
  const x = b.input('x', 'float32', [1, 8, 4]);
  b.initializer('w', randn([4, 4]));
  b.initializer('heads', int64([3], [8, 2, 2])); // [T, batch·heads, d] with the exporter's batch of 1 folded in
  b.initializer('back', int64([2], [1, 32]));
  b.initializer('flat', int64([2], [0, -1]));
  const h = b.op('Reshape', [b.op('Reshape', [b.op('MatMul', [x, 'w']), 'heads']), 'back']);
  b.output(b.op('Add', [b.op('Reshape', [x, 'flat']), h]), 'float32', [1, 32]); // broadcasts back to the batch
  assert.throws(() => importGraph(b.build(), 'a.onnx'), /fixed batch of 1 that terrain could not make variable \(at batch 2: .*cannot reshape \[2, 8, 4\] \(64 elements\) to \[8, 2, 2\]\); export with input_names/);
});
