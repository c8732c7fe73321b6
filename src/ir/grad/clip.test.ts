import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { float64 } from './test-tensors.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Clip to [-0.5, 0.5] (ReLU6-style) passes the gradient only inside, samples away from the bounds', async () => {
  const sample = (rng: { uniform(): number }) => [-0.9, -0.3, 0.1, 0.35, 0.8][Math.floor(rng.uniform() * 5)]! + 0.05 * rng.uniform();
  await checkGrad('Clip', { inputs: [['N', 6], float64([], [-0.5]), float64([], [0.5])], sample, rng: createRng(46), order: 2 });
  await checkGrad('Clip', { inputs: [['N', 6], float64([], [0])], sample, rng: createRng(47) });
});
