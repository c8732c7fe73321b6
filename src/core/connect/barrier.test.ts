import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barrierOf, barrierReduction } from './barrier.js';
import { controlWeights } from './geometry.js';
import { tGrid } from './geometry.js';

// A tilted double well L(x) = (x² − 1)² + s·x: minima near ±1, a hump near 0. The straight path from A = −1 to
// B = +1 has the barrier max L − max(L(−1), L(1)) with the maximum at the root of L'(x) = 4x(x² − 1) + s near 0.
const s = 0.25;
const L = (x: number): number => (x * x - 1) ** 2 + s * x;

function closedFormBarrier(): { height: number; x: number } {
  let x = 0;
  for (let i = 0; i < 50; i++) x -= (4 * x * (x * x - 1) + s) / (12 * x * x - 4); // Newton on L'
  return { height: L(x) - Math.max(L(-1), L(1)), x };
}

test('barrier of a synthetic double well matches its closed form', () => {
  const ts = tGrid(20001);
  const b = barrierOf(ts, ts.map((t) => L(-1 + 2 * t)));
  const want = closedFormBarrier();
  assert.ok(Math.abs(b.height - want.height) < 1e-7, `${b.height} vs ${want.height}`);
  assert.ok(Math.abs(-1 + 2 * b.t - want.x) < 2e-4, `argmax x ${-1 + 2 * b.t} vs ${want.x}`);
  assert.equal(b.ends, L(1));
});

test('a Bézier path around the hump of a ring-shaped valley has a lower barrier than the line', () => {
  // L(x, y) = (x² + y² − 1)²: A = (−1, 0) and B = (1, 0) lie on the valley's floor, the line crosses the hump at
  // the origin (barrier exactly 1); the bend (0, 2) puts φ(½) = (0, 1) on the floor.
  const ring = (x: number, y: number) => (x * x + y * y - 1) ** 2;
  const ts = tGrid(101);
  const line = barrierOf(ts, ts.map((t) => ring(-1 + 2 * t, 0)));
  assert.equal(line.height, 1);
  assert.equal(line.t, 0.5);
  const curve = barrierOf(ts, ts.map((t) => {
    const [w0, w1, w2] = controlWeights('bezier', 1, t) as [number, number, number];
    return ring(-w0 + w2, 2 * w1);
  }));
  assert.ok(curve.height < 0.2 && curve.height > 0, `curve barrier ${curve.height}`);
  assert.ok(barrierReduction(line.height, curve.height) > 0.8);
});

test('no barrier when the path never rises above its ends; non-finite losses', () => {
  assert.equal(barrierOf([0, 0.5, 1], [2, 1, 3]).height, 0);
  assert.equal(barrierOf([0, 0.5, 1], [1, Number.NaN, 1]).height, Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(barrierReduction(0, 0)));
  assert.throws(() => barrierOf([0, 1], [1]), /equally many/);
});
