import { test } from 'node:test';
import assert from 'node:assert/strict';
import { children, coarseCells, interpolate, newNodes, refineGrid } from './refine.js';

/** Runs refineGrid on f over an nx × ny grid, counting what it evaluates. */
async function run(nx: number, ny: number, f: (i: number, j: number) => number, target: number) {
  const values = new Map<number, number>();
  const calls: number[][] = [];
  const outcome = await refineGrid(nx, ny, { kind: 'absolute', value: target },
    async (indices) => { calls.push(indices); for (const k of indices) { assert.ok(!values.has(k), `index ${k} evaluated twice`); values.set(k, f(k % nx, Math.floor(k / nx))); } },
    (k) => ({ loss: values.get(k)!, accuracy: 1 - values.get(k)! / 100 }));
  return { outcome, calls, values };
}

test('cells split at integer midpoints; a cell\'s new nodes are its edge midpoints and centre', () => {
  const c = { i0: 0, i1: 4, j0: 2, j1: 4 };
  assert.deepEqual(children(c), [{ i0: 0, i1: 2, j0: 2, j1: 3 }, { i0: 2, i1: 4, j0: 2, j1: 3 }, { i0: 0, i1: 2, j0: 3, j1: 4 }, { i0: 2, i1: 4, j0: 3, j1: 4 }]);
  assert.deepEqual(newNodes(c).sort(), [[0, 3], [2, 2], [2, 3], [2, 4], [4, 3]].sort());
  assert.deepEqual(newNodes({ i0: 3, i1: 5, j0: 0, j1: 0 }), [[4, 0]], 'a curve cell has one new node');
  const coarse = coarseCells({ i0: 0, i1: 50, j0: 0, j1: 0 }, 7, 1);
  assert.ok(coarse.every((k) => k.i1 - k.i0 <= 7));
  assert.deepEqual([coarse[0]!.i0, coarse.at(-1)!.i1], [0, 50]);
  assert.equal(interpolate({ i0: 0, i1: 2, j0: 0, j1: 2 }, 1, 1, (i, j) => 10 * i + j), 11);
});

test('a bilinear landscape is recovered from the coarse lattice and one check, every interpolated node exact', async () => {
  const f = (i: number, j: number) => 2 + 0.5 * i - 0.25 * j + 0.01 * i * j;
  const { outcome } = await run(33, 17, f, 1e-9);
  assert.equal(outcome.evaluated, 17 * 17, 'the 9 × 9 coarse nodes and the midpoints of one check');
  assert.equal(outcome.levels, 2);
  for (let k = 0; k < 33 * 17; k++) {
    assert.ok(Math.abs(outcome.loss[k]! - f(k % 33, Math.floor(k / 33))) < 1e-9, `node ${k}`);
    assert.ok(outcome.bound[k]! <= 1e-9);
  }
});

test('a sharp basin is refined where it is and interpolated elsewhere, within a few targets of the truth', async () => {
  const f = (i: number, j: number) => 1 + 3 * Math.exp(-((i - 37) ** 2 + (j - 12) ** 2) / 8) + 0.001 * i;
  const target = 0.02;
  const { outcome, values } = await run(51, 41, f, target);
  assert.ok(outcome.evaluated < 0.6 * 51 * 41, `evaluated ${outcome.evaluated} of ${51 * 41}`);
  assert.ok(values.has(12 * 51 + 37), 'the basin\'s centre is measured');
  let worst = 0, far = 0, near = 0;
  for (let k = 0; k < 51 * 41; k++) {
    const i = k % 51, j = Math.floor(k / 51);
    if (!outcome.measured[k]) worst = Math.max(worst, Math.abs(outcome.loss[k]! - f(i, j)));
    if (outcome.measured[k]) { if ((i - 37) ** 2 + (j - 12) ** 2 < 64) near++; else far++; }
  }
  assert.ok(worst < 5 * target, `worst interpolation error ${worst}`);
  assert.ok(near / (Math.PI * 64) > 3 * (far / (51 * 41 - Math.PI * 64)), `measured density near the basin ${near}, far ${far}`);
});

test('a curve: the kink of a V is found; every measured value is reported as measured, with bound 0', async () => {
  const f = (i: number) => Math.abs(i - 27.3);
  const { outcome } = await run(101, 1, f, 0.01);
  assert.ok(outcome.measured[27] && outcome.measured[28], 'the nodes around the kink are measured');
  for (let i = 0; i < 101; i++) {
    if (outcome.measured[i]) assert.equal(outcome.bound[i], 0);
    assert.ok(Math.abs(outcome.loss[i]! - f(i)) <= 0.01 + 1e-12, `λ index ${i}`);
  }
  assert.ok(outcome.evaluated < 60, `evaluated ${outcome.evaluated} of 101`);
});

test('a relative target is resolved against the coarse lattice\'s range', async () => {
  const values = new Map<number, number>();
  const outcome = await refineGrid(49, 41, { kind: 'relative', percent: 1 },
    async (ks) => { for (const k of ks) values.set(k, (k % 49) + Math.floor(k / 49)); },
    (k) => ({ loss: values.get(k)!, accuracy: 0 }));
  assert.ok(Math.abs(outcome.target - 0.01 * (48 + 40)) < 1e-12, `target ${outcome.target}`);
});

test('non-finite values are refined around, never interpolated across', async () => {
  const f = (i: number, j: number) => (i > 40 && j > 30 ? Number.NaN : i + j);
  const { outcome } = await run(49, 41, f, 0.5);
  for (let k = 0; k < 49 * 41; k++) {
    const i = k % 49, j = Math.floor(k / 49);
    if (!outcome.measured[k] && Number.isFinite(outcome.loss[k]!)) assert.ok(Math.abs(outcome.loss[k]! - (i + j)) < 1e-9, `node ${i},${j}`);
  }
  for (const [i, j] of [[40, 30], [41, 31], [40, 35], [45, 30]]) assert.ok(outcome.measured[j! * 49 + i!], `the edge of the diverged region at ${i},${j} is measured`);
});

test('with errorOf, a node disagrees only by what exceeds its stated error', async () => {
  // Every new node of the first level sits 0.05 off the line through its corners.
  const value = (k: number) => ({ loss: k % 4 === 2 ? 0.05 : 0, accuracy: 0 });
  const seen: number[][] = [];
  const plain = await refineGrid(33, 1, { kind: 'absolute', value: 0.01 }, async (ks) => { seen.push(ks); }, value);
  assert.equal(plain.evaluated, 33, 'without errors: 0.05 > 0.01 refines down to single steps');
  const calls: [number, (readonly [number, number])[]][] = [];
  const noisy = await refineGrid(33, 1, { kind: 'absolute', value: 0.01 }, async () => {}, value, (node, terms) => { calls.push([node, [...terms]]); return 0.1; });
  assert.equal(noisy.evaluated, 17, 'within 2 errors of 0.05: the first level is accepted');
  assert.deepEqual(calls[0], [2, [[0, 0.5], [4, 0.5]]], 'the node and its interpolation\'s terms');
  assert.equal(noisy.bound[1], 0.05, 'the bound is still the disagreement seen');
});
