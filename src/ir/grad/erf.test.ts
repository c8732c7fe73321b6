import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Erf gradient and Hessian-vector product match finite differences (float32: ORT has no float64 Erf)', async () => {
  await checkGrad('Erf', { inputs: [['N', 3, 4]], rng: createRng(31), order: 2, dtype: 'float32', sample: (rng) => 3 * (rng.uniform() - 0.5) });
});
