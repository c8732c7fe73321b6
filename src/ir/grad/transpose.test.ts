import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Transpose with a permutation and with the default reversal', async () => {
  await checkGrad('Transpose', { inputs: [['N', 2, 3]], attrs: { perm: attr.ints([2, 0, 1]) }, rng: createRng(28), order: 2 });
  await checkGrad('Transpose', { inputs: [[2, 3, 4]], rng: createRng(29) });
});
