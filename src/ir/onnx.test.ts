import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, attr } from './builder.js';
import { fromOnnxBytes, toOnnxBytes, OnnxFormatError } from './onnx.js';
import { float32 } from './tensor.js';
import { Session } from '../engine/session.js';

test('a built graph round-trips through ONNX bytes and runs in ORT', async () => {
  const b = new GraphBuilder('tiny');
  const x = b.input('x', 'float32', ['N', 3]);
  const w = b.initializer('fc.weight', float32([2, 3], [1, 2, 3, -1, -2, -3]));
  const bias = b.initializer('fc.bias', float32([2], [0.5, -0.5]));
  const y = b.rename(b.op('Gemm', [x, w, bias], { transB: attr.int(1) }), 'logits');
  b.output(y, 'float32', ['N', 2]);
  const g = b.build();
  const back = fromOnnxBytes(toOnnxBytes(g));
  assert.equal(back.nodes.length, 1);
  assert.deepEqual([...back.initializers.get('fc.weight')!.data], [1, 2, 3, -1, -2, -3]);
  assert.deepEqual(back.nodes[0]!.attrs['transB'], { type: 'int', value: 1 });
  const s = await Session.create(back);
  const out = await s.run({ x: float32([1, 3], [1, 1, 1]) });
  assert.deepEqual([...out['logits']!.data], [6.5, -6.5]);
  await s.dispose();
});

test('garbage bytes give an OnnxFormatError', () => {
  assert.throws(() => fromOnnxBytes(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]), 'bad.onnx'), OnnxFormatError);
});
