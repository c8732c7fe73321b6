import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../core/rng.js';
import { differentiate } from '../autodiff.js';
import { GraphBuilder } from '../builder.js';
import { attr } from '../graph.js';
import { checkGrad } from '../../testing/grad-check.js';

const eq = (equation: string) => ({ equation: attr.string(equation) });
const rng = createRng(101);

test('Einsum batched matmul forms of attention (scores, weighted values), with Hessian-vector products', async () => {
  await checkGrad('Einsum', { inputs: [['N', 2, 3, 4], ['N', 2, 5, 4]], attrs: eq('bhqd,bhkd->bhqk'), rng, order: 2 });
  await checkGrad('Einsum', { inputs: [['N', 2, 3, 5], ['N', 2, 5, 4]], attrs: eq('bhqk,bhkd->bhqd'), rng, order: 2 });
  await checkGrad('Einsum', { inputs: [['N', 3, 4], ['N', 4, 2]], attrs: eq('bij,bjk->bik'), rng, order: 2 });
});

test('Einsum with an ellipsis, an implicit output, a transpose, a sum over one operand, a scalar output', async () => {
  await checkGrad('Einsum', { inputs: [['N', 3, 4], [4, 2]], attrs: eq('...ij,jk->...ik'), rng, order: 2 });
  await checkGrad('Einsum', { inputs: [[3, 4], [4, 2]], attrs: eq('ij,jk'), rng, order: 2 });
  await checkGrad('Einsum', { inputs: [['N', 3, 4], ['N', 4, 2]], attrs: eq('...ij,...jk'), rng, order: 2 });
  await checkGrad('Einsum', { inputs: [['N', 3, 4]], attrs: eq('bij->bji'), rng, order: 2 });
  await checkGrad('Einsum', { inputs: [['N', 3, 4], [4]], attrs: eq('bij,j->bi'), rng, order: 2 });
  await checkGrad('Einsum', { inputs: [['N', 3, 4]], attrs: eq('bij->bi'), rng, order: 2 });
  await checkGrad('Einsum', { inputs: [[5], [5]], attrs: eq('i,i'), rng, order: 2 });
  await checkGrad('Einsum', { inputs: [['N', 3], [3, 4], [4]], attrs: eq('ni,ij,j->n'), rng, order: 2 });
});

test('Einsum with a diagonal is refused by name', () => {
  const b = new GraphBuilder('diag');
  const x = b.input('x', 'float64', [3, 3]);
  const y = b.op('Einsum', [x], eq('ii->i'));
  const s = b.op('ReduceSum', [y], { keepdims: attr.int(0) });
  assert.throws(() => differentiate(b.build(), { of: s, wrt: [x] }), /equation 'ii->i': operand 0 repeats a letter; terrain differentiates Einsum without diagonals/);
});
