import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { int64 } from '../tensor.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Gather along an inner axis with repeated and negative indices accumulates the gradient', async () => {
  const inputs = [['N', 4, 3], int64([2, 3], [0, 3, -1, 2, 0, 0])];
  await checkGrad('Gather', { inputs, attrs: { axis: attr.int(1) }, rng: createRng(90), order: 2 });
});

test('Gather of rows (an embedding lookup) and of a single column (x[:, 1])', async () => {
  await checkGrad('Gather', { inputs: [[5, 2], int64([3], [4, 1, 4])], rng: createRng(91), order: 2 });
  await checkGrad('Gather', { inputs: [['N', 3], int64([], [1])], attrs: { axis: attr.int(1) }, rng: createRng(92) });
});
