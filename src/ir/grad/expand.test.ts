import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { int64 } from '../tensor.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Expand sums the gradient over broadcast axes', async () => {
  await checkGrad('Expand', { inputs: [[3, 1], int64([3], [2, 3, 4])], rng: createRng(18), order: 2 });
});
