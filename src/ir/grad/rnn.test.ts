import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../core/rng.js';
import { differentiate } from '../autodiff.js';
import { GraphBuilder } from '../builder.js';
import { attr } from '../graph.js';
import { importGraph } from '../import/onnx-model.js';
import { checkGrad } from '../../testing/grad-check.js';
import { lowerRnns } from './rnn-unroll.js';
import { RNN_CASES, rnnCase, type RnnCase } from './rnn-cases.js';

/**
 * Gradient and Hessian-vector products of the fused node by finite differences, in float64 (ORT runs the fused
 * ops only in float32, so every graph is run with them unrolled: rnn-unroll.test.ts checks that form against ORT).
 */
function check(c: RnnCase, seed: number) {
  const present = c.inputs.flatMap((s, i) => (s ? [i] : []));
  return checkGrad(c.op, {
    inputs: present.map((i) => c.inputs[i]!), attrs: c.attrs, outputs: c.outputs, rng: createRng(seed), order: 2, lower: lowerRnns,
    // Omitted optional inputs (B, sequence_lens) sit in the middle of the input list.
    rewrite: (g) => ({
      ...g,
      nodes: g.nodes.map((n) => (n.op !== c.op ? n : {
        ...n, inputs: Array.from({ length: present[present.length - 1]! + 1 }, (_, i) => (present.includes(i) ? n.inputs[present.indexOf(i)]! : '')),
      })),
    }),
  });
}

test('LSTM, GRU, RNN: gradients of every input and Hessian-vector products match finite differences', async () => {
  for (const [k, c] of RNN_CASES.entries()) {
    const r = await check(c, 300 + k);
    assert.ok(r.first.entries > 0 && r.second!.entries > 0, c.label);
  }
});

test('a symbolic batch: the gradient graph runs at another batch size', async () => {
  await check(rnnCase('LSTM', { n: 'N', initial: true, bidirectional: true }), 41);
  await check(rnnCase('GRU', { n: 'N', T: 4 }), 42);
});

test('clip, input_forget, other activations and uneven sequence lengths are refused, naming the node and the fix', () => {
  const build = (op: string, extra: Record<string, ReturnType<typeof attr.int>>, seqLens?: number[]) => {
    const b = new GraphBuilder('refuse', 14);
    const G = { LSTM: 4, GRU: 3, RNN: 1 }[op]!;
    const x = b.input('x', 'float32', [3, 2, 3]);
    const w = b.input('w', 'float32', [1, 2 * G, 3]), r = b.input('r', 'float32', [1, 2 * G, 2]);
    const lens = seqLens ? b.constant({ dtype: 'int32', dims: [2], data: Int32Array.from(seqLens) }) : '';
    const inputs = [x, w, r, '', lens];
    const [y] = b.opMulti(op, inputs, 2, { hidden_size: attr.int(2), ...extra }, 'rnn1');
    const loss = b.op('ReduceSum', [y!], { keepdims: attr.int(0) });
    return () => differentiate(b.build(), { of: loss, wrt: [w] });
  };
  assert.throws(build('LSTM', { clip: attr.float(3) }), /node 'rnn1' \(LSTM\): cell clipping \(attribute clip = 3\) is not supported/);
  assert.throws(build('GRU', { activations: attr.strings(['HardSigmoid', 'Tanh']) }), /activations 'HardSigmoid' are not supported/);
  assert.throws(build('LSTM', { input_forget: attr.int(1) }), /input_forget = 1/);
  assert.throws(build('RNN', {}, [3, 2]), /sequence_lens '.*' is \[3, 2\], and sequences shorter than T = 3 \(masking\) are not supported/);
  assert.doesNotThrow(build('RNN', {}, [3, 3]));
});

test('import: an LSTM with clip imports forward-only, the reason naming the node; without clip it differentiates', () => {
  const model = (clip: boolean) => {
    const b = new GraphBuilder('lstm-classifier', 14);
    const rng = createRng(9);
    const f32 = (dims: number[]) => ({ dtype: 'float32' as const, dims, data: Float32Array.from({ length: dims.reduce((p, d) => p * d, 1) }, () => rng.normal() * 0.3) });
    const x = b.input('input', 'float32', ['batch', 4, 3]);
    const xt = b.op('Transpose', [x], { perm: attr.ints([1, 0, 2]) });
    const [, h] = b.opMulti('LSTM', [xt, b.initializer('w', f32([1, 8, 3])), b.initializer('r', f32([1, 8, 2])), b.initializer('b', f32([1, 16]))], 2,
      { hidden_size: attr.int(2), ...(clip ? { clip: attr.float(2) } : {}) }, 'lstm');
    const logits = b.op('Gemm', [b.op('Squeeze', [h!, b.constInt64([0])]), b.initializer('fc', f32([3, 2]))], { transB: attr.int(1) });
    b.output(logits, 'float32', ['batch', 3]);
    return importGraph(b.build(), 'classifier.onnx').model;
  };
  const clipped = model(true);
  assert.match(clipped.forwardOnly ?? '', /LSTM \(cell clipping \(attribute clip = 2\) is not supported; terrain differentiates LSTM without it.*\): node 'lstm'/);
  const plain = model(false);
  assert.equal(plain.forwardOnly, undefined);
  assert.deepEqual([...plain.params].sort(), ['b', 'fc', 'r', 'w']);
});
