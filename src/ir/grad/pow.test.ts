import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { float64 } from './test-tensors.js';
import { checkGrad, positive } from '../../testing/grad-check.js';

test('Pow gradient for base and broadcast exponent, with Hessian-vector products', async () => {
  await checkGrad('Pow', { inputs: [['N', 3], [3]], sample: positive, rng: createRng(10), order: 2 });
});

test('Pow with a constant exponent (only the base is differentiated)', async () => {
  await checkGrad('Pow', { inputs: [['N', 3], float64([], [-0.5])], sample: positive, rng: createRng(11), order: 2 });
});
