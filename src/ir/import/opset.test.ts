import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../core/rng.js';
import { Session } from '../../engine/session.js';
import { GraphBuilder } from '../builder.js';
import { attr, type Attribute, type Dim, type Graph } from '../graph.js';
import { inferShapes } from '../shapes/index.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { checkGrad } from '../../testing/grad-check.js';
import { lowerForFloat64 } from '../grad/float64-lowering.js';
import { OpsetError, toInternalOpset } from './opset.js';
import { importGraph } from './index.js';

const rng = createRng(18);
const randomFloat = (dims: number[]): Tensor => ({ dtype: 'float32', dims, data: Float32Array.from({ length: sizeOf(dims) }, () => 2 * rng.normal()) });
const int64 = (values: number[]): Tensor => ({ dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });

/** A one-node graph at `opset` over float inputs of the given shapes, with extra constant inputs. */
function oneNode(op: string, opset: number, shapes: number[][], attrs: Record<string, Attribute> = {}, constants: Tensor[] = [], outputs = 1): Graph {
  const b = new GraphBuilder(`${op}-${opset}`, opset);
  const xs = shapes.map((s, i) => b.input(`x${i}`, 'float32', s));
  const cs = constants.map((t, i) => b.initializer(`c${i}`, t));
  const ys = b.opMulti(op, [...xs, ...cs], outputs, attrs, op.toLowerCase());
  let shapeOf = (_: string): Dim[] => [];
  try {
    const env = inferShapes(b.build());
    shapeOf = (y) => env.shape(y);
  } catch {
    // Split into uneven parts: terrain's opset-17 shape rule needs the sizes, which the rewrite adds.
  }
  for (const y of ys) b.output(y, 'float32', shapeOf(y));
  return b.build();
}

/** ORT's outputs of the graph as given (opset 18–20) and of its opset-17 form agree to float32 rounding. */
async function sameOutputs(g: Graph, feeds: Record<string, Tensor>): Promise<Graph> {
  const lowered = toInternalOpset(g);
  assert.equal(lowered.opset, 17);
  const names = g.outputs.map((o) => o.name);
  const [a, b] = [await Session.create(g), await Session.create(lowered)];
  try {
    const [ya, yb] = [await a.run(feeds, names), await b.run(feeds, names)];
    for (const n of names) {
      const p = ya[n]!.data as Float32Array, q = yb[n]!.data as Float32Array;
      assert.deepEqual(yb[n]!.dims, ya[n]!.dims, `${g.name}: shape of '${n}'`);
      for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i]! - q[i]!) <= 1e-5 * (1 + Math.abs(p[i]!)), `${g.name}: '${n}'[${i}] ${q[i]} vs ${p[i]}`);
    }
  } finally {
    await a.dispose();
    await b.dispose();
  }
  return lowered;
}

test('GroupNormalization-18, Mish-18 and Gelu-20 (both approximations) lowered to primitives equal ORT\'s fused ops', async () => {
  const gn = oneNode('GroupNormalization', 18, [[2, 6, 3, 2], [3], [3]], { num_groups: attr.int(3), epsilon: attr.float(1e-3) });
  const lowered = await sameOutputs(gn, { x0: randomFloat([2, 6, 3, 2]), x1: randomFloat([3]), x2: randomFloat([3]) });
  assert.ok(lowered.nodes.some((n) => n.op === 'InstanceNormalization'), 'GroupNormalization becomes InstanceNormalization over groups');
  await sameOutputs(oneNode('Mish', 18, [[3, 7]]), { x0: randomFloat([3, 7]) });
  await sameOutputs(oneNode('Gelu', 20, [[3, 7]]), { x0: randomFloat([3, 7]) });
  await sameOutputs(oneNode('Gelu', 20, [[3, 7]], { approximate: attr.string('tanh') }), { x0: randomFloat([3, 7]) });
});

test('the lowered GroupNormalization, Mish and Gelu differentiate to first and second order (finite differences)', async () => {
  const f32 = { dtype: 'float32' as const, rng, sample: (r: { normal(): number }) => r.normal(), order: 2 as const, rewrite: toInternalOpset };
  await checkGrad('GroupNormalization', { inputs: [['N', 4, 3], [2], [2]], attrs: { num_groups: attr.int(2) }, opset: 18, ...f32 });
  await checkGrad('Mish', { inputs: [['N', 5]], opset: 18, ...f32 });
  await checkGrad('Gelu', { inputs: [['N', 5]], opset: 20, ...f32 });
  await checkGrad('Gelu', { inputs: [['N', 5]], attrs: { approximate: attr.string('tanh') }, opset: 20, ...f32, dtype: 'float64' });
  // In float64 too, where ORT's float32-only InstanceNormalization and Softplus are written in primitives.
  const f64 = { ...f32, dtype: 'float64' as const, lower: lowerForFloat64 };
  await checkGrad('GroupNormalization', { inputs: [['N', 4, 3], [2], [2]], attrs: { num_groups: attr.int(2) }, opset: 18, ...f64 });
  await checkGrad('Mish', { inputs: [['N', 5]], opset: 18, ...f64 });
});

