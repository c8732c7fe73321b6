import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

// ORT runs LeakyRelu in float32 only.
test('LeakyRelu gradient matches finite differences', async () => {
  await checkGrad('LeakyRelu', { inputs: [['N', 3, 4]], attrs: { alpha: attr.float(0.2) }, dtype: 'float32', rng: createRng(2), order: 2 });
});
