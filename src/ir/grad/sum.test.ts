import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Sum of three broadcast inputs', async () => {
  await checkGrad('Sum', { inputs: [['N', 3], [3], ['N', 1]], rng: createRng(16), order: 2 });
});
