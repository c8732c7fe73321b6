import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zoomHalfWidth } from './zoom.js';

const grid = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

test('zoomHalfWidth: 3 × the vertex of a quadratic basin, found off the grid', () => {
  const lambdas = grid(-1, 1, 31);
  for (const bottom of [0.03, 0.11, 0.4]) {
    const loss = lambdas.map((l) => 0.5 + 4 * (l - bottom) ** 2);
    assert.ok(Math.abs(zoomHalfWidth({ lambdas, loss }) - 3 * bottom) <= 0.01 * 3 * bottom + 1e-12, `bottom ${bottom}`);
  }
});

test('zoomHalfWidth: ¼ when the lowest point is an end of the grid or the basin lies at λ ≤ 0', () => {
  const lambdas = grid(-1, 1, 21);
  assert.equal(zoomHalfWidth({ lambdas, loss: lambdas.map((l) => -l) }), 0.25);
  assert.equal(zoomHalfWidth({ lambdas, loss: lambdas.map((l) => (l + 0.3) ** 2) }), 0.25);
});

test('closerLookHalfWidth: another zoom only while the bottom is one or two grid steps from θ', async () => {
  const { closerLookHalfWidth } = await import('./zoom.js');
  const lambdas = grid(-0.06, 0.06, 31); // step 0.004
  const basin = (bottom: number) => lambdas.map((l) => 0.65 + 400 * (l - bottom) ** 2);
  const h = closerLookHalfWidth({ lambdas, loss: basin(0.0045) });
  assert.ok(h !== undefined && Math.abs(h - 3 * 0.0045) < 0.001, `half-width ${h}`);
  assert.equal(closerLookHalfWidth({ lambdas, loss: basin(0.02) }), undefined); // 5 steps away: resolved
  assert.equal(closerLookHalfWidth({ lambdas, loss: basin(0) }), undefined); // θ at the bottom: a v-basin, nothing to zoom
  assert.equal(closerLookHalfWidth({ lambdas, loss: basin(-0.005) }), undefined); // the other side
});
