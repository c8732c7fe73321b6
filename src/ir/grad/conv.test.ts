import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

// ORT runs Conv and ConvTranspose in float32 only.
const rng = createRng(40);
const f32 = { dtype: 'float32' as const, rng };

test('Conv 3×3, pads 1, with bias; Hessian-vector products (bilinear in X and W)', async () => {
  const attrs = { pads: attr.ints([1, 1, 1, 1]) };
  await checkGrad('Conv', { inputs: [['N', 2, 4, 4], [3, 2, 3, 3], [3]], attrs, ...f32, order: 2 });
});

test('Conv with stride 2, asymmetric pads and dilation 2 (output size not a multiple of the stride)', async () => {
  const attrs = { strides: attr.ints([2, 2]), pads: attr.ints([1, 0, 0, 2]), dilations: attr.ints([2, 1]) };
  await checkGrad('Conv', { inputs: [['N', 2, 6, 5], [2, 2, 2, 3]], attrs, ...f32, order: 2 });
});

test('Conv 1×1 stride 2 (a ResNet shortcut) and a pointwise 1×1 Conv with groups (MobileNet)', async () => {
  await checkGrad('Conv', { inputs: [['N', 3, 5, 5], [2, 3, 1, 1]], attrs: { strides: attr.ints([2, 2]) }, ...f32 });
  await checkGrad('Conv', { inputs: [['N', 4, 3, 3], [6, 2, 1, 1], [6]], attrs: { group: attr.int(2) }, ...f32, order: 2 });
});

test('Grouped Conv (2 groups) and depthwise Conv with channel multiplier 2', async () => {
  await checkGrad('Conv', { inputs: [['N', 4, 4, 4], [6, 2, 3, 3]], attrs: { group: attr.int(2), pads: attr.ints([1, 1, 1, 1]) }, ...f32, order: 2 });
  await checkGrad('Conv', { inputs: [['N', 3, 5, 5], [6, 1, 3, 3], [6]], attrs: { group: attr.int(3), strides: attr.ints([2, 2]) }, ...f32 });
});

test('Conv with auto_pad SAME_UPPER and a 1-D Conv', async () => {
  await checkGrad('Conv', { inputs: [['N', 2, 5, 4], [2, 2, 2, 2]], attrs: { auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2, 2]) }, ...f32 });
  await checkGrad('Conv', { inputs: [['N', 2, 7], [3, 2, 3]], attrs: { pads: attr.ints([1, 2]), strides: attr.ints([2]) }, ...f32 });
});
