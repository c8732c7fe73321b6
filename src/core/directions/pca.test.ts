import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamLayout, dot, norm, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { trajectoryPca } from './pca.js';

const P = 24;
const layout = new ParamLayout([{ name: 'w', shape: [4, 4] }, { name: 'b', shape: [8] }]);
const vec = (f: (i: number) => number): ParamVector => ({ layout, data: Float32Array.from({ length: P }, (_, i) => f(i)) });

test('a trajectory lying exactly in a known plane: ratios sum to 1, distances 0, coordinates recovered', () => {
  // a, b: orthonormal, overlapping supports, entries ±1/2 (exact in float32); the centre is dyadic too.
  const a = vec((i) => (i < 4 ? 0.5 : 0)), b = vec((i) => (i < 4 ? (i % 2 ? -0.5 : 0.5) : 0));
  const center = vec((i) => (i % 5) * 0.25 - 0.5);
  // Σx² = 20 ≫ Σy² = 4 and Σxy = 0, so the principal axes are a and b themselves.
  const xs = [-3, -1, 1, 3], ys = [1, -1, -1, 1];
  const points = xs.map((x, i) => vec((p) => center.data[p]! + x * a.data[p]! + ys[i]! * b.data[p]!));
  const r = trajectoryPca(points, center);
  assert.equal(r.directions.length, 2);
  assert.ok(Math.abs(r.explainedVarianceRatio[0]! - 20 / 24) < 1e-14, `${r.explainedVarianceRatio}`);
  assert.ok(Math.abs(r.explainedVarianceRatio[1]! - 4 / 24) < 1e-14);
  assert.ok(Math.abs(r.explainedVarianceRatio[0]! + r.explainedVarianceRatio[1]! - 1) < 1e-14);
  r.distances.forEach((d, i) => assert.ok(d < 1e-14, `distance ${i} = ${d}`));
  // sign convention: the first point has positive coordinates
  const sx = Math.sign(xs[0]!), sy = Math.sign(ys[0]!);
  r.coordinates.forEach(([x, y], i) => {
    assert.ok(Math.abs(x! - sx * xs[i]!) < 1e-13, `x${i} ${x}`);
    assert.ok(Math.abs(y! - sy * ys[i]!) < 1e-13, `y${i} ${y}`);
  });
  assert.ok(Math.abs(dot(r.directions[0]!, a) * sx - 1) < 1e-7 && Math.abs(dot(r.directions[1]!, b) * sy - 1) < 1e-7);
});

test('a random plane through the centre: distances ≈ 0 up to float32 rounding of the points', () => {
  const rng = createRng(4);
  const a = vec(() => rng.normal()), b = vec(() => rng.normal()), center = vec(() => rng.normal());
  const points = Array.from({ length: 9 }, () => {
    const x = rng.normal(), y = rng.normal();
    return vec((p) => center.data[p]! + x * a.data[p]! + y * b.data[p]!);
  });
  const r = trajectoryPca(points, center);
  const scale = Math.sqrt(r.totalSquaredDistance);
  r.distances.forEach((d) => assert.ok(d < 1e-6 * scale, `distance ${d}`));
  assert.ok(Math.abs(r.explainedVarianceRatio[0]! + r.explainedVarianceRatio[1]! - 1) < 1e-12);
  assert.ok(Math.abs(dot(r.directions[0]!, r.directions[1]!)) < 1e-6);
  r.directions.forEach((u) => assert.ok(Math.abs(norm(u) - 1) < 1e-6));
});

test('3-D cloud: identities between the Gram route and direct projections', () => {
  const rng = createRng(8);
  const center = vec(() => rng.normal());
  const basis = [0, 1, 2].map(() => vec(() => rng.normal()));
  const points = Array.from({ length: 12 }, () => {
    const c = [3 * rng.normal(), rng.normal(), 0.3 * rng.normal()];
    return vec((p) => center.data[p]! + c.reduce((s, ck, k) => s + ck * basis[k]!.data[p]!, 0));
  });
  const r = trajectoryPca(points, center);
  // Σ coordinates² along u_k = λ_k = σ_k², and Σ distances² = total − λ_1 − λ_2 (the third component)
  for (let k = 0; k < 2; k++) {
    const s = r.coordinates.reduce((acc, xy) => acc + xy[k]! ** 2, 0);
    assert.ok(Math.abs(s - r.singularValues[k]! ** 2) < 1e-10 * r.totalSquaredDistance);
  }
  const rest = r.distances.reduce((acc, d) => acc + d * d, 0);
  const third = r.totalSquaredDistance * (1 - r.explainedVarianceRatio[0]! - r.explainedVarianceRatio[1]!);
  assert.ok(third > 0.001 * r.totalSquaredDistance, 'the cloud is really 3-D');
  assert.ok(Math.abs(rest - third) < 1e-9 * r.totalSquaredDistance, `${rest} vs ${third}`);
});

test('degenerate trajectories', () => {
  const center = vec(() => 0), a = vec((i) => (i === 3 ? 1 : 0));
  const line = trajectoryPca([1, 2, -1].map((x) => vec((p) => x * a.data[p]!)), center);
  assert.equal(line.directions.length, 1, 'a line spans one dimension');
  assert.ok(Math.abs(line.explainedVarianceRatio[0]! - 1) < 1e-15);
  assert.throws(() => trajectoryPca([center], center), /all 1 points equal the centre/);
  assert.throws(() => trajectoryPca([], center), /no points/);
});
