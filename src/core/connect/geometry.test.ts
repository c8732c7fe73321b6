import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamLayout, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { controlWeights, curvePoint, initialBends, linePoint, tGrid, type CurveKind } from './geometry.js';

const layout = new ParamLayout([{ name: 'w', shape: [3, 4] }, { name: 'b', shape: [5] }]);
function randomVector(seed: number): ParamVector {
  const rng = createRng(seed);
  return { layout, data: Float32Array.from({ length: layout.size }, () => rng.normal()) };
}
const [A, B, T1, T2] = [1, 2, 3, 4].map(randomVector) as [ParamVector, ParamVector, ParamVector, ParamVector];

for (const kind of ['bezier', 'polychain'] as CurveKind[]) {
  for (const bends of [[T1], [T1, T2]]) {
    test(`${kind} with ${bends.length} bend(s): φ(0) = A and φ(1) = B exactly, weights sum to 1`, () => {
      const controls = [A, ...bends, B];
      assert.deepEqual(curvePoint(kind, controls, 0).data, A.data);
      assert.deepEqual(curvePoint(kind, controls, 1).data, B.data);
      for (const t of [0, 0.13, 0.5, 0.77, 1]) {
        const w = controlWeights(kind, bends.length, t);
        assert.ok(Math.abs(w.reduce((s, x) => s + x, 0) - 1) < 1e-12, `Σw at t=${t}`);
        assert.ok(w.every((x) => x >= 0));
      }
    });
  }
}

test('bezier with one bend is (1−t)²A + 2t(1−t)θ + t²B', () => {
  for (const t of [0.1, 0.5, 0.9]) {
    const p = curvePoint('bezier', [A, T1, B], t);
    for (let i = 0; i < layout.size; i++) {
      const want = (1 - t) ** 2 * A.data[i]! + 2 * t * (1 - t) * T1.data[i]! + t ** 2 * B.data[i]!;
      assert.ok(Math.abs(p.data[i]! - want) <= 1e-6 * (1 + Math.abs(want)), `t=${t} entry ${i}`);
    }
  }
});

test('polychain passes through its bends at t = j/(k+1) and is linear between nodes', () => {
  assert.deepEqual(curvePoint('polychain', [A, T1, T2, B], 1 / 3).data, T1.data);
  assert.deepEqual(curvePoint('polychain', [A, T1, T2, B], 2 / 3).data, T2.data);
  const mid = curvePoint('polychain', [A, T1, T2, B], 0.5).data;
  for (let i = 0; i < layout.size; i++) assert.ok(Math.abs(mid[i]! - 0.5 * (T1.data[i]! + T2.data[i]!)) < 1e-6);
});

test('bends initialised on the segment make the Bézier curve the straight line (Garipov et al.\'s start)', () => {
  for (const k of [1, 2, 3]) {
    const controls = [A, ...initialBends(A, B, k), B];
    for (const t of [0.2, 0.5, 0.7]) {
      const p = curvePoint('bezier', controls, t).data, l = linePoint(A, B, t).data;
      for (let i = 0; i < layout.size; i++) assert.ok(Math.abs(p[i]! - l[i]!) < 1e-5, `k=${k} t=${t} entry ${i}: ${p[i]} vs ${l[i]}`);
    }
  }
});

test('t grid and bad arguments', () => {
  assert.deepEqual(tGrid(5), [0, 0.25, 0.5, 0.75, 1]);
  assert.throws(() => controlWeights('bezier', 0, 0.5), /at least one bend/);
  assert.throws(() => controlWeights('bezier', 1, 1.5), /\[0, 1\]/);
  assert.throws(() => tGrid(1), /≥ 2/);
});
