// Zoo structure without PyTorch: the graph contract, options and errors, determinism, and init statistics.
// (torch.test.ts checks names, shapes and logits against PyTorch.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../engine/session.js';
import { getFloat, getInt } from '../graph.js';
import type { ModelSpec } from '../model.js';
import { sizeOf } from '../tensor.js';
import { buildModel, zooNames } from './index.js';
import { fans, initStream, normalTensor } from './init.js';
import { makeDivisible } from './mobilenetv2.js';

const spec = (arch: string, inputShape: number[], classes = 10, options: Record<string, unknown> = {}): ModelSpec => ({ arch, options, inputShape, classes });
const count = (m: ReturnType<typeof buildModel>): number => m.params.reduce((a, n) => a + sizeOf(m.graph.initializers.get(n)!.dims), 0);

test('zooNames lists every model; unknown names and options get errors that list the valid choices', () => {
  assert.deepEqual(zooNames(), ['mlp', 'cnn-small', 'resnet20', 'resnet32', 'resnet56', 'vgg11-bn', 'vgg16-bn', 'mobilenetv2']);
  assert.throws(() => buildModel(spec('resnet18', [3, 32, 32]), 0), /unknown model 'resnet18'; the zoo has: mlp, cnn-small, resnet20/);
  assert.throws(() => buildModel(spec('mlp', [4], 2, { depth: 3 }), 0), /mlp: unknown option 'depth' \(valid options: widths, activation, negativeSlope\)/);
  assert.throws(() => buildModel(spec('mlp', [4], 2, { activation: 'gelu' }), 0), /must be one of relu, tanh, sigmoid, leaky-relu, got "gelu"/);
  assert.throws(() => buildModel(spec('resnet20', [3, 32, 32], 10, { width: 2 }), 0), /resnet20: unknown option 'width' \(it takes no options\)/);
  assert.throws(() => buildModel(spec('resnet20', [64]), 0), /inputShape must be \[C, H, W\] for an image model, got \[64\]/);
  assert.throws(() => buildModel(spec('cnn-small', [1, 8, 8], 10, { channels: [4, 4, 4, 4] }), 0), /max-pool 2x2 on a 1x1 map leaves nothing/);
  assert.throws(() => buildModel(spec('mlp', [4], 0), 0), /classes must be a positive integer/);
});

test('every model honours the graph contract and runs in ORT with any batch size', async () => {
  for (const arch of zooNames()) {
    const m = buildModel(spec(arch, arch === 'mlp' ? [5] : [2, 8, 8], 3), 0);
    const g = m.graph;
    assert.equal(g.opset, 13);
    assert.deepEqual(g.inputs, [{ name: 'input', dtype: 'float32', shape: ['N', ...m.spec.inputShape] }], arch);
    assert.deepEqual(g.outputs, [{ name: 'logits', dtype: 'float32', shape: ['N', 3] }], arch);
    // params and buffers are named initializers, in state_dict order, and nothing else is named like one.
    const named = [...g.initializers.keys()].filter((k) => /\.(weight|bias|running_mean|running_var)$/.test(k));
    assert.deepEqual(named, named.filter((k) => m.params.includes(k) || m.buffers.includes(k)), arch);
    assert.deepEqual(m.params, named.filter((k) => /\.(weight|bias)$/.test(k)), arch);
    assert.deepEqual(m.buffers, named.filter((k) => /running_(mean|var)$/.test(k)), arch);
    for (const n of g.nodes) {
      if (n.op === 'Gemm') assert.equal(getInt(n, 'transB', 0), 1, `${arch} ${n.name}`);
      if (n.op === 'BatchNormalization') {
        assert.equal(Math.fround(getFloat(n, 'epsilon', 0)), Math.fround(1e-5));
        assert.equal(n.outputs.length, 1, 'eval form: one output');
        assert.ok(m.buffers.includes(n.inputs[3]!) && n.inputs[3]!.endsWith('running_mean'));
        assert.ok(n.inputs[4]!.endsWith('running_var'));
      }
    }
    const s = await Session.create(g);
    for (const batch of [1, 4]) {
      const out = await s.run({ input: normalTensor([batch, ...m.spec.inputShape], 1, initStream(batch, 'x')) });
      assert.deepEqual(out['logits']!.dims, [batch, 3], arch);
      assert.ok([...out['logits']!.data as Float32Array].every(Number.isFinite), arch);
    }
    await s.dispose();
  }
});

