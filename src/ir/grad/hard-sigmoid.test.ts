import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad, type Sampler } from '../../testing/grad-check.js';
import { lowerForFloat64 } from './float64-lowering.js';

/** Uniform in [−span, span], at least `gap` away from each kink. */
const awayFrom = (kinks: number[], span: number, gap = 0.1): Sampler => (rng) => {
  for (;;) {
    const x = span * (2 * rng.uniform() - 1);
    if (kinks.every((k) => Math.abs(x - k) > gap)) return x;
  }
};

test('HardSigmoid on all three pieces, default and PyTorch (α = 1/6) slopes, with Hessian-vector products (float32: ORT has no float64 kernel)', async () => {
  await checkGrad('HardSigmoid', { inputs: [['N', 4, 5]], dtype: 'float32', rng: createRng(91), sample: awayFrom([-2.5, 2.5], 4), order: 2 });
  await checkGrad('HardSigmoid', {
    inputs: [['N', 4, 5]], attrs: { alpha: attr.float(1 / 6), beta: attr.float(0.5) }, dtype: 'float32', rng: createRng(92), sample: awayFrom([-3, 3], 5), order: 2,
  });
});

test('HardSwish (x·relu6(x + 3)/6) on all three pieces; its second derivative 1/3 inside (−3, 3)', async () => {
  await checkGrad('HardSwish', { inputs: [['N', 4, 5]], opset: 14, dtype: 'float32', rng: createRng(93), sample: awayFrom([-3, 3], 5), order: 2 });
});

test('Softplus, with Hessian-vector products (float32: ORT has no float64 kernel)', async () => {
  await checkGrad('Softplus', { inputs: [['N', 3, 4]], dtype: 'float32', rng: createRng(94), sample: (rng) => 6 * (rng.uniform() - 0.5), order: 2 });
});

test('HardSigmoid, HardSwish and Softplus against float64 finite differences (the forward written in primitives)', async () => {
  const f64 = { lower: lowerForFloat64, rng: createRng(95), order: 2 as const };
  await checkGrad('HardSigmoid', { inputs: [['N', 4, 5]], sample: awayFrom([-2.5, 2.5], 4), ...f64 });
  await checkGrad('HardSwish', { inputs: [['N', 4, 5]], opset: 14, sample: awayFrom([-3, 3], 5), ...f64 });
  await checkGrad('Softplus', { inputs: [['N', 3, 4]], sample: (rng) => 6 * (rng.uniform() - 0.5), ...f64 });
});
