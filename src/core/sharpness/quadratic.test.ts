// The sharpness measures on quadratics L(θ + y) = c + gᵀy + ½ yᵀHy, where each has a closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectParams } from '../directions/param-subset.js';
import { symmetricWithSpectrum } from '../linalg/dense.js';
import { dot } from '../linalg/vector.js';
import { restrict } from '../hessian/operator.js';
import { createRng } from '../rng.js';
import { boxHalfWidths, epsilonSharpness } from './epsilon-sharpness.js';
import { diagonal, quadratic } from '../../testing/sharpness-fixture.js';
import { gaussianDirections, sharpnessMeasures } from './measures.js';
import { basinWidth, lossIncreaseAtRadius } from './random-directions.js';

const ROWS = 3;
// θ: [3, 4] weight + [3] bias = 15 entries at different scales.
const theta = Float32Array.from({ length: 15 }, (_, i) => (i % 2 ? 1 : -1) * (0.2 + 0.15 * i));
const h = Float64Array.from({ length: 15 }, (_, i) => 0.5 + ((i * 7) % 15) * 0.4); // positive, λ_max = 6.1
const near = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${what}: ${got} vs ${want} (relative error ${(Math.abs(got - want) / Math.abs(want)).toExponential(2)} > ${rel})`);

test('ε-sharpness at a minimum (g = 0, diagonal H): ½ Σ h_i b_i² with b_i = ε(|θ_i| + 1), within 1%', async () => {
  const q = quadratic(theta, ROWS, h);
  const eps = 1e-3;
  const b = boxHalfWidths(q.surface.theta, eps);
  const closed = 0.5 * h.reduce((s, hi, i) => s + hi * b[i]! ** 2, 0);
  const r = await epsilonSharpness(q.surface, { epsilon: eps, steps: 10, rng: createRng(1) });
  near(r.increase, closed, 0.01, 'max increase');
  near(r.keskar, (100 * closed) / (1 + 1), 0.01, "Keskar's relative figure (L(θ) = 1)");
  assert.equal(r.gradients, 10);
});

test('ε-sharpness with a gradient (|g_i| > h_i b_i): Σ |g_i| b_i + ½ h_i b_i², within 1%', async () => {
  const g = Float64Array.from({ length: 15 }, (_, i) => (i % 3 === 0 ? -1 : 1) * (0.05 + 0.01 * i));
  const q = quadratic(theta, ROWS, h, g);
  const eps = 5e-3;
  const b = boxHalfWidths(q.surface.theta, eps);
  const closed = h.reduce((s, hi, i) => s + Math.abs(g[i]!) * b[i]! + 0.5 * hi * b[i]! ** 2, 0);
  const r = await epsilonSharpness(q.surface, { epsilon: eps, steps: 20, restarts: 2, rng: createRng(2) });
  near(r.increase, closed, 0.01, 'max increase');
  assert.equal(r.restarts.length, 2);
});

test('ε-sharpness with a full H: never above the best box vertex, within 5% of it; only the --params tensors move', async () => {
  const n = 8, rows = 2;
  const { matrix } = symmetricWithSpectrum([3, 2, 1.5, 1, 0.5, 0.2, 0.1, 0.05], createRng(3));
  const th = Float32Array.from({ length: n }, (_, i) => 0.3 * (i - 3));
  const q = quadratic(th, rows, matrix);
  const eps = 1e-2;
  const b = boxHalfWidths(q.surface.theta, eps);
  let best = -Infinity;
  for (let mask = 0; mask < 1 << n; mask++) {
    const y = Float64Array.from(b, (bi, i) => ((mask >> i) & 1 ? bi : -bi));
    best = Math.max(best, 0.5 * dot(y, Array.from({ length: n }, (_, i) => dot(matrix.data.subarray(i * n, (i + 1) * n), y))));
  }
  const r = await epsilonSharpness(q.surface, { epsilon: eps, steps: 20, restarts: 4, rng: createRng(4) });
  assert.ok(r.increase <= best * (1 + 1e-6), `${r.increase} above the maximum ${best}`);
  assert.ok(r.increase >= 0.95 * best, `${r.increase} < 95% of the maximum ${best}`);
  const sel = selectParams(q.surface.theta.layout, 'bias');
  const hb = boxHalfWidths(q.surface.theta, eps, sel);
  assert.deepEqual([...hb.subarray(0, 6)], [0, 0, 0, 0, 0, 0]);
  assert.ok(hb[6]! > 0 && hb[7]! > 0);
});

test('loss increase at radius r and basin width along directions: ½ r² dᵀHd and 2 √(2δ / dᵀHd)', async () => {
  const q = quadratic(theta, ROWS, h);
  const dirs = gaussianDirections(q.surface.theta, 5, 6, 'filter');
  const kappa = dirs.map((d) => dot(d.data, Array.from(d.data, (v, i) => h[i]! * v)));
  const r = 0.3;
  const inc = await lossIncreaseAtRadius(q.surface, dirs, r);
  inc.increases.forEach((v, i) => near(v, 0.5 * r * r * kappa[i]!, 1e-5, `increase ${i}`));
  near(inc.mean, kappa.reduce((s, k) => s + 0.5 * r * r * k, 0) / kappa.length, 1e-5, 'mean');
  assert.ok(inc.stderr > 0);
  const delta = 0.05;
  const w = await basinWidth(q.surface, dirs, { delta, maxLambda: 2, gridSteps: 20, bisections: 30 });
  w.directions.forEach((d, i) => near(d.width, 2 * Math.sqrt((2 * delta) / kappa[i]!), 1e-5, `width ${i}`));
  assert.equal(w.censored, 0);
  // A search range that ends inside the basin: every side censored at the range's end.
  const short = await basinWidth(q.surface, dirs, { delta: 100, maxLambda: 0.5, gridSteps: 4, bisections: 10 });
  assert.equal(short.censored, 12);
  assert.ok(short.directions.every((d) => d.width === 1));
});

test('sharpnessMeasures: λ_max and tr(H)/P of a diagonal H exactly (Rademacher probes see the trace without error)', async () => {
  const q = quadratic(theta, ROWS, h);
  const m = await sharpnessMeasures(q.surface, q.hessian, {
    seed: 0, traceSamples: 8, epsilon: { epsilon: 1e-3, steps: 5, restarts: 1 }, directions: { count: 4, radius: 0.2, norm: 'filter' },
    basin: { delta: 0.05, maxLambda: 2, gridSteps: 10, bisections: 20 },
  });
  near(m.lambdaMax.value, Math.max(...h), 1e-6, 'λ_max');
  assert.ok(m.lambdaMax.residual < 1e-6);
  near(m.traceOverP.mean, h.reduce((s, v) => s + v, 0) / 15, 1e-12, 'tr(H)/P');
  assert.equal(m.traceOverP.stderr, 0);
  assert.equal(m.parameters, 15);
  assert.equal(m.loss, 1);
  // A subset: the operator's block and the directions inside the subset.
  const sel = selectParams(q.surface.theta.layout, 'weight');
  const sub = await sharpnessMeasures(q.surface, restrict(q.hessian, Array.from({ length: 12 }, (_, i) => i)), {
    seed: 0, traceSamples: 4, params: sel, epsilon: { epsilon: 1e-3, steps: 5, restarts: 1 }, directions: { count: 2, radius: 0.2, norm: 'filter' },
    basin: { delta: 0.05, maxLambda: 2, gridSteps: 10, bisections: 20 },
  });
  near(sub.lambdaMax.value, Math.max(...h.subarray(0, 12)), 1e-6, 'λ_max of the block');
  near(sub.traceOverP.mean, h.subarray(0, 12).reduce((s, v) => s + v, 0) / 12, 1e-12, 'tr/P of the block');
  const b = boxHalfWidths(q.surface.theta, 1e-3, sel);
  near(sub.epsilonSharpness.increase, 0.5 * h.reduce((s, hi, i) => s + hi * b[i]! ** 2, 0), 0.01, 'ε-sharpness in the subset');
  assert.equal(diagonal([1]).rows, 1);
});
