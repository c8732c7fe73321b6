import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { int64 } from '../tensor.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Slice of two axes with negative and clamped ends', async () => {
  const inputs = [['N', 5, 4], int64([2], [1, -3]), int64([2], [4, 100]), int64([2], [1, 2])];
  await checkGrad('Slice', { inputs, rng: createRng(34), order: 2 });
});

test('Strided Slice (x[:, :, ::2, ::2] of a ResNet shortcut) and a step 3 that overhangs the end', async () => {
  const sub = [['N', 2, 5, 4], int64([2], [0, 0]), int64([2], [5, 4]), int64([2], [2, 3]), int64([2], [2, 2])];
  await checkGrad('Slice', { inputs: sub, rng: createRng(44), order: 2 });
  await checkGrad('Slice', { inputs: sub, rng: createRng(44), order: 2, dtype: 'float32' }); // the ConvTranspose path
  const odd = [['N', 2, 5, 7], int64([2], [1, 2]), int64([2], [5, 7]), int64([2], [2, 3]), int64([2], [2, 3])];
  await checkGrad('Slice', { inputs: odd, rng: createRng(43), dtype: 'float32' });
  const overhang = [['N', 8], int64([1], [1]), int64([1], [7]), int64([1], [1]), int64([1], [3])];
  await checkGrad('Slice', { inputs: overhang, rng: createRng(45) });
});

test('Strided Slice of a non-spatial axis and a flip (step −1 over a whole axis)', async () => {
  const rows = [['N', 7, 3], int64([1], [1]), int64([1], [7]), int64([1], [1]), int64([1], [2])];
  await checkGrad('Slice', { inputs: rows, rng: createRng(48), order: 2 });
  const flip = [['N', 3, 4], int64([2], [-1, -1]), int64([2], [-1000, -1000]), int64([2], [1, 2]), int64([2], [-1, -1])];
  await checkGrad('Slice', { inputs: flip, rng: createRng(49), order: 2 });
});
