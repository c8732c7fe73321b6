import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Sigmoid gradient and Hessian-vector product match finite differences', async () => {
  await checkGrad('Sigmoid', { inputs: [['N', 5]], rng: createRng(3), order: 2 });
});
