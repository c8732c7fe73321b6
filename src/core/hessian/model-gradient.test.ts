// The full-data gradient: batch weighting, a central difference of the evaluated loss, and agreement with the
// gradient that the HVP graph computes alongside its products.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSpec } from '../../ir/model.js';
import { buildModel } from '../../ir/zoo/index.js';
import { evaluateWeights } from '../evaluate/point.js';
import { combine, ParamLayout, paramsOf, toTensors, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { fullGradient } from './model-gradient.js';
import { modelHessian } from './model-operator.js';
import type { ModelPoint } from './model-point.js';
import { randomBatches } from '../../testing/hessian-reference.js';

const SPEC: ModelSpec = { arch: 'mlp', options: { widths: [10], activation: 'tanh' }, inputShape: [5], classes: 3 };

function point(): ModelPoint {
  const model = buildModel(SPEC, 21);
  return { model, theta: paramsOf(model, ParamLayout.ofModel(model)), buffers: new Map() };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };

test('fullGradient weights batches by size: batches of 7, 7, 6 give the gradient of one batch of 20', async () => {
  const p = point();
  const whole = randomBatches(SPEC.inputShape, SPEC.classes, 20, 20, createRng(1));
  const again = randomBatches(SPEC.inputShape, SPEC.classes, 20, 20, createRng(1));
  const one = await fullGradient(p, whole, { threads: 1 });
  // Same samples, split: rebuild from the single batch.
  const b = again[0]!, per = SPEC.inputShape[0]!;
  let start = 0;
  const parts = [7, 7, 6].map((n) => {
    const part = { x: { dtype: 'float32' as const, dims: [n, per], data: (b.x.data as Float32Array).slice(start * per, (start + n) * per) }, y: { dtype: 'int64' as const, dims: [n], data: (b.y.data as BigInt64Array).slice(start, start + n) }, size: n };
    start += n;
    return part;
  });
  const split = await fullGradient(p, parts, { threads: 1 });
  assert.equal(split.samples, 20);
  assert.ok(Math.abs(split.loss - one.loss) < 1e-6, `loss ${split.loss} vs ${one.loss}`);
  assert.ok(Math.abs(split.accuracy - one.accuracy) < 1e-12);
  for (let i = 0; i < one.vector.length; i++) assert.ok(Math.abs(split.vector[i]! - one.vector[i]!) < 1e-6, `entry ${i}`);
});

test('gᵀv equals a central difference of the evaluated mean loss, and the HVP graph reports the same gradient', async () => {
  const p = point();
  const batches = randomBatches(SPEC.inputShape, SPEC.classes, 30, 8, createRng(2));
  const g = await fullGradient(p, batches, { threads: 1 });
  const rng = createRng(3);
  const v: ParamVector = { layout: p.theta.layout, data: Float32Array.from({ length: p.theta.layout.size }, () => rng.normal()) };
  const h = 1e-3;
  const loss = async (c: number) => (await evaluateWeights(p.model, toTensors(combine(p.theta, [[c, v]])), batches, { threads: 1 })).loss;
  const fd = (await loss(h) - await loss(-h)) / (2 * h);
  const analytic = dot(g.vector, v.data);
  assert.ok(Math.abs(fd - analytic) < 1e-3 * Math.abs(analytic), `gᵀv ${analytic} vs central difference ${fd}`);
  assert.ok(Math.abs(g.loss - await loss(0)) < 1e-5, 'loss from the gradient graph equals the evaluated loss');

  const op = await modelHessian(p, batches, { threads: 1 });
  try {
    const pg = await op.productWithGradient(Float64Array.from(v.data));
    for (let i = 0; i < g.vector.length; i++) assert.ok(Math.abs(pg.gradient[i]! - g.vector[i]!) < 1e-6, `gradient entry ${i}`);
    assert.ok(Math.abs(pg.loss - g.loss) < 1e-6);
    assert.ok(Math.abs(pg.accuracy - g.accuracy) < 1e-12);
    const hp = await op.matvecParams(v);
    for (let i = 0; i < g.vector.length; i++) assert.ok(Math.abs(hp.data[i]! - pg.hv[i]!) <= 1e-6 * (1 + Math.abs(pg.hv[i]!)), `matvecParams entry ${i}`);
  } finally {
    await op.dispose();
  }
});
