import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { int64 } from '../tensor.js';
import { checkGrad } from './check.js';

test('Slice of two axes with negative and clamped ends', async () => {
  const inputs = [['N', 5, 4], int64([2], [1, -3]), int64([2], [4, 100]), int64([2], [1, 2])];
  await checkGrad('Slice', { inputs, rng: createRng(34), order: 2 });
});
