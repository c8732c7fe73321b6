import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

test('LogSoftmax over axis 1, with Hessian-vector products', async () => {
  await checkGrad('LogSoftmax', { inputs: [['N', 5]], attrs: { axis: attr.int(1) }, rng: createRng(23), order: 2 });
  await checkGrad('LogSoftmax', { inputs: [['N', 3, 2]], attrs: { axis: attr.int(-2) }, rng: createRng(24), order: 2 });
});
