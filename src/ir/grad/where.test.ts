import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Where routes the gradient by the condition, with broadcasting', async () => {
  const cond = { dtype: 'bool' as const, dims: [1, 3], data: new Uint8Array([1, 0, 1]) };
  await checkGrad('Where', { inputs: [cond, ['N', 3], [1]], rng: createRng(15), order: 2 });
});
