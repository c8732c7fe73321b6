import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

// ORT runs GlobalAveragePool in float32 only.
test('GlobalAveragePool gradient', async () => {
  await checkGrad('GlobalAveragePool', { inputs: [['N', 3, 3, 2]], dtype: 'float32', rng: createRng(37), order: 2 });
});
