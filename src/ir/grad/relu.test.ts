import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Relu gradient matches finite differences (samples away from 0)', async () => {
  await checkGrad('Relu', { inputs: [['N', 3, 4]], rng: createRng(1), order: 2 });
});
