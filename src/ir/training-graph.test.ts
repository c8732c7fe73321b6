// The whole gradient graph against PyTorch (test/python/crosscheck.py) on zoo models with randomised weights and
// BN statistics: loss, correct count, every parameter gradient, and train-mode running statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type Rng } from '../core/rng.js';
import { Session } from '../engine/session.js';
import { LABELS } from './loss.js';
import type { Model, ModelSpec } from './model.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { float32, int64, type Tensor } from './tensor.js';
import { buildGradientGraph } from './training-graph.js';
import { buildModel } from './zoo/index.js';
import { npyBytes, runPython, torchAvailable } from '../testing/pytorch.js';

/** A zoo model whose BN affine parameters and running statistics are random (so that eval mode is not trivial). */
function randomisedModel(spec: ModelSpec, rng: Rng): Model {
  const model = buildModel(spec, 7);
  for (const name of [...model.params, ...model.buffers]) {
    const t = model.graph.initializers.get(name)!;
    const d = t.data as Float32Array;
    if (name.endsWith('running_var')) d.forEach((_, i) => { d[i] = 0.5 + rng.uniform(); });
    else if (name.endsWith('running_mean') || (t.dims.length === 1 && name.includes('bn'))) d.forEach((_, i) => { d[i] = (name.endsWith('weight') ? 1 : 0) + 0.3 * rng.normal(); });
  }
  return model;
}

interface Case { spec: ModelSpec; bn: 'eval' | 'train'; batch: number }

const CASES: Case[] = [
  { spec: { arch: 'cnn-small', options: { channels: [4, 6] }, inputShape: [1, 8, 8], classes: 5 }, bn: 'eval', batch: 6 },
  { spec: { arch: 'resnet20', options: {}, inputShape: [3, 8, 8], classes: 4 }, bn: 'train', batch: 5 },
  { spec: { arch: 'mobilenetv2', options: { width: 0.25 }, inputShape: [3, 8, 8], classes: 3 }, bn: 'train', batch: 4 },
  { spec: { arch: 'mlp', options: { widths: [7, 5], activation: 'tanh' }, inputShape: [6], classes: 3 }, bn: 'eval', batch: 4 },
];

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! ** 2;
  return Math.sqrt(s);
}

function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  return norm(Array.from(want, (w, i) => got[i]! - w)) / Math.max(norm(want), 1e-30);
}

// Float32 against PyTorch in float64: errors are float32 rounding, amplified by depth and by train-mode BN on small
// batches (PyTorch's own float32 gradients are off by ~1e-3 on mobilenetv2 here). Gradients that are zero in exact
// arithmetic (biases feeding a train-mode BN) are judged against the whole gradient's norm.
const RTOL = 3e-3, ATOL_OF_TOTAL = 1e-5;

