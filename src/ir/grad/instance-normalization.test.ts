import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';
import { lowerForFloat64 } from './float64-lowering.js';

const normal = (rng: { normal(): number }) => rng.normal();

test('InstanceNormalization over 2-D and 1-D spatial axes, with Hessian-vector products (float32: ORT has no float64 kernel)', async () => {
  await checkGrad('InstanceNormalization', { inputs: [['N', 3, 2, 3], [3], [3]], dtype: 'float32', rng: createRng(81), sample: normal, order: 2 });
  await checkGrad('InstanceNormalization', { inputs: [['N', 2, 5], [2], [2]], attrs: { epsilon: attr.float(0.1) }, dtype: 'float32', rng: createRng(82), sample: normal, order: 2 });
});

test('InstanceNormalization against float64 finite differences (the forward written in primitives)', async () => {
  await checkGrad('InstanceNormalization', { inputs: [['N', 3, 2, 3], [3], [3]], lower: lowerForFloat64, rng: createRng(83), sample: normal, order: 2 });
});
