import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(13);

test('Mul with equal shapes, with Hessian-vector products', async () => {
  await checkGrad('Mul', { inputs: [['N', 3], ['N', 3]], rng, order: 2 });
});

test('Mul broadcasting [N,3,2,2] · [3,1,1] and [2] · [N,1,2]', async () => {
  await checkGrad('Mul', { inputs: [['N', 3, 2, 2], [3, 1, 1]], rng, order: 2 });
  await checkGrad('Mul', { inputs: [[2], ['N', 1, 2]], rng, order: 2 });
});
