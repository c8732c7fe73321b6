import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

const normal = (rng: { normal(): number }) => rng.normal();

test('LayerNormalization over the last axis (X, Scale, B), with Hessian-vector products', async () => {
  await checkGrad('LayerNormalization', { inputs: [['N', 3, 5], [5], [5]], opset: 17, rng: createRng(71), sample: normal, order: 2 });
});

test('LayerNormalization over the last two axes with a broadcast Scale, no B, and a large epsilon', async () => {
  await checkGrad('LayerNormalization', {
    inputs: [['N', 3, 4], [1, 4]], attrs: { axis: attr.int(1), epsilon: attr.float(0.3) }, opset: 17, rng: createRng(72), sample: normal, order: 2,
  });
});

test('LayerNormalization with its Mean and InvStdDev outputs (float32, their stash type) weighted too, as in ONNX\'s node tests', async () => {
  await checkGrad('LayerNormalization', { inputs: [['N', 2, 4], [2, 4], [2, 4]], attrs: { axis: attr.int(-2) }, outputs: 3, opset: 17, dtype: 'float32', rng: createRng(73), sample: normal, order: 2 });
});
