import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../core/rng.js';
import { Session } from '../engine/session.js';
import { bnToTrainMode } from './bn-train.js';
import { GraphBuilder } from './builder.js';
import { attr } from './graph.js';
import { checkGrad } from '../testing/grad-check.js';
import type { Tensor } from './tensor.js';

const [N, C, H, W] = [3, 2, 2, 3];
const rng = createRng(60);
const f64 = (dims: number[], draw: () => number): Tensor => ({ dtype: 'float64', dims, data: Float64Array.from({ length: dims.reduce((p, d) => p * d, 1) }, draw) });
const scale = f64([C], () => 1 + 0.3 * rng.normal()), bias = f64([C], () => rng.normal());
const mean = f64([C], () => rng.normal()), variance = f64([C], () => 0.5 + rng.uniform());

function oneBn() {
  const b = new GraphBuilder('bn');
  const x = b.input('x', 'float64', ['N', C, H, W]);
  const ins = [x, b.initializer('bn.weight', scale), b.initializer('bn.bias', bias), b.initializer('bn.running_mean', mean), b.initializer('bn.running_var', variance)];
  const y = b.rename(b.op('BatchNormalization', ins, { epsilon: attr.float(1e-5) }, 'bn'), 'y');
  b.output(y, 'float64', ['N', C, H, W]);
  return b.build();
}

test('train-mode BN normalises by batch mean and biased variance; running stats use the unbiased variance, momentum 0.1', async () => {
  const { graph, runningStatOutputs } = bnToTrainMode(oneBn());
  assert.deepEqual([...runningStatOutputs.keys()], ['bn.running_mean', 'bn.running_var']);
  const x = f64([N, C, H, W], () => 2 * rng.normal() + 1);
  const s = await Session.create(graph);
  const out = await s.run({ x });
  await s.dispose();
  const xs = x.data as Float64Array, y = out['y']!.data as Float64Array;
  const m = H * W * N;
  for (let c = 0; c < C; c++) {
    const idx: number[] = [];
    for (let n = 0; n < N; n++) for (let k = 0; k < H * W; k++) idx.push((n * C + c) * H * W + k);
    const mu = idx.reduce((a, i) => a + xs[i]!, 0) / m;
    const biased = idx.reduce((a, i) => a + (xs[i]! - mu) ** 2, 0) / m;
    for (const i of idx) {
      const want = (scale.data[c] as number) * (xs[i]! - mu) / Math.sqrt(biased + 1e-5) + (bias.data[c] as number);
      assert.ok(Math.abs(y[i]! - want) < 1e-12, `y[${i}] ${y[i]} vs ${want}`);
    }
    const newMean = out[runningStatOutputs.get('bn.running_mean')!]!.data[c] as number;
    const newVar = out[runningStatOutputs.get('bn.running_var')!]!.data[c] as number;
    assert.ok(Math.abs(newMean - (0.9 * (mean.data[c] as number) + 0.1 * mu)) < 1e-12);
    assert.ok(Math.abs(newVar - (0.9 * (variance.data[c] as number) + 0.1 * biased * m / (m - 1))) < 1e-12);
  }
});

test('train-mode BN runs at any batch size (the count is taken from the batch)', async () => {
  const { graph, runningStatOutputs } = bnToTrainMode(oneBn());
  const s = await Session.create(graph);
  for (const n of [2, 5]) {
    const out = await s.run({ x: f64([n, C, H, W], () => rng.normal()) });
    assert.equal(out['y']!.dims[0], n);
    assert.equal(out[runningStatOutputs.get('bn.running_var')!]!.dims[0], C);
  }
  await s.dispose();
});

test('the train-mode decomposition differentiates correctly (finite differences, second order too)', async () => {
  // The same primitive ops as bnToTrainMode emits, checked through the one-op checker on a rewritten graph.
  await checkGrad('BatchNormalization', {
    inputs: [['N', 2, 2, 2], [2], [2], { dtype: 'float64', dims: [2], data: new Float64Array([0.3, -1]) }, { dtype: 'float64', dims: [2], data: new Float64Array([0.5, 2]) }],
    rng: createRng(61), order: 2, rewrite: (g) => bnToTrainMode(g).graph,
  });
});
