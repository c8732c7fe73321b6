import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../core/rng.js';
import { Session } from '../../engine/session.js';
import { GraphBuilder } from '../builder.js';
import { attr } from '../graph.js';
import { inferShapes } from '../shapes/index.js';
import type { Tensor } from '../tensor.js';
import { lowerRnns } from './rnn-unroll.js';
import { RNN_CASES, rnnCase, type RnnCase } from './rnn-cases.js';

/**
 * Runs the fused node in ORT and its unrolled primitives; returns the largest difference over all outputs. ORT's
 * CPU kernels refuse layout = 1, so there the reference is the layout-0 node between Transposes (as PyTorch writes
 * batch_first models).
 */
async function compare(c: RnnCase, seed: number): Promise<number> {
  const rng = createRng(seed);
  const feeds: Record<string, Tensor> = {};
  const build = (reference: boolean) => {
    const b = new GraphBuilder(c.label, 14);
    const batchFirst = reference && c.attrs.layout?.value === 1;
    const names = c.inputs.map((shape, i) => {
      if (!shape) return '';
      const name = b.input(`in${i}`, 'float32', shape);
      const dims = shape.map((d) => (typeof d === 'number' ? d : 2));
      feeds[name] ??= { dtype: 'float32', dims, data: Float32Array.from({ length: dims.reduce((p, d) => p * d, 1) }, () => rng.normal()) };
      return batchFirst && (i === 0 || i === 5 || i === 6) ? b.op('Transpose', [name], { perm: attr.ints([1, 0, 2]) }) : name;
    });
    const attrs = { ...c.attrs };
    if (batchFirst) delete attrs.layout;
    let outs = b.opMulti(c.op, names, c.outputs, attrs, c.op.toLowerCase());
    if (batchFirst) outs = outs.map((o, i) => b.op('Transpose', [o], { perm: attr.ints(i === 0 ? [2, 0, 1, 3] : [1, 0, 2]) }));
    const env = inferShapes(b.build());
    outs.forEach((o, i) => b.output(o, 'float32', env.shape(o)));
    return { graph: reference ? b.build() : lowerRnns(b.build()), outs };
  };
  const ref = build(true), low = build(false);
  const s1 = await Session.create(ref.graph), s2 = await Session.create(low.graph);
  try {
    const [a, u] = [await s1.run(feeds), await s2.run(feeds)];
    let worst = 0;
    ref.outs.forEach((o, i) => {
      const r = a[o]!, l = u[low.outs[i]!]!;
      assert.deepEqual(l.dims, r.dims, `${c.label}: dims of output ${i}`);
      const x = r.data as Float32Array, y = l.data as Float32Array;
      for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k]! - y[k]!));
    });
    return worst;
  } finally {
    await s1.dispose();
    await s2.dispose();
  }
}

test('unrolled LSTM, GRU and RNN equal ORT\'s fused ops on every output, in every supported form', async () => {
  for (const [k, c] of RNN_CASES.entries()) {
    const err = await compare(c, 100 + k);
    assert.ok(err < 2e-6, `${c.label}: unrolled vs fused differ by ${err}`);
  }
});

test('a symbolic batch and a longer sequence unroll too', async () => {
  for (const op of ['LSTM', 'GRU'] as const) {
    const err = await compare(rnnCase(op, { n: 'N', T: 7, H: 4, I: 5, bidirectional: true }), 7);
    assert.ok(err < 2e-6, `${op}: unrolled vs fused differ by ${err}`);
  }
});
