// Block products: algorithms that can batch their matvecs (Hutchinson, Hutch++) give the same estimates through
// matvecMany as through single products, and do use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { symmetricWithSpectrum } from '../linalg/dense.js';
import { denseOperator, functionOperator, matvecAll, type LinearOperator } from './operator.js';
import { hutchinsonTrace } from './hutchinson.js';
import { hutchppTrace } from './hutchpp.js';

function withBlocks(base: LinearOperator): { op: LinearOperator; calls: number[] } {
  const calls: number[] = [];
  const op = functionOperator(base.size, true, (v) => base.matvec(v), async (vs) => {
    calls.push(vs.length);
    return Promise.all(vs.map((v) => base.matvec(v)));
  });
  return { op, calls };
}

const spectrum = Float64Array.from({ length: 60 }, (_, i) => (i < 5 ? 50 - 7 * i : 0.1 * ((i * 37) % 11) - 0.3));
const base = denseOperator(symmetricWithSpectrum(spectrum, createRng(4)).matrix);

test('matvecAll: one matvecMany call for several vectors, single products otherwise', async () => {
  const { op, calls } = withBlocks(base);
  const vs = [0, 1, 2].map((k) => Float64Array.from({ length: base.size }, (_, i) => Math.sin(i + k)));
  const many = await matvecAll(op, vs);
  assert.deepEqual(calls, [3]);
  for (let k = 0; k < 3; k++) assert.deepEqual(many[k], await base.matvec(vs[k]!));
  assert.deepEqual(await matvecAll(base, vs), many);
  await assert.rejects(() => op.matvecMany!([new Float64Array(3)]), /vector has 3 entries/);
});

test('Hutchinson in blocks: identical probes and estimate, ⌈samples / block⌉ block calls', async () => {
  const single = await hutchinsonTrace(base, { samples: 10, rng: createRng(9) });
  const { op, calls } = withBlocks(base);
  const blocked = await hutchinsonTrace(op, { samples: 10, rng: createRng(9), block: 4 });
  assert.deepEqual(calls, [4, 4, 2]);
  assert.deepEqual(blocked.values, single.values);
  assert.equal(blocked.estimate, single.estimate);
});

test('Hutch++ through matvecMany: the same estimate as single products', async () => {
  const single = await hutchppTrace(base, { matvecs: 30, rng: createRng(5) });
  const { op, calls } = withBlocks(base);
  const blocked = await hutchppTrace(op, { matvecs: 30, rng: createRng(5) });
  assert.ok(calls.length === 3 && calls.reduce((a, b) => a + b, 0) === 30, `calls ${calls}`);
  assert.ok(Math.abs(blocked.estimate - single.estimate) <= 1e-9 * Math.abs(single.estimate));
});
