import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { int64 } from '../tensor.js';
import { float64 } from './test-tensors.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Pad (constant mode) of spatial axes, asymmetric', async () => {
  await checkGrad('Pad', { inputs: [['N', 2, 3, 2], int64([8], [0, 0, 1, 0, 0, 0, 2, 1])], rng: createRng(32), order: 2 });
});

test('Pad with a constant value', async () => {
  await checkGrad('Pad', { inputs: [['N', 3], int64([4], [0, 2, 0, 1]), float64([], [1.5])], rng: createRng(33) });
});
