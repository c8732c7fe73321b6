import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(36);

test('ReduceMean over spatial axes (static count)', async () => {
  await checkGrad('ReduceMean', { inputs: [['N', 2, 3, 2]], attrs: { axes: attr.ints([2, 3]) }, rng, order: 2 });
});

test('ReduceMean over the symbolic batch axis (dynamic count), without keepdims', async () => {
  await checkGrad('ReduceMean', { inputs: [['N', 3]], attrs: { axes: attr.ints([0]), keepdims: attr.int(0) }, rng, batch: 3, order: 2 });
  await checkGrad('ReduceMean', { inputs: [['N', 3]], attrs: { keepdims: attr.int(0) }, rng });
});