test('opset-18 signatures become opset-17 ones: Reduce* axes inputs, Split num_outputs (uneven), Pad axes', async () => {
  const x = randomFloat([2, 5, 3]);
  for (const op of ['ReduceMean', 'ReduceMax', 'ReduceL2']) {
    const g = await sameOutputs(oneNode(op, 18, [[2, 5, 3]], { keepdims: attr.int(0) }, [int64([-1, 1])]), { x0: x });
    assert.deepEqual(g.nodes[0]!.attrs['axes'], attr.ints([-1, 1]));
    assert.equal(g.initializers.size, 0, 'the axes initializer is no longer read');
  }
  // Axes from a Constant node, as PyTorch writes them.
  const b = new GraphBuilder('constant-axes', 18);
  const xc = b.input('x0', 'float32', [2, 5, 3]);
  const axes = b.op('Constant', [], { value: attr.tensor(int64([2])) });
  b.output(b.op('ReduceMean', [xc, axes], { keepdims: attr.int(1) }), 'float32', [2, 5, 1]);
  assert.deepEqual((await sameOutputs(b.build(), { x0: x })).nodes.find((n) => n.op === 'ReduceMean')!.attrs['axes'], attr.ints([2]));
  const noop = await sameOutputs(oneNode('ReduceMean', 18, [[2, 5, 3]], { noop_with_empty_axes: attr.int(1) }), { x0: x });
  assert.equal(noop.nodes[0]!.op, 'Identity');
  await sameOutputs(oneNode('Split', 18, [[2, 5, 3]], { axis: attr.int(1), num_outputs: attr.int(3) }, [], 3), { x0: x });
  await sameOutputs(oneNode('Split', 18, [[2, 6, 3]], { axis: attr.int(1), num_outputs: attr.int(2) }, [], 2), { x0: randomFloat([2, 6, 3]) });
  await sameOutputs(oneNode('Pad', 18, [[2, 5, 3]], {}, [int64([1, 2, 0, 3]), { dtype: 'float32', dims: [], data: new Float32Array([0.5]) }, int64([1, -1])]), { x0: x });
  await sameOutputs(oneNode('AveragePool', 19, [[1, 2, 5, 5]], { kernel_shape: attr.ints([2, 2]), dilations: attr.ints([1, 1]) }), { x0: randomFloat([1, 2, 5, 5]) });
});

test('what has no opset-17 form is refused by node and reason; opsets outside 13–20 by number', () => {
  const refused = (g: Graph, pattern: RegExp) => assert.throws(() => toInternalOpset(g), (e: Error) => e instanceof OpsetError && pattern.test(e.message));
  refused(oneNode('AveragePool', 19, [[1, 1, 5, 5]], { kernel_shape: attr.ints([2, 2]), dilations: attr.ints([2, 2]) }), /node 'averagepool' \(AveragePool\): AveragePool with dilations \(opset 19\) has no opset-17 form/);
  refused(oneNode('Pad', 19, [[2, 3]], { mode: attr.string('wrap') }, [int64([1, 1, 1, 1])]), /Pad mode 'wrap'/);
  refused(oneNode('BitwiseNot', 18, [[2, 3]]), /BitwiseNot \(new in opset 18\) has no opset-17 form; export with opset_version=17/);
  const runtimeAxes = oneNode('ReduceMean', 18, [[2, 3], [1]]);
  runtimeAxes.inputs[1]!.dtype = 'int64';
  refused(runtimeAxes, /axes \(input 1, 'x1'\) is computed at run time; terrain needs it constant/);
  refused({ ...oneNode('Relu', 21, [[2, 3]]) }, /opset 21; terrain imports opsets 13–20: export with opset_version=17/);
  refused({ ...oneNode('Relu', 12, [[2, 3]]) }, /opset 12; terrain imports opsets 13–20/);
  const old = oneNode('Relu', 17, [[2, 3]]);
  assert.equal(toInternalOpset(old), old, 'opsets 13–17 pass unchanged');
});

test('an opset-20 model (Gelu MLP with LayerNormalization and a ReduceMean head) imports with its parameters', () => {
  const b = new GraphBuilder('mlp20', 20);
  const x = b.input('x', 'float32', ['batch', 4]);
  const w = b.initializer('fc.weight', randomFloat([4, 6]));
  const h = b.op('Gelu', [b.op('MatMul', [x, w])]);
  const ln = b.op('LayerNormalization', [h, b.initializer('ln.weight', randomFloat([6])), b.initializer('ln.bias', randomFloat([6]))]);
  const pooled = b.op('ReduceMean', [b.op('Reshape', [ln, b.initializer('shape', int64([0, 3, 2]))]), b.initializer('axes', int64([2]))], { keepdims: attr.int(0) });
  b.output(pooled, 'float32', ['batch', 3]);
  const { model, report } = importGraph(b.build(), 'mlp20.onnx');
  assert.equal(report.opset, 20);
  assert.equal(model.graph.opset, 17);
  assert.deepEqual(model.params, ['fc.weight', 'ln.weight', 'ln.bias']);
  assert.ok(model.graph.nodes.some((n) => n.op === 'Erf') && model.graph.nodes.some((n) => n.op === 'LayerNormalization'));
});
