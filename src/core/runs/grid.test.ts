import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGridSize, MAX_GRID_POINTS, parseRange, RangeError_ } from './grid.js';

test('grids up to MAX_GRID_POINTS pass; one more point is refused naming the flags and the product', () => {
  assert.equal(MAX_GRID_POINTS, 1000 * 1000);
  checkGridSize([parseRange('-1:1:1000'), parseRange('-1:1:1000')], ['--x-range', '--y-range']);
  checkGridSize([parseRange('-1:1:100000')], ['--range']);
  assert.throws(() => checkGridSize([parseRange('-1:1:1001'), parseRange('-1:1:1000')], ['--x-range', '--y-range']),
    (e: Error) => e instanceof RangeError_ && e.message.startsWith('--x-range × --y-range is 1,001 × 1,000 = 1,001,000 points, more than the 1,000,000-point limit of one run'));
  assert.throws(() => parseRange('-1:1:100001'), RangeError_);
});
