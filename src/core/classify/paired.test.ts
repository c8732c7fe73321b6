import { test } from 'node:test';
import assert from 'node:assert/strict';
import { psdFactor, symmetricEigen } from './psd.js';
import { combinationStderr, lossCovariance, pairedStderr, pairFromCovariance, type PairedPoint } from './paired.js';

// Brute force: every ordering of a small population (the shared permutation), the exact variance of the difference
// of two prefix means, against the paired error's estimate averaged over the same orderings (it is unbiased).
const A = [0.3, 1.9, 0.7, 2.4, 1.1, 0.2];
const B = [0.5, 1.2, 0.9, 2.9, 0.4, 0.8];
const N = A.length;

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) out.push([...p.slice(0, k), n - 1, ...p.slice(k)]);
  return out;
}
const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
const sampleVar = (v: number[]): number => { const m = mean(v); return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1); };
const point = (values: number[], order: number[], n: number): PairedPoint => {
  const losses = order.slice(0, n).map((k) => values[k]!);
  return { samples: n, variance: n > 1 ? sampleVar(losses) : Infinity, losses: n >= N ? undefined : losses };
};

for (const [na, nb] of [[3, 3], [4, 2], [5, 3], [2, 5], [6, 3], [6, 6]] as const) {
  test(`paired error, ${na} and ${nb} of ${N} samples: unbiased for the exact variance over all orderings (finite population)`, () => {
    const orders = permutations(N);
    const diffs: number[] = [];
    let estimate = 0;
    for (const o of orders) {
      diffs.push(mean(o.slice(0, na).map((k) => A[k]!)) - mean(o.slice(0, nb).map((k) => B[k]!)));
      estimate += pairedStderr(point(A, o, na), point(B, o, nb), N) ** 2;
    }
    const m = mean(diffs);
    const exact = diffs.reduce((s, d) => s + (d - m) ** 2, 0) / diffs.length;
    assert.ok(Math.abs(estimate / orders.length - exact) <= 1e-12 + 1e-9 * exact, `mean estimate ${estimate / orders.length} vs exact ${exact}`);
    // The population formula (S² with N − 1) says the same: S_a²(1/na − 1/N) + S_b²(1/nb − 1/N) − 2 S_ab (1/max − 1/N).
    const Sab = A.reduce((s, a, k) => s + (a - mean(A)) * (B[k]! - mean(B)), 0) / (N - 1);
    const formula = sampleVar(A) * (1 / na - 1 / N) + sampleVar(B) * (1 / nb - 1 / N) - 2 * Sab * (1 / Math.max(na, nb) - 1 / N);
    assert.ok(Math.abs(formula - exact) <= 1e-12, `formula ${formula} vs exact ${exact}`);
  });
}

test('paired error of correlated points is far below the independent one; the whole split is exact', () => {
  const o = [3, 0, 5, 1, 4, 2];
  const a = point(A, o, 4), b = point(A.map((x) => x + 0.01 * x * x), o, 4);
  const se = (p: PairedPoint): number => Math.sqrt(p.variance * (1 / p.samples - 1 / N));
  assert.ok(pairedStderr(a, b, N) < 0.1 * Math.hypot(se(a), se(b)));
  assert.equal(pairedStderr(point(A, o, 6), point(B, o, 6), N), 0);
  assert.equal(pairedStderr(point(A, o, 6), b, N), se(b));
  assert.throws(() => pairedStderr({ samples: 3, variance: 1 }, { samples: 2, variance: 1 }, N), /needs the per-sample losses/);
});

test('covariance gives back every paired error, and its factor reproduces it', () => {
  const o = [1, 4, 0, 3, 5, 2];
  const pts = [point(A, o, 4), point(B, o, 2), point(A.map((x, k) => x + B[k]!), o, 6), point(B.map((x) => x * x), o, 3)];
  const se = pts.map((p) => (p.samples >= N ? 0 : Math.sqrt(p.variance * (1 / p.samples - 1 / N))));
  const c = lossCovariance(pts, se, N);
  const pair = pairFromCovariance(c);
  for (let i = 0; i < pts.length; i++) for (let j = 0; j < pts.length; j++) {
    if (i !== j) assert.ok(Math.abs(pair(i, j) - pairedStderr(pts[i]!, pts[j]!, N)) < 1e-12);
  }
  const spd = [[4, 2, 0.4], [2, 3, 0.1], [0.4, 0.1, 2]];
  const L = psdFactor(spd);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    const v = L[i]!.reduce((s, x, k) => s + x * L[j]![k]!, 0);
    assert.ok(Math.abs(v - spd[i]![j]!) < 1e-12);
  }
});

test('the error of a combination (node − interpolation of corners) is unbiased over all orderings', () => {
  const C = A.map((a, k) => 0.5 * (a + B[k]!) + 0.1 * k);
  const terms = [[A, 5, 1], [B, 3, -0.25], [C, 4, -0.75]] as const;
  const orders = permutations(N);
  const values: number[] = [];
  let estimate = 0;
  for (const o of orders) {
    values.push(terms.reduce((s, [v, n, a]) => s + a * mean(o.slice(0, n).map((k) => v[k]!)), 0));
    const parts = terms.map(([v, n, a]) => { const p = point([...v], o, n); return { point: p, stderr: Math.sqrt(p.variance * (1 / n - 1 / N)), coefficient: a }; });
    estimate += combinationStderr(parts, N) ** 2;
  }
  const m = mean(values);
  const exact = values.reduce((s, d) => s + (d - m) ** 2, 0) / values.length;
  // Clamping at 0 could bias it upwards; here the estimate stays positive, so the mean must match exactly.
  assert.ok(Math.abs(estimate / orders.length - exact) <= 1e-9 * exact, `mean estimate ${estimate / orders.length} vs exact ${exact}`);
});

test('the PSD factor drops an indefinite estimate\'s negative direction and keeps the rest', () => {
  // Eigenvalues 3 and −1 along (1, 1)/√2 and (1, −1)/√2.
  const { values } = symmetricEigen([[1, 2], [2, 1]]);
  assert.deepEqual(values.map((v) => Math.round(v * 1e12) / 1e12).sort((a, b) => a - b), [-1, 3]);
  const F = psdFactor([[1, 2], [2, 1]]);
  const FFt = [0, 1].map((i) => [0, 1].map((j) => F[i]![0]! * F[j]![0]! + F[i]![1]! * F[j]![1]!));
  for (const row of FFt) for (const x of row) assert.ok(Math.abs(x - 1.5) < 1e-12, `F·Fᵀ = ${JSON.stringify(FFt)}`);
});
