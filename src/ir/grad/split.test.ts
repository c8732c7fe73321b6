import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../core/rng.js';
import { Session } from '../../engine/session.js';
import { differentiate } from '../autodiff.js';
import { GraphBuilder } from '../builder.js';
import { attr } from '../graph.js';
import { float32 } from '../tensor.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(121);
const int64 = (values: number[]) => ({ dtype: 'int64' as const, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });

test('Split into equal parts (torch.chunk) and given sizes (torch.split), with Hessian-vector products', async () => {
  await checkGrad('Split', { inputs: [['N', 6, 2]], attrs: { axis: attr.int(1) }, outputs: 3, rng, order: 2 });
  await checkGrad('Split', { inputs: [['N', 5], int64([2, 3])], attrs: { axis: attr.int(-1) }, outputs: 2, rng, order: 2 });
});

test('Split with an output nothing reads: its part of the gradient is zeros, at any batch size', async () => {
  const b = new GraphBuilder('chunk');
  const x = b.input('x', 'float32', ['N', 4]);
  const [first] = b.opMulti('Split', [x], 2, { axis: attr.int(1) });
  const f = b.op('ReduceSum', [b.op('Mul', [first!, first!])], { keepdims: attr.int(0) });
  const d = differentiate(b.build(), { of: f, wrt: [x] });
  d.graph.outputs.push({ name: d.grads.get(x)!, dtype: 'float32', shape: ['N', 4] });
  const s = await Session.create(d.graph);
  try {
    const out = await s.run({ x: float32([3, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) }, [d.grads.get(x)!]);
    assert.deepEqual([...out[d.grads.get(x)!]!.data], [2, 4, 0, 0, 10, 12, 0, 0, 18, 20, 0, 0]);
  } finally {
    await s.dispose();
  }
});