for (const c of CASES) {
  test(`${c.spec.arch} with BN ${c.bn}: loss, gradients and running stats equal PyTorch's`, async (t) => {
    if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
    const rng = createRng(70);
    const model = randomisedModel(c.spec, rng);
    const x = float32([c.batch, ...c.spec.inputShape], Array.from({ length: c.batch * c.spec.inputShape.reduce((p, d) => p * d, 1) }, () => rng.normal()));
    const labels = int64([c.batch], Array.from({ length: c.batch }, () => rng.int(c.spec.classes)));
    const dir = mkdtempSync(join(tmpdir(), 'terrain-grad-'));
    try {
      const files = { spec: join(dir, 'spec.json'), weights: join(dir, 'w.safetensors'), input: join(dir, 'x.npy'), labels: join(dir, 'y.npy'), grads: join(dir, 'g.safetensors') };
      writeFileSync(files.spec, JSON.stringify(model.spec));
      writeSafetensors(files.weights, new Map([...model.params, ...model.buffers].map((k) => [k, model.graph.initializers.get(k)!])));
      writeFileSync(files.input, npyBytes(x));
      writeFileSync(files.labels, npyBytes(labels));
      const stdout = runPython('crosscheck.py', ['--spec', files.spec, '--weights', files.weights, '--input', files.input, '--labels', files.labels, '--bn', c.bn, '--grads', files.grads, '--dtype', 'float64']);
      const ref = JSON.parse(stdout.trim().split('\n').pop()!) as { loss: number; correct: number; running_stats?: Record<string, number[]> };
      const refGrads = readSafetensors(files.grads).tensors;
      const total = norm(model.params.flatMap((p) => Array.from(refGrads.get(p)!.data as Float64Array)));

      const gg = buildGradientGraph(model, { loss: 'softmax-ce', bn: c.bn, weights: 'inputs' });
      const session = await Session.create(gg.graph);
      const feeds: Record<string, Tensor> = { input: x, [LABELS]: labels };
      for (const p of model.params) feeds[p] = model.graph.initializers.get(p)!;
      const out = await session.run(feeds);
      await session.dispose();

      const loss = out[gg.lossName]!.data[0] as number;
      assert.ok(Math.abs(loss - ref.loss) <= 1e-4 * Math.max(1, Math.abs(ref.loss)), `loss ${loss} vs PyTorch ${ref.loss}`);
      assert.equal(out[gg.correctName]!.data[0], ref.correct);
      let worst = 0, worstRelative = 0;
      for (const p of model.params) {
        const want = refGrads.get(p)!.data as Float64Array, got = out[gg.gradOf.get(p)!]!.data as Float32Array;
        const err = norm(Array.from(want, (w, i) => got[i]! - w));
        const allowed = RTOL * norm(want) + ATOL_OF_TOTAL * total;
        worst = Math.max(worst, err / allowed);
        worstRelative = Math.max(worstRelative, err / Math.max(norm(want), 1e-3 * total));
        assert.ok(err <= allowed, `${p}: |ours − PyTorch float64| = ${err.toExponential(2)} > ${allowed.toExponential(2)} (|grad| ${norm(want).toExponential(2)})`);
      }
      t.diagnostic(`worst gradient error / tolerance: ${worst.toFixed(3)}, worst relative error ${worstRelative.toExponential(1)}`);
      if (c.bn === 'train') {
        assert.equal(gg.runningStatOutputs.size, model.buffers.length);
        for (const b of model.buffers) {
          const err = relativeError(out[gg.runningStatOutputs.get(b)!]!.data as Float32Array, ref.running_stats![b]!);
          assert.ok(err < 1e-4, `${b}: relative L2 error ${err.toExponential(2)} against PyTorch float64`);
        }
      } else {
        assert.equal(gg.runningStatOutputs.size, 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('weights as initializers give the same loss and gradients as weights as inputs, at two batch sizes', async () => {
  const rng = createRng(71);
  const model = randomisedModel({ arch: 'cnn-small', options: { channels: [3, 4] }, inputShape: [2, 8, 8], classes: 4 }, rng);
  const asInputs = buildGradientGraph(model, { loss: 'mse', bn: 'train', weights: 'inputs' });
  const baked = buildGradientGraph(model, { loss: 'mse', bn: 'train', weights: 'initializers' });
  assert.ok(baked.graph.inputs.every((v) => !model.params.includes(v.name)));
  const s1 = await Session.create(asInputs.graph), s2 = await Session.create(baked.graph);
  for (const n of [3, 8]) {
    const feeds: Record<string, Tensor> = {
      input: float32([n, 2, 8, 8], Array.from({ length: n * 128 }, () => rng.normal())),
      [LABELS]: int64([n], Array.from({ length: n }, () => rng.int(4))),
    };
    const a = await s1.run({ ...feeds, ...Object.fromEntries(model.params.map((p) => [p, model.graph.initializers.get(p)!])) });
    const b = await s2.run(feeds);
    assert.ok(Math.abs((a['loss']!.data[0] as number) - (b['loss']!.data[0] as number)) < 1e-5);
    for (const p of model.params) {
      const err = relativeError(a[asInputs.gradOf.get(p)!]!.data as Float32Array, b[baked.gradOf.get(p)!]!.data as Float32Array);
      assert.ok(err < 1e-5, `${p} at batch ${n}: ${err}`);
    }
  }
  await s1.dispose();
  await s2.dispose();
});

test('an op without a gradient rule is named with its node', () => {
  const model = buildModel({ arch: 'mlp', options: { widths: [3] }, inputShape: [2], classes: 2 }, 1);
  const relu = model.graph.nodes.find((n) => n.op === 'Relu')!;
  relu.op = 'Selu'; // shape inference knows it, the gradient table does not
  assert.throws(() => buildGradientGraph(model, { loss: 'softmax-ce', bn: 'eval', weights: 'inputs' }),
    (err: Error) => err.message === `no gradient rule for op 'Selu' (node '${relu.name}')`);
});
