import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad, distinct } from '../../testing/grad-check.js';

// ceil_mode=1 (squeezenet, PyTorch's ceil_mode=True): the last window hangs over the end of the input.
const rng = createRng(111);
const f32 = { dtype: 'float32' as const, rng, fill: distinct() };
const ceil = (k: number, s: number, pads = [0, 0, 0, 0]) => ({ kernel_shape: attr.ints([k, k]), strides: attr.ints([s, s]), pads: attr.ints(pads), ceil_mode: attr.int(1) });

// (A window that would start in the end pad is dropped by ORT's kernel but not by ONNX's shape inference, which
// then disagree; PyTorch never exports such pads, so the tests stay clear of that case.)
test('MaxPool ceil_mode: 3×3 stride 2 on 6×6 (squeezenet), 2×2 stride 2 on 5×5 with pads', async () => {
  await checkGrad('MaxPool', { inputs: [['N', 2, 6, 6]], attrs: ceil(3, 2), ...f32, order: 2 });
  await checkGrad('MaxPool', { inputs: [['N', 1, 5, 5]], attrs: ceil(2, 2, [1, 1, 0, 0]), ...f32 });
});

test('AveragePool ceil_mode: overhanging windows average only what they cover, padding counted or not', async () => {
  await checkGrad('AveragePool', { inputs: [['N', 2, 6, 6]], attrs: ceil(3, 2), ...f32, order: 2 });
  await checkGrad('AveragePool', { inputs: [['N', 1, 6, 6]], attrs: { ...ceil(3, 2, [1, 1, 1, 1]), count_include_pad: attr.int(1) }, ...f32 });
  await checkGrad('AveragePool', { inputs: [['N', 1, 6, 6]], attrs: ceil(3, 2, [1, 1, 1, 1]), ...f32 });
});
