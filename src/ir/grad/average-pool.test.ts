import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(43);
const f32 = { dtype: 'float32' as const, rng };

test('AveragePool 2×2 stride 2; Hessian-vector products', async () => {
  await checkGrad('AveragePool', { inputs: [['N', 2, 4, 4]], attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }, ...f32, order: 2 });
});

test('AveragePool 3×3 with pads, excluding and including the padding in the count', async () => {
  const base = { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 1]), pads: attr.ints([1, 1, 1, 0]) };
  await checkGrad('AveragePool', { inputs: [['N', 2, 5, 4]], attrs: base, ...f32 });
  await checkGrad('AveragePool', { inputs: [['N', 2, 5, 4]], attrs: { ...base, count_include_pad: attr.int(1) }, ...f32 });
});
