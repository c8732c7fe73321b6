import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(41);
const f32 = { dtype: 'float32' as const, rng };

test('ConvTranspose with stride 2, pads, output_padding and bias; Hessian-vector products', async () => {
  const attrs = { strides: attr.ints([2, 2]), pads: attr.ints([1, 0, 1, 1]), output_padding: attr.ints([1, 0]) };
  await checkGrad('ConvTranspose', { inputs: [['N', 3, 3, 3], [3, 2, 3, 3], [2]], attrs, ...f32, order: 2 });
});

test('Grouped ConvTranspose with dilation', async () => {
  const attrs = { group: attr.int(2), dilations: attr.ints([2, 1]) };
  await checkGrad('ConvTranspose', { inputs: [['N', 4, 3, 3], [4, 1, 2, 3]], attrs, ...f32, order: 2 });
});
