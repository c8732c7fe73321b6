import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../core/rng.js';
import { Session } from '../engine/session.js';
import { differentiate } from './autodiff.js';
import { GraphBuilder } from './builder.js';
import { CORRECT, LABELS, LOSS, withLoss, type LossKind } from './loss.js';
import { int64, type Tensor } from './tensor.js';

const N = 5, C = 4;

/** logits = input, so loss and gradient have closed forms. */
function identityLogits(): ReturnType<GraphBuilder['build']> {
  const b = new GraphBuilder('logits-only');
  const x = b.input('input', 'float64', ['N', C]);
  b.rename(b.op('Identity', [x]), 'logits');
  b.output('logits', 'float64', ['N', C]);
  return b.build();
}

async function run(kind: LossKind, logits: Float64Array, labels: number[]) {
  const d = differentiate(withLoss(identityLogits(), { kind }), { of: LOSS, wrt: ['input'] });
  d.graph.outputs.push({ name: d.grads.get('input')!, dtype: 'float64', shape: ['N', C] });
  const s = await Session.create(d.graph);
  const feeds: Record<string, Tensor> = { input: { dtype: 'float64', dims: [N, C], data: logits }, [LABELS]: int64([N], labels) };
  const out = await s.run(feeds);
  await s.dispose();
  return { loss: out[LOSS]!.data[0] as number, correct: out[CORRECT]!.data[0] as number, grad: out[d.grads.get('input')!]!.data as Float64Array };
}

const rng = createRng(50);
const logits = Float64Array.from({ length: N * C }, () => 3 * rng.normal());
const labels = [0, 3, 1, 1, 2];
const argmax = (i: number) => [...logits.subarray(i * C, i * C + C)].reduce((best, v, k, row) => (v > row[best]! ? k : best), 0);
const expectedCorrect = labels.filter((l, i) => argmax(i) === l).length;

test('softmax cross-entropy: mean over the batch of −log softmax[label], gradient (softmax − onehot)/N', async () => {
  const got = await run('softmax-ce', logits, labels);
  let loss = 0;
  const grad: number[] = [];
  for (let i = 0; i < N; i++) {
    const row = [...logits.subarray(i * C, i * C + C)];
    const m = Math.max(...row);
    const z = row.reduce((a, v) => a + Math.exp(v - m), 0);
    loss += m + Math.log(z) - row[labels[i]!]!;
    row.forEach((v, k) => grad.push((Math.exp(v - m) / z - (k === labels[i] ? 1 : 0)) / N));
  }
  assert.ok(Math.abs(got.loss - loss / N) < 1e-12, `loss ${got.loss} vs ${loss / N}`);
  grad.forEach((g, k) => assert.ok(Math.abs(got.grad[k]! - g) < 1e-12, `grad[${k}] ${got.grad[k]} vs ${g}`));
  assert.equal(got.correct, expectedCorrect);
});

test('softmax cross-entropy stays finite for logits of size 1000 (LogSoftmax, not log(softmax))', async () => {
  const huge = logits.map((v, k) => (k % C === 0 ? 1000 : v));
  const got = await run('softmax-ce', huge, labels);
  assert.ok(Number.isFinite(got.loss) && got.loss > 100, `loss ${got.loss}`);
  assert.ok(got.grad.every(Number.isFinite));
});

test('MSE against one-hot labels: mean over N·C entries, gradient 2(logits − onehot)/(N·C)', async () => {
  const got = await run('mse', logits, labels);
  let loss = 0;
  const grad: number[] = [];
  logits.forEach((v, k) => {
    const t = labels[Math.floor(k / C)] === k % C ? 1 : 0;
    loss += (v - t) ** 2;
    grad.push((2 * (v - t)) / (N * C));
  });
  assert.ok(Math.abs(got.loss - loss / (N * C)) < 1e-12);
  grad.forEach((g, k) => assert.ok(Math.abs(got.grad[k]! - g) < 1e-12));
  assert.equal(got.correct, expectedCorrect);
});

test('withLoss refuses a graph without logits and a graph that already has "labels"', () => {
  const b = new GraphBuilder('no-logits');
  b.input('input', 'float32', ['N', 3]);
  assert.throws(() => withLoss(b.build(), { kind: 'mse' }), /has no value 'logits'/);
  const g = identityLogits();
  g.inputs.push({ name: LABELS, dtype: 'int64', shape: ['N'] });
  assert.throws(() => withLoss(g, { kind: 'softmax-ce' }), /already has a value named 'labels'/);
});
