import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { int64 } from '../tensor.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(27);

test('Reshape with 0 and -1 in the target (batch kept symbolic)', async () => {
  await checkGrad('Reshape', { inputs: [['N', 2, 3], int64([2], [0, -1])], rng, order: 2 });
});

test('Flatten at axis 1 and axis 2', async () => {
  await checkGrad('Flatten', { inputs: [['N', 2, 3]], rng, order: 2 });
  await checkGrad('Flatten', { inputs: [['N', 2, 3, 2]], attrs: { axis: attr.int(2) }, rng });
});

test('Squeeze and Unsqueeze (axes as inputs, opset 13)', async () => {
  await checkGrad('Squeeze', { inputs: [['N', 1, 3, 1], int64([2], [1, 3])], rng, order: 2 });
  await checkGrad('Unsqueeze', { inputs: [['N', 3], int64([2], [0, 2])], rng, order: 2 });
});
