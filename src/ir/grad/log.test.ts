import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad, positive } from '../../testing/grad-check.js';

test('Log gradient and Hessian-vector product match finite differences (positive inputs)', async () => {
  await checkGrad('Log', { inputs: [['N', 4]], sample: positive, rng: createRng(6), order: 2 });
});
