import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Exp gradient and Hessian-vector product match finite differences', async () => {
  await checkGrad('Exp', { inputs: [['N', 4]], rng: createRng(5), order: 2 });
});
