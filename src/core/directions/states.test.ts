// States directions: PyTorch's state_dict order, the buffer part of gaussian / to: / file: directions, and files
// that carry it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../../ir/tensor.js';
import { ParamLayout, rangeNorm, sub } from '../params.js';
import { gaussianNoise } from './gaussian.js';
import { loadDirection, saveDirection } from './io.js';
import { resolveDirection, type DirectionContext } from './resolve.js';
import { stateDictOrder } from './states.js';
import { testLayout, testTheta } from '../../testing/directions-fixture.js';

const f32 = (dims: number[], f: (i: number) => number): Tensor => ({ dtype: 'float32', dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => f(i)) });
const buffers = new Map<string, Tensor>([
  ['bn1.running_mean', f32([4], (i) => 0.1 * i - 0.2)],
  ['bn1.running_var', f32([4], (i) => 1 + 0.5 * i)],
]);
const theta = testTheta();
const ctx = (more: Partial<DirectionContext> = {}): DirectionContext => ({ theta, buffers, loadParams: async () => theta, ...more });

test('stateDictOrder: each module’s parameters, then its buffers, module by module', () => {
  const order = stateDictOrder(testLayout.slots.map((s) => s.name), [...buffers.keys(), 'orphan.running_mean']);
  assert.deepEqual(order.map((e) => e.name), ['conv1.weight', 'conv1.bias', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var',
    'fc.weight', 'fc.bias', 'head.weight', 'scale.weight', 'orphan.running_mean']);
  assert.deepEqual(order.filter((e) => e.buffer).map((e) => e.name), ['bn1.running_mean', 'bn1.running_var', 'orphan.running_mean']);
});

test('gaussian type=states: θ part equals the weights direction; buffers follow bias-bn against their own values', async () => {
  const weights = await resolveDirection('gaussian:seed=5:bias-bn=copy', ctx());
  const copy = await resolveDirection('gaussian:seed=5:bias-bn=copy:type=states', ctx());
  assert.deepEqual(copy.vector.data, weights.vector.data);
  assert.equal(weights.buffers, undefined);
  for (const [name, t] of buffers) assert.deepEqual(copy.buffers!.get(name)!.data, t.data, `copy: ${name} is the statistic itself`);
  const zero = await resolveDirection('gaussian:seed=5:type=states', ctx());
  for (const t of zero.buffers!.values()) assert.ok((t.data as Float32Array).every((v) => v === 0));
  // keep: the noise that follows θ's draws in the same stream
  const keep = await resolveDirection('gaussian:seed=5:bias-bn=keep:type=states', ctx());
  const stream = gaussianNoise(new ParamLayout([{ name: 'all', shape: [testLayout.size + 8] }]), 5).data;
  assert.deepEqual(keep.buffers!.get('bn1.running_mean')!.data, stream.slice(testLayout.size, testLayout.size + 4));
  assert.deepEqual(keep.buffers!.get('bn1.running_var')!.data, stream.slice(testLayout.size + 4));
  const normed = await resolveDirection('gaussian:seed=5:bias-bn=norm:type=states', ctx());
  const v = normed.buffers!.get('bn1.running_var')!.data as Float32Array, own = buffers.get('bn1.running_var')!.data as Float32Array;
  assert.ok(Math.abs(rangeNorm(v, 0, 4) - rangeNorm(own, 0, 4)) < 1e-5, 'norm: ‖d_var‖ = ‖running_var‖');
});

test('to:CKPT:type=states: the buffers move to the checkpoint’s; file: carries them; mistakes are named', async () => {
  const other = new Map([...buffers].map(([n, t]) => [n, f32(t.dims, (i) => (t.data as Float32Array)[i]! * 3 + 1)] as const));
  const target = { layout: theta.layout, data: theta.data.map((x) => x + 0.25) };
  const to = await resolveDirection('to:ckpt.safetensors:type=states', ctx({ loadParams: async () => target, loadBuffers: async () => other }));
  for (const [n, t] of buffers) (to.buffers!.get(n)!.data as Float32Array).forEach((d, i) => assert.equal(d, Math.fround((other.get(n)!.data as Float32Array)[i]! - (t.data as Float32Array)[i]!)));
  assert.deepEqual(to.vector.data, sub(target, theta).data);

  const dir = mkdtempSync(join(tmpdir(), 'terrain-states-'));
  try {
    const path = join(dir, 'd.safetensors');
    saveDirection(path, to.vector, { spec: to.spec }, to.buffers);
    const back = loadDirection(path, testLayout);
    assert.deepEqual([...back.buffers!.keys()], [...buffers.keys()]);
    const file = await resolveDirection(`file:${path}:type=states`, ctx());
    assert.deepEqual(file.vector.data, to.vector.data);
    for (const [n, t] of to.buffers!) assert.deepEqual(file.buffers!.get(n)!.data, t.data);
    await assert.rejects(resolveDirection(`file:${path}`, ctx()), /is a states direction .* add ':type=states'/);
    const plain = join(dir, 'w.safetensors');
    saveDirection(plain, to.vector);
    await assert.rejects(resolveDirection(`file:${plain}:type=states`, ctx()), /holds no running statistics/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(resolveDirection('gaussian:type=states', { theta, loadParams: async () => theta }), /does not provide the model's buffers/);
});
