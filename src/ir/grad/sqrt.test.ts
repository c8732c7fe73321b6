import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad, positive } from '../../testing/grad-check.js';

test('Sqrt gradient and Hessian-vector product match finite differences (positive inputs)', async () => {
  await checkGrad('Sqrt', { inputs: [['N', 4]], sample: positive, rng: createRng(8), order: 2 });
});
