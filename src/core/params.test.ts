import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamLayout, zeros, view, toTensors, fromTensors, axpy, combine, dot, norm, tensorNorms, filterNorms, sub, cosine } from './params.js';

const layout = new ParamLayout([
  { name: 'conv.weight', shape: [2, 1, 2, 2] },
  { name: 'conv.bias', shape: [2] },
  { name: 'fc.weight', shape: [3, 2] },
]);

function filled(): ReturnType<typeof zeros> {
  const p = zeros(layout);
  p.data.forEach((_, i) => (p.data[i] = i + 1));
  return p;
}

test('layout offsets, sizes and filters', () => {
  assert.equal(layout.size, 8 + 2 + 6);
  assert.deepEqual(layout.slots.map((s) => [s.offset, s.size, s.filters]), [[0, 8, 2], [8, 2, 0], [10, 6, 3]]);
  assert.throws(() => layout.slot('nope'), /no parameter named 'nope'/);
});

test('views and tensors share memory with the vector', () => {
  const p = filled();
  view(p, 'conv.bias')[0] = 100;
  assert.equal(p.data[8], 100);
  const t = toTensors(p).get('fc.weight')!;
  assert.deepEqual(t.dims, [3, 2]);
  assert.deepEqual([...t.data], [11, 12, 13, 14, 15, 16]);
  const back = fromTensors(layout, toTensors(p));
  assert.deepEqual([...back.data], [...p.data]);
});

test('vector math matches the formulas', () => {
  const p = filled();
  const q = axpy(-1, p, p);
  assert.equal(norm(q), 0);
  const n2 = Array.from({ length: 16 }, (_, i) => (i + 1) ** 2).reduce((a, b) => a + b);
  assert.equal(dot(p, p), n2);
  const c = combine(p, [[2, p], [-1, p]]);
  assert.deepEqual([...sub(c, p).data], [...p.data]); // p + 2p − p − p = p
  assert.ok(Math.abs(cosine(p, c) - 1) < 1e-12);
  const tn = tensorNorms(p);
  assert.ok(Math.abs(tn[1]! - Math.hypot(9, 10)) < 1e-12);
  const fn = filterNorms(p, 'conv.weight');
  assert.ok(Math.abs(fn[0]! - Math.hypot(1, 2, 3, 4)) < 1e-12);
  assert.ok(Math.abs(fn[1]! - Math.hypot(5, 6, 7, 8)) < 1e-12);
  assert.throws(() => filterNorms(p, 'conv.bias'), /no output filters/);
});

test('mismatched layouts are named', () => {
  const other = new ParamLayout([{ name: 'conv.weight', shape: [2, 1, 2, 2] }]);
  assert.throws(() => dot(filled(), zeros(other)), /8 entries, the model has 16 parameters/);
});
