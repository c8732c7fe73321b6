import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad, positive } from '../../testing/grad-check.js';

test('BatchNormalization (eval form): gradients for X, scale, B, mean and var, with Hessian-vector products', async () => {
  const inputs = [['N', 3, 2, 2], [3], [3], [3], { shape: [3], sample: positive }];
  await checkGrad('BatchNormalization', { inputs, attrs: { epsilon: attr.float(1e-3) }, rng: createRng(38), order: 2 });
});

test('BatchNormalization on [N, C] features', async () => {
  const inputs = [['N', 4], [4], [4], { shape: [4], check: false }, { shape: [4], sample: positive, check: false }];
  await checkGrad('BatchNormalization', { inputs, rng: createRng(39) });
});
