import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(25);

test('MatMul of matrices, with Hessian-vector products', async () => {
  await checkGrad('MatMul', { inputs: [['N', 3], [3, 2]], rng, order: 2 });
});

test('MatMul with a broadcast batch ([N,2,3] × [3,4]) and batched both sides', async () => {
  await checkGrad('MatMul', { inputs: [['N', 2, 3], [3, 4]], rng, order: 2 });
  await checkGrad('MatMul', { inputs: [['N', 2, 3], ['N', 3, 2]], rng });
});

test('MatMul with 1-D operands', async () => {
  await checkGrad('MatMul', { inputs: [[3], [3, 2]], rng, order: 2 });
  await checkGrad('MatMul', { inputs: [['N', 3], [3]], rng, order: 2 });
  await checkGrad('MatMul', { inputs: [[3], [3]], rng });
});
