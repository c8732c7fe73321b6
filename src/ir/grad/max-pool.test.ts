import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../core/rng.js';
import { Session } from '../../engine/session.js';
import { differentiate } from '../autodiff.js';
import { GraphBuilder } from '../builder.js';
import { attr } from '../graph.js';
import { float32 } from '../tensor.js';
import { checkGrad, distinct } from '../../testing/grad-check.js';

const rng = createRng(42);
// Distinct values (spaced 0.05 > 2h) keep finite differences away from ties.
const f32 = { dtype: 'float32' as const, rng, fill: distinct() };

test('MaxPool 2×2 stride 2 (samples spaced apart, away from ties); Hessian-vector products', async () => {
  await checkGrad('MaxPool', { inputs: [['N', 2, 4, 4]], attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }, ...f32, order: 2 });
});

test('MaxPool 3×3 stride 2 pads 1 (overlapping windows add up) and a dilated MaxPool', async () => {
  const attrs = { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) };
  await checkGrad('MaxPool', { inputs: [['N', 2, 5, 5]], attrs, ...f32 });
  await checkGrad('MaxPool', { inputs: [['N', 1, 5, 5]], attrs: { kernel_shape: attr.ints([2, 2]), dilations: attr.ints([2, 2]) }, ...f32 });
});

test('MaxPool ties go to the first maximum of each window, as in PyTorch', async () => {
  const b = new GraphBuilder('ties');
  const x = b.input('x', 'float32', [1, 1, 2, 4]);
  const y = b.op('MaxPool', [x], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  const s = b.op('ReduceSum', [y], { keepdims: attr.int(0) });
  const d = differentiate(b.build(), { of: s, wrt: [x] });
  d.graph.outputs.push({ name: d.grads.get(x)!, dtype: 'float32', shape: [1, 1, 2, 4] });
  const session = await Session.create(d.graph);
  const out = await session.run({ x: float32([1, 1, 2, 4], [0, 0, 3, 1, 0, 0, 3, 3]) });
  assert.deepEqual([...out[d.grads.get(x)!]!.data], [1, 0, 1, 0, 0, 0, 0, 0]);
  await session.dispose();
});
