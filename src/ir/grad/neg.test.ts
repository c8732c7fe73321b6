import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Neg gradient matches finite differences', async () => {
  await checkGrad('Neg', { inputs: [['N', 3]], rng: createRng(7), order: 2 });
});
