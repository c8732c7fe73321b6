import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../engine/session.js';
import { GraphBuilder } from '../builder.js';
import { attr } from '../graph.js';
import { inferShapes } from './index.js';
import { broadcastShapes, divDim, eqDim, mulDim, productDims } from './dims.js';
import { float32 } from '../tensor.js';

test('symbolic dims multiply, divide exactly and compare canonically', () => {
  assert.equal(mulDim('N', 4), '4*N');
  assert.equal(mulDim(2, mulDim('N', 3)), '6*N');
  assert.equal(divDim('6*N', 3), '2*N');
  assert.equal(divDim(mulDim('N', 16), 'N'), 16);
  assert.equal(divDim('N', 2), undefined);
  assert.ok(eqDim('N*M', 'M*N'));
  assert.equal(productDims(['N', 3, 2]), '6*N');
  assert.deepEqual(broadcastShapes([['N', 1, 4], [3, 1]]), ['N', 3, 4]);
  assert.match(broadcastShapes([['N', 2], ['M', 2]]) as string, /cannot broadcast/);
});

test('shape vectors are tracked through Shape, Gather and Concat, so Reshape keeps the batch symbolic', () => {
  const b = new GraphBuilder('track');
  const x = b.input('x', 'float32', ['N', 2, 3]);
  const batch = b.op('Gather', [b.op('Shape', [x]), b.constInt64([0])]);
  const target = b.op('Concat', [batch, b.constInt64([-1])], { axis: attr.int(0) });
  const y = b.op('Reshape', [x, target]);
  const env = inferShapes(b.build());
  assert.deepEqual(env.value(target), ['N', -1]);
  assert.deepEqual(env.shape(y), ['N', 6]);
});

test('inferred Conv, ConvTranspose and pooling shapes equal what ORT computes', async () => {
  const cases: { op: string; x: number[]; w?: number[]; attrs: Record<string, ReturnType<typeof attr.int>> }[] = [
    { op: 'Conv', x: [2, 3, 9, 7], w: [4, 3, 3, 2], attrs: { strides: attr.ints([2, 3]), pads: attr.ints([1, 0, 2, 1]), dilations: attr.ints([2, 1]) } },
    { op: 'Conv', x: [1, 4, 6, 6], w: [4, 2, 3, 3], attrs: { group: attr.int(2), auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2, 2]) } },
    { op: 'ConvTranspose', x: [1, 3, 4, 5], w: [3, 2, 3, 3], attrs: { strides: attr.ints([2, 3]), pads: attr.ints([1, 0, 0, 2]), output_padding: attr.ints([1, 2]) } },
    { op: 'MaxPool', x: [1, 2, 7, 8], attrs: { kernel_shape: attr.ints([3, 2]), strides: attr.ints([2, 2]), pads: attr.ints([1, 0, 1, 1]), dilations: attr.ints([1, 2]) } },
    { op: 'AveragePool', x: [1, 2, 5, 5], attrs: { kernel_shape: attr.ints([2, 2]), auto_pad: attr.string('SAME_LOWER') } },
  ];
  for (const c of cases) {
    const b = new GraphBuilder(c.op);
    const x = b.input('x', 'float32', c.x);
    const ins = c.w ? [x, b.initializer('w', float32(c.w))] : [x];
    const y = b.op(c.op, ins, c.attrs);
    const inferred = inferShapes(b.build()).shape(y);
    b.output(y, 'float32', inferred);
    const s = await Session.create(b.build());
    const out = await s.run({ x: float32(c.x) });
    await s.dispose();
    assert.deepEqual(out[y]!.dims, inferred, `${c.op} ${JSON.stringify(c.attrs)}`);
  }
});

test('shape errors name the node and the op', () => {
  const b = new GraphBuilder('bad');
  const x = b.input('x', 'float32', ['N', 3]);
  b.op('MatMul', [x, b.initializer('w', float32([4, 2]))], {}, 'mm');
  assert.throws(() => inferShapes(b.build()), /node 'mm' \(MatMul\): inner dimensions differ/);
  const u = new GraphBuilder('unknown');
  u.op('FancyOp', [u.input('x', 'float32', [1])], {}, 'fancy');
  assert.throws(() => inferShapes(u.build()), /node 'fancy' \(FancyOp\): shape inference does not know op 'FancyOp'/);
});
