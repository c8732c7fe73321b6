import { test } from 'node:test';
import { createRng } from '../../core/rng.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

const rng = createRng(26);

test('Gemm as a linear layer (transB, bias broadcast over the batch), with Hessian-vector products', async () => {
  await checkGrad('Gemm', { inputs: [['N', 3], [4, 3], [4]], attrs: { transB: attr.int(1) }, rng, order: 2 });
});

test('Gemm with every transpose combination, α, β and a [M,1] bias', async () => {
  for (const [tA, tB] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
    const a = tA ? [3, 2] : [2, 3], b = tB ? [4, 3] : [3, 4];
    const attrs = { transA: attr.int(tA), transB: attr.int(tB), alpha: attr.float(0.7), beta: attr.float(-1.3) };
    await checkGrad('Gemm', { inputs: [a, b, [2, 1]], attrs, rng, order: 2 });
  }
});

test('Gemm without C', async () => {
  await checkGrad('Gemm', { inputs: [['N', 3], [3, 2]], rng });
});
