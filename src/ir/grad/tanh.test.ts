import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Tanh gradient and Hessian-vector product match finite differences', async () => {
  await checkGrad('Tanh', { inputs: [['N', 2, 3]], rng: createRng(4), order: 2 });
});
