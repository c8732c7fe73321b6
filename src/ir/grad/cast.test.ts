import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Cast between float types passes the gradient through', async () => {
  await checkGrad('Cast', { inputs: [['N', 3]], attrs: { to: attr.int(11) }, rng: createRng(17), order: 2 });
});
