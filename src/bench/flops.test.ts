// MAC counts against hand-computed totals for architectures whose layer shapes are known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, GraphBuilder } from '../ir/builder.js';
import { float32 } from '../ir/tensor.js';
import { buildModel } from '../ir/zoo/index.js';
import { forwardMacsPerSample } from './flops.js';

test('ResNet-20 on 3x32x32: 40,551,040 MACs (He et al. CIFAR ResNet, counted layer by layer)', () => {
  const conv = (hw: number, cout: number, cin: number, k = 3): number => hw * hw * cout * cin * k * k;
  const expected = conv(32, 16, 3) // stem
    + 6 * conv(32, 16, 16) // stage 1: 3 blocks × 2 convs
    + conv(16, 32, 16) + 5 * conv(16, 32, 32) // stage 2, first conv strided
    + conv(8, 64, 32) + 5 * conv(8, 64, 64) // stage 3
    + 64 * 10; // linear
  assert.equal(expected, 40_551_040);
  assert.equal(forwardMacsPerSample(buildModel({ arch: 'resnet20', options: {}, inputShape: [3, 32, 32], classes: 10 }, 1, { zeroInit: true }).graph), expected);
});

test('a depthwise conv counts C_in/groups per output; dense layers in·out; elementwise ops nothing', () => {
  const b = new GraphBuilder('dw');
  const x = b.input('input', 'float32', ['N', 8, 10, 10]);
  const w = b.initializer('w', float32([8, 1, 3, 3]));
  const y = b.op('Conv', [x, w], { group: attr.int(8), pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) });
  b.output(b.rename(b.op('Relu', [y]), 'logits'), 'float32', ['N', 8, 5, 5]);
  assert.equal(forwardMacsPerSample(b.build()), 8 * 5 * 5 * 9);
  const mlp = buildModel({ arch: 'mlp', options: { widths: [7, 5] }, inputShape: [6], classes: 3 }, 1, { zeroInit: true });
  assert.equal(forwardMacsPerSample(mlp.graph), 6 * 7 + 7 * 5 + 5 * 3);
});