test('published parameter counts (3x32x32, 10 classes)', () => {
  // He et al. 2016 / akamaster: ResNet-20 0.27M, ResNet-32 0.46M, ResNet-56 0.85M (option A: no shortcut weights).
  assert.equal(count(buildModel(spec('resnet20', [3, 32, 32]), 0)), 269_722);
  assert.equal(count(buildModel(spec('resnet32', [3, 32, 32]), 0)), 464_154);
  assert.equal(count(buildModel(spec('resnet56', [3, 32, 32]), 0)), 853_018);
  // torchvision: vgg16_bn 138,365,992 and vgg11_bn 132,868,840 parameters, of which the 4096-wide classifier holds
  // 25088·4096+4096 + 4096·4096+4096 + 4096·1000+1000 = 123,642,856; ours adds Linear(512, 10) = 5,130.
  assert.equal(count(buildModel(spec('vgg16-bn', [3, 32, 32]), 0, { zeroInit: true })), 138_365_992 - 123_642_856 + 5_130);
  assert.equal(count(buildModel(spec('vgg11-bn', [3, 32, 32]), 0, { zeroInit: true })), 132_868_840 - 123_642_856 + 5_130);
  // torchvision mobilenet_v2 (1000 classes): 3,504,872; strides do not change the count.
  assert.equal(count(buildModel(spec('mobilenetv2', [3, 32, 32], 1000), 0, { zeroInit: true })), 3_504_872);
  // cnn-small by hand: conv1 1·16·9 + bn 32, conv2 16·32·9 + bn 64, fc (32·2·2)·10 + 10.
  assert.equal(count(buildModel(spec('cnn-small', [1, 8, 8]), 0)), 144 + 32 + 4608 + 64 + 1280 + 10);
  // mlp by hand: 64·128+128 + 128·64+64 + 64·10+10.
  assert.equal(count(buildModel(spec('mlp', [1, 8, 8]), 0)), 8320 + 8256 + 650);
});

test('makeDivisible matches torchvision _make_divisible', () => {
  // [value, expected]: computed by hand from max(8, int(v + 4) // 8 * 8), +8 if below 0.9 v.
  for (const [v, e] of [[32, 32], [16, 16], [16 * 0.35, 8], [24 * 0.35, 8], [32 * 0.75, 24], [96 * 0.75, 72], [1280 * 1.4, 1792], [160 * 1.4, 224], [19, 24], [12, 16]] as const) {
    assert.equal(makeDivisible(v), e, `makeDivisible(${v})`);
  }
});

test('init is deterministic per (seed, tensor name) and has the documented statistics', () => {
  const a = buildModel(spec('mlp', [8], 3, { widths: [32, 16] }), 7);
  const b = buildModel(spec('mlp', [8], 3, { widths: [32, 16] }), 7);
  const c = buildModel(spec('mlp', [8], 3, { widths: [32, 16] }), 8);
  const d = buildModel(spec('mlp', [8], 3, { widths: [32, 20] }), 7);
  const data = (m: typeof a, n: string): number[] => [...(m.graph.initializers.get(n)!.data as Float32Array)];
  assert.deepEqual(data(a, 'fc.weight'), data(b, 'fc.weight'));
  assert.notDeepEqual(data(a, 'fc.weight'), data(c, 'fc.weight'));
  assert.deepEqual(data(a, 'layers.0.weight'), data(d, 'layers.0.weight'), 'other layers do not shift a layer\'s values');

  const r = buildModel(spec('resnet20', [3, 32, 32]), 3);
  const w = r.graph.initializers.get('layer3.1.conv1.weight')!; // 64·64·9 = 36,864 values
  const std = Math.sqrt(data(r, 'layer3.1.conv1.weight').reduce((s, v) => s + v * v, 0) / sizeOf(w.dims));
  const expected = Math.sqrt(2 / fans(w.dims).fanOut);
  assert.ok(Math.abs(std / expected - 1) < 0.02, `conv std ${std}, Kaiming fan_out ${expected}`);
  const lw = data(r, 'linear.weight');
  const bound = 1 / Math.sqrt(64);
  assert.ok(lw.every((v) => Math.abs(v) <= bound) && Math.max(...lw.map(Math.abs)) > 0.9 * bound, 'linear U(±1/√fan_in)');
  assert.ok(data(r, 'bn1.weight').every((v) => v === 1) && data(r, 'bn1.bias').every((v) => v === 0));
  assert.ok(data(r, 'bn1.running_mean').every((v) => v === 0) && data(r, 'bn1.running_var').every((v) => v === 1));
  const z = buildModel(spec('resnet20', [3, 32, 32]), 3, { zeroInit: true });
  assert.ok(data(z, 'conv1.weight').every((v) => v === 0) && data(z, 'bn1.weight').every((v) => v === 1));
});
