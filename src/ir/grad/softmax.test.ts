import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Softmax over the last axis and over axis 1, with Hessian-vector products', async () => {
  await checkGrad('Softmax', { inputs: [['N', 4]], rng: createRng(21), order: 2 });
  await checkGrad('Softmax', { inputs: [['N', 3, 2]], attrs: { axis: attr.int(1) }, rng: createRng(22), order: 2 });
});
