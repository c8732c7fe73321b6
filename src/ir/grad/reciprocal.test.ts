import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad, positive } from '../../testing/grad-check.js';

test('Reciprocal gradient and Hessian-vector product match finite differences', async () => {
  await checkGrad('Reciprocal', { inputs: [['N', 4]], sample: positive, rng: createRng(9), order: 2 });
});
