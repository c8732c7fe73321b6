import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rayKind, surfaceRays, surfaceShape, type SurfaceGrid } from './surface-shape.js';

const grid = (f: (a: number, b: number) => number, n = 21, r = 2): SurfaceGrid => {
  const x = Array.from({ length: n }, (_, i) => -r + (2 * r * i) / (n - 1));
  return { x, y: x, loss: x.map((b) => x.map((a) => f(a, b))) };
};

test('analytic surfaces get their names', () => {
  assert.equal(surfaceShape(grid((a, b) => a * a + b * b)).shape, 'bowl');
  assert.equal(surfaceShape(grid((a, b) => b * b - a * a)).shape, 'other', 'a falling saddle never rises again along x');
  // A w-peak along x (minima at ±1) and a basin along y: saddle at the origin.
  assert.equal(surfaceShape(grid((a, b) => (a * a - 1) ** 2 + b * b)).shape, 'saddle');
  assert.equal(surfaceShape(grid((a, b) => a * a + (b * b - 1) ** 2)).shape, 'saddle');
  // Mexican hat: a ring of minima at radius 1 around a bump.
  const hat = surfaceShape(grid((a, b) => (a * a + b * b - 1) ** 2));
  assert.equal(hat.shape, 'wine-bottle');
  assert.deepEqual(hat.rays, Array(8).fill('dips'));
});

test('rays start at the grid point nearest the origin and run to the edge', () => {
  const s = grid((a, b) => 10 * a + b, 5, 2); // x = y = [-2, -1, 0, 1, 2]
  const rays = surfaceRays(s);
  assert.deepEqual(rays[0], [0, 10, 20]);
  assert.deepEqual(rays[3], [0, -1, -2]);
  assert.deepEqual(rays[4], [0, 11, 22]);
  assert.equal(rayKind([1, 0.5, 0.2], 0.01), 'falls');
  assert.equal(rayKind([1, 1, 1], 0.01), 'other');
  assert.equal(rayKind([1, 0.5, 0.9], 0.01), 'dips');
});
