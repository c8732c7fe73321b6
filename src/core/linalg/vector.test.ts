import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { gaussianVector, rademacherVector } from './random.js';
import {
  add, axpy, axpyInPlace, dot, median, norm, normalise, normaliseInPlace, orthogonalise, orthogonaliseInPlace,
  orthonormalise, scale, scaleInPlace, subtract,
} from './vector.js';

test('dot, norm, scale, axpy, add, subtract on small exact cases', () => {
  const a = Float64Array.from([1, 2, 2]), b = Float64Array.from([3, 0, -4]);
  assert.equal(dot(a, b), -5);
  assert.equal(norm(a), 3);
  assert.deepEqual([...scale(a, 2)], [2, 4, 4]);
  assert.deepEqual([...axpy(2, a, b)], [5, 4, 0]);
  assert.deepEqual([...add(a, b)], [4, 2, -2]);
  assert.deepEqual([...subtract(a, b)], [-2, 2, 6]);
  assert.deepEqual([...a], [1, 2, 2], 'pure helpers leave their inputs alone');
  assert.deepEqual([...b], [3, 0, -4]);
});

test('in-place helpers mutate and return their target', () => {
  const y = Float64Array.from([1, 1]);
  assert.equal(axpyInPlace(3, Float64Array.from([1, 2]), y), y);
  assert.deepEqual([...y], [4, 7]);
  assert.equal(scaleInPlace(y, 0.5), y);
  assert.deepEqual([...y], [2, 3.5]);
  const v = Float64Array.from([0, 3, 4]);
  assert.equal(normaliseInPlace(v), 5);
  [0, 0.6, 0.8].forEach((x, i) => assert.ok(Math.abs(v[i]! - x) < 1e-15));
});

test('norm does not overflow or underflow', () => {
  assert.ok(Math.abs(norm([3e200, 4e200]) / 5e200 - 1) < 1e-15);
  assert.ok(Math.abs(norm([3e-200, 4e-200]) / 5e-200 - 1) < 1e-15);
});

test('errors name the lengths and the zero vector', () => {
  assert.throws(() => dot([1, 2], [1]), /dot: vectors differ in length \(2 vs 1\)/);
  assert.throws(() => normalise([0, 0]), /finite nonzero vector, got norm 0/);
});

test('orthogonalise removes the span of an orthonormal basis; orthonormalise drops dependent vectors', () => {
  const rng = createRng(1);
  const n = 50;
  const raw = Array.from({ length: 6 }, () => gaussianVector(rng, n));
  raw.push(axpy(2, raw[0]!, raw[3]!)); // dependent on earlier vectors
  const basis = orthonormalise(raw);
  assert.equal(basis.length, 6);
  for (let i = 0; i < basis.length; i++) {
    for (let j = 0; j < basis.length; j++) {
      assert.ok(Math.abs(dot(basis[i]!, basis[j]!) - (i === j ? 1 : 0)) < 1e-14);
    }
  }
  const v = gaussianVector(rng, n);
  const w = orthogonalise(v, basis);
  for (const b of basis) assert.ok(Math.abs(dot(w, b)) < 1e-14);
  // v − w lies in the span: orthogonalising it again leaves ~nothing.
  assert.ok(norm(orthogonaliseInPlace(subtract(v, w), basis)) < 1e-13);
});

test('orthogonalisation stays accurate against nearly parallel vectors (why it runs twice)', () => {
  const n = 40;
  const e = new Float64Array(n); e[0] = 1;
  const nearlyParallel = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 1e-9 * Math.sin(i)));
  const w = orthogonalise(nearlyParallel, [e]);
  assert.ok(Math.abs(dot(normalise(w), e)) < 1e-15);
});

test('random vectors: Rademacher entries are ±1, Gaussian ones have unit variance', () => {
  const rng = createRng(2);
  const r = rademacherVector(rng, 10000);
  assert.ok(r.every((x) => x === 1 || x === -1));
  assert.ok(Math.abs(r.reduce((s, x) => s + x, 0)) < 400);
  const g = gaussianVector(rng, 10000);
  assert.ok(Math.abs(dot(g, g) / 10000 - 1) < 0.05);
});

test('median: middle value, mean of the two middle values for an even count, unsorted input left as it is', () => {
  const odd = [5, -1, 3];
  assert.equal(median(odd), 3);
  assert.deepEqual(odd, [5, -1, 3]);
  assert.equal(median(Float64Array.of(4, 1, 3, 2)), 2.5);
  assert.throws(() => median([]), /median of no values/);
});
