import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { int64 } from '../tensor.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(35);

test('ReduceSum over spatial axes (keepdims) and over the batch (no keepdims)', async () => {
  await checkGrad('ReduceSum', { inputs: [['N', 2, 3, 2], int64([2], [2, 3])], rng, order: 2 });
  await checkGrad('ReduceSum', { inputs: [['N', 3], int64([1], [0])], attrs: { keepdims: attr.int(0) }, rng, order: 2 });
});

test('ReduceSum over all axes (no axes input)', async () => {
  await checkGrad('ReduceSum', { inputs: [['N', 3]], attrs: { keepdims: attr.int(0) }, rng });
});
