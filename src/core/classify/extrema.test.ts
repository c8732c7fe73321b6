import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findExtrema } from './extrema.js';
import { linspace } from '../../testing/analytic-curves.js';
import { createRng } from '../rng.js';

const grid = (n: number): number[] => linspace(0, 1, n);

test('minima of a small sequence, prominences worked out by hand', () => {
  //          0  1  2  3  4  5  6
  const v = [3, 1, 2, 0, 4, 2, 5];
  const minima = findExtrema(grid(v.length), v, 'min');
  assert.deepEqual(minima.map((m) => [m.index, m.prominence]), [
    [1, 1], // walls: left 3 (edge), right 2 (then 0 < 1) → min(3, 2) − 1
    [3, 3], // walls: left 3 (edge, nothing lower), right 5 (edge) → 3 − 0
    [5, 2], // walls: left 4 (then 0 < 2), right 5 (edge) → 4 − 2
  ]);
  const maxima = findExtrema(grid(v.length), v, 'max');
  assert.deepEqual(maxima.map((m) => [m.index, m.prominence]), [
    [2, 1], // saddles: left 1 (then 3 > 2), right 0 (then 4 > 2) → 2 − max(1, 0)
    [4, 2], // saddles: left 0 (edge side, nothing higher), right 2 (then 5 > 4) → 4 − max(0, 2)
  ]);
});

test('endpoints are never extrema: a curve falling to the edge has none', () => {
  const v = [5, 4, 3, 2, 1, 0];
  assert.equal(findExtrema(grid(v.length), v, 'min').length, 0);
  assert.equal(findExtrema(grid(v.length), v, 'max').length, 0);
});

test('a plateau counts once, at its middle, and a shelf (step) is no extremum', () => {
  const bowl = [4, 2, 1, 1, 1, 2, 4];
  const minima = findExtrema(grid(bowl.length), bowl, 'min');
  assert.equal(minima.length, 1);
  assert.deepEqual([minima[0]!.first, minima[0]!.index, minima[0]!.last, minima[0]!.prominence], [2, 3, 4, 3]);
  const shelf = [4, 3, 2, 2, 2, 1, 0];
  assert.equal(findExtrema(grid(shelf.length), shelf, 'min').length, 0);
});

// Reference by a different route: raise a water level from the minimum until the flooded stretch around it
// contains a lower point or reaches an edge of the interval; prominence = that level − the minimum's value.
function floodProminence(v: readonly number[], first: number, last: number): number {
  const levels = [...new Set(v)].filter((x) => x >= v[first]!).sort((a, b) => a - b);
  for (const level of levels) {
    let a = first, b = last;
    while (a - 1 >= 0 && v[a - 1]! <= level) a--;
    while (b + 1 < v.length && v[b + 1]! <= level) b++;
    const spills = a === 0 || b === v.length - 1 || v.slice(a, b + 1).some((x) => x < v[first]!);
    if (spills) return level - v[first]!;
  }
  throw new Error('unreachable: the highest level floods everything');
}

test('prominence matches the flooding definition on random sequences with ties', () => {
  const rng = createRng(42);
  for (let trial = 0; trial < 300; trial++) {
    const n = 3 + rng.int(40);
    const v = Array.from({ length: n }, () => rng.int(8)); // small alphabet: many plateaus
    for (const m of findExtrema(grid(n), v, 'min')) {
      assert.equal(m.prominence, floodProminence(v, m.first, m.last), `sequence ${v.join(',')} minimum at ${m.index}`);
    }
    const neg = v.map((x) => -x);
    for (const m of findExtrema(grid(n), v, 'max')) {
      assert.equal(m.prominence, floodProminence(neg, m.first, m.last), `sequence ${v.join(',')} maximum at ${m.index}`);
    }
  }
});
