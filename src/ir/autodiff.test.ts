import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../engine/session.js';
import { differentiate } from './autodiff.js';
import { GraphBuilder } from './builder.js';
import { attr } from './graph.js';
import { fromOnnxBytes, toOnnxBytes } from './onnx.js';
import type { Tensor } from './tensor.js';

const f64 = (dims: number[], values: number[]): Tensor => ({ dtype: 'float64', dims, data: Float64Array.from(values) });

async function run(graph: ReturnType<GraphBuilder['build']>, feeds: Record<string, Tensor>, fetch: string[]) {
  const s = await Session.create(graph);
  const out = await s.run(feeds, fetch);
  await s.dispose();
  return fetch.map((f) => Array.from(out[f]!.data as Float64Array));
}

test('a value used several times accumulates its gradient: d/dx Σ(x·x + x·w) = 2x + w', async () => {
  const b = new GraphBuilder('fan-out');
  const x = b.input('x', 'float64', ['N', 2]);
  const w = b.initializer('w', f64([2], [0.5, -3]));
  const s = b.op('ReduceSum', [b.op('Add', [b.op('Mul', [x, x]), b.op('Mul', [x, w])])], { keepdims: attr.int(0) });
  const d = differentiate(b.build(), { of: s, wrt: [x, w] });
  d.graph.outputs.push({ name: d.grads.get(x)!, dtype: 'float64', shape: ['N', 2] }, { name: d.grads.get(w)!, dtype: 'float64', shape: [2] });
  const [gx, gw] = await run(d.graph, { x: f64([2, 2], [1, 2, 3, 4]) }, [d.grads.get(x)!, d.grads.get(w)!]);
  assert.deepEqual(gx, [2.5, 1, 6.5, 5]);
  assert.deepEqual(gw, [4, 6]);
});

test('a seed gives a vector-Jacobian product, and an unconnected value gets zeros of its shape', async () => {
  const b = new GraphBuilder('vjp');
  const x = b.input('x', 'float64', ['N', 3]);
  const seed = b.input('seed', 'float64', ['N', 3]);
  const unused = b.initializer('unused', f64([2, 2], [1, 1, 1, 1]));
  const y = b.op('Tanh', [x]);
  const d = differentiate(b.build(), { of: y, wrt: [x, unused], seed });
  d.graph.outputs.push({ name: d.grads.get(x)!, dtype: 'float64', shape: ['N', 3] }, { name: d.grads.get(unused)!, dtype: 'float64', shape: [2, 2] });
  const xs = [0.1, -0.7, 2], ss = [1, 2, -1];
  const [gx, gu] = await run(d.graph, { x: f64([1, 3], xs), seed: f64([1, 3], ss) }, [d.grads.get(x)!, d.grads.get(unused)!]);
  xs.forEach((v, i) => assert.ok(Math.abs(gx[i]! - ss[i]! * (1 - Math.tanh(v) ** 2)) < 1e-15));
  assert.deepEqual(gu, [0, 0, 0, 0]);
});

test('the gradient graph is plain ONNX: it survives a protobuf round trip', () => {
  const b = new GraphBuilder('roundtrip');
  const x = b.input('x', 'float32', ['N', 4]);
  const w = b.initializer('w', { dtype: 'float32', dims: [3, 4], data: new Float32Array(12).fill(0.1) });
  const s = b.op('ReduceMean', [b.op('Relu', [b.op('Gemm', [x, w], { transB: attr.int(1) })])], { keepdims: attr.int(0) });
  const d = differentiate(b.build(), { of: s, wrt: [w] });
  const back = fromOnnxBytes(toOnnxBytes(d.graph));
  assert.equal(back.nodes.length, d.graph.nodes.length);
  assert.ok(back.nodes.every((n) => (n.domain ?? '') === ''), 'only default-domain (standard ONNX) ops');
});

test('errors name the node, its op and the reason', () => {
  const noRule = new GraphBuilder('no-rule');
  const x = noRule.input('x', 'float32', [2]);
  const s = noRule.op('ReduceSum', [noRule.op('Selu', [x], {}, 'selu')], {});
  assert.throws(() => differentiate(noRule.build(), { of: s, wrt: [x] }), (e: Error) => e.message === "no gradient rule for op 'Selu' (node 'selu')");

  const dangling = new GraphBuilder('dangling');
  const x2 = dangling.input('x', 'float32', [2]);
  dangling.nodes.push({ name: 'bad', op: 'Add', inputs: [x2, 'ghost'], outputs: ['y'], attrs: {} });
  assert.throws(() => differentiate(dangling.build(), { of: 'y', wrt: [x2] }), /node 'bad' \(Add\): input 'ghost' is not produced/);

  const rank = new GraphBuilder('rank');
  const x3 = rank.input('x', 'float32', [2, 3]);
  const w3 = rank.initializer('w', { dtype: 'float32', dims: [1, 2, 3], data: new Float32Array(6) });
  rank.op('Conv', [x3, w3], {}, 'conv');
  assert.throws(() => differentiate(rank.build(), { of: 'conv:out', wrt: [w3] }), /node 'conv' \(Conv\): expects X \[N, C, \.\.\.\]/);

  const old = { ...noRule.build(), opset: 11 };
  assert.throws(() => differentiate(old, { of: s, wrt: [x] }), /opset 11; autodiff emits opset 13/);
  assert.throws(() => differentiate(noRule.build(), { of: s, wrt: ['nope'] }), /has no value 'nope'/);
  const ints = new GraphBuilder('ints');
  const i = ints.input('i', 'int64', [2]);
  assert.throws(() => differentiate(ints.build(), { of: i, wrt: [i] }), /with respect to 'i' of type int64/);
});

test('a non-scalar value needs a seed', () => {
  const b = new GraphBuilder('vector');
  const x = b.input('x', 'float32', ['N', 2]);
  const y = b.op('Neg', [x]);
  assert.throws(() => differentiate(b.build(), { of: y, wrt: [x] }), /symbolic shape \[N, 2\]: give a seed/);
});
