import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../core/rng.js';
import { GraphBuilder } from '../builder.js';
import { differentiate } from '../autodiff.js';
import { checkGrad } from '../../testing/grad-check.js';

test('Identity passes the gradient through', async () => {
  await checkGrad('Identity', { inputs: [['N', 3]], rng: createRng(19), order: 2 });
});

test('Dropout at inference passes the gradient through', async () => {
  await checkGrad('Dropout', { inputs: [['N', 3]], rng: createRng(20) });
});

test('Dropout in training mode is refused, naming the node', () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', [2]);
  const on = b.constant({ dtype: 'bool', dims: [], data: new Uint8Array([1]) });
  const y = b.op('Dropout', [x, b.constFloat(0.5), on], {}, 'drop');
  const s = b.op('ReduceSum', [y], {});
  assert.throws(() => differentiate(b.build(), { of: s, wrt: [x] }), /node 'drop' \(Dropout\): Dropout in training mode/);
});
