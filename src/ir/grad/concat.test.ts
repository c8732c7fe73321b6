import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Concat along channels of three inputs', async () => {
  await checkGrad('Concat', { inputs: [['N', 1, 2], ['N', 3, 2], ['N', 2, 2]], attrs: { axis: attr.int(1) }, rng: createRng(30), order: 2 });
});

test('Concat along the last axis (negative axis)', async () => {
  await checkGrad('Concat', { inputs: [['N', 2], ['N', 3]], attrs: { axis: attr.int(-1) }, rng: createRng(31) });
});
