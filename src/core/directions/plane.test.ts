import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamLayout, dot, norm, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { cosine, orthogonalize } from './plane.js';

const layout = new ParamLayout([{ name: 'w', shape: [10, 10] }, { name: 'b', shape: [10] }]);
const rng = createRng(2);
const random = (): ParamVector => ({ layout, data: Float32Array.from({ length: layout.size }, () => rng.normal()) });

test('orthogonalize: y ⟂ x, ‖y‖ kept, y stays in span{x, y} on the same side', () => {
  const x = random(), y0 = random();
  const y = { layout, data: y0.data.map((v, i) => v + 0.7 * x.data[i]!) }; // strongly correlated with x
  const o = orthogonalize(x, y);
  assert.ok(Math.abs(cosine(x, o)) < 1e-6, `cos ${cosine(x, o)}`);
  assert.ok(Math.abs(norm(o) - norm(y)) < 1e-6 * norm(y));
  // o = α(y − c x) for α > 0: removing the x component from y leaves a vector parallel to o
  const c = dot(x, y) / dot(x, x);
  const r = { layout, data: y.data.map((v, i) => v - c * x.data[i]!) };
  assert.ok(cosine(o, r) > 1 - 1e-6);
  assert.ok(cosine(o, y) > 0);
});

test('cosine of simple vectors', () => {
  const small = new ParamLayout([{ name: 'v', shape: [2] }]);
  const v = (a: number, b: number): ParamVector => ({ layout: small, data: Float32Array.of(a, b) });
  assert.ok(Math.abs(cosine(v(1, 0), v(1, 1)) - Math.SQRT1_2) < 1e-15);
  assert.equal(cosine(v(1, 0), v(0, 3)), 0);
  assert.equal(cosine(v(0, 0), v(0, 3)), 0);
  assert.deepEqual([...orthogonalize(v(1, 0), v(3, 4)).data], [0, 5]);
});

test('orthogonalize refuses zero and parallel directions', () => {
  const x = random(), zero = { layout, data: new Float32Array(layout.size) };
  assert.throws(() => orthogonalize(zero, x), /x direction is zero/);
  assert.throws(() => orthogonalize(x, zero), /y direction is zero/);
  assert.throws(() => orthogonalize(x, { layout, data: x.data.map((v) => -2 * v) }), /parallel to x \(cosine -1\.0+\)/);
});
