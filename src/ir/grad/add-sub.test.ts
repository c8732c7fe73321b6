import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(12);

test('Add with equal shapes', async () => {
  await checkGrad('Add', { inputs: [['N', 3], ['N', 3]], rng, order: 2 });
});

test('Add broadcasting a per-channel bias and a scalar', async () => {
  await checkGrad('Add', { inputs: [['N', 3, 2, 2], [3, 1, 1]], rng });
  await checkGrad('Add', { inputs: [[], ['N', 2]], rng });
});

test('Sub broadcasting both ways ([N,1,4] − [3,1])', async () => {
  await checkGrad('Sub', { inputs: [['N', 1, 4], [3, 1]], rng, order: 2 });
});
