import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { checkGrad, positive } from '../../testing/grad-check.js';

const rng = createRng(14);

test('Div with equal shapes, with Hessian-vector products', async () => {
  await checkGrad('Div', { inputs: [['N', 3], { shape: ['N', 3], sample: positive }], rng, order: 2 });
});

test('Div broadcasting a denominator [3,1] into [N,3,4]', async () => {
  await checkGrad('Div', { inputs: [['N', 3, 4], { shape: [3, 1], sample: positive }], rng, order: 2 });
});
