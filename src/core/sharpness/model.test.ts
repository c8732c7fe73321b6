// The model-backed pieces on a tiny tanh MLP: the Hessian restricted to a tensor subset (hessian --params, layers)
// is the sub-block of the full Hessian formed column by column, its top eigenvalue that of the block; the loss
// surface's loss matches evaluateWeights and its gradient central finite differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSpec } from '../../ir/model.js';
import { buildModel } from '../../ir/zoo/index.js';
import { symmetricEigen } from '../directions/jacobi.js';
import { selectParams } from '../directions/param-subset.js';
import { evaluateWeights } from '../evaluate/point.js';
import { lanczos } from '../hessian/lanczos.js';
import { modelHessian } from '../hessian/model-operator.js';
import type { ModelPoint } from '../hessian/model-point.js';
import { randomBatches } from '../../testing/hessian-reference.js';
import { ParamLayout, paramsOf, toTensors } from '../params.js';
import { createRng } from '../rng.js';
import { modelLossSurface } from './loss-surface.js';
import { gaussianDirections, modelSharpness } from './measures.js';

const SPEC: ModelSpec = { arch: 'mlp', options: { widths: [5], activation: 'tanh' }, inputShape: [4], classes: 3 };

function point(seed: number): ModelPoint {
  const model = buildModel(SPEC, seed);
  return { model, theta: paramsOf(model, ParamLayout.ofModel(model)), buffers: new Map() };
}

test('the Hessian restricted to --params is the sub-block of the full Hessian; its λ_max is the block\'s', async () => {
  const p = point(1);
  const batches = randomBatches(SPEC.inputShape, SPEC.classes, 24, 8, createRng(2));
  const full = await modelHessian(p, batches, { threads: 1 });
  const n = full.size;
  const dense = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    (await full.matvec(e)).forEach((v, i) => { dense[i * n + j] = v; });
  }
  await full.dispose();
  const sel = selectParams(p.theta.layout, '^layers\\.0\\.weight$');
  const sub = await modelHessian(p, batches, { threads: 1, params: sel.pattern });
  try {
    const slot = p.theta.layout.slot('layers.0.weight');
    const idx = Array.from({ length: slot.size }, (_, k) => slot.offset + k);
    assert.equal(sub.size, idx.length);
    const block = new Float64Array(idx.length * idx.length);
    idx.forEach((i, a) => idx.forEach((j, b) => { block[a * idx.length + b] = 0.5 * (dense[i * n + j]! + dense[j * n + i]!); }));
    const rng = createRng(3);
    const v = Float64Array.from(idx, () => rng.normal());
    const hv = await sub.matvec(v);
    hv.forEach((got, a) => {
      let want = 0;
      for (let b = 0; b < idx.length; b++) want += block[a * idx.length + b]! * v[b]!;
      assert.ok(Math.abs(got - want) <= 1e-5 * (1 + Math.abs(want)), `row ${a}: ${got} vs ${want}`);
    });
    const eig = symmetricEigen(block, idx.length);
    const top = Math.max(...eig.values);
    const r = await lanczos(sub, { k: 1, which: 'largest', tol: 1e-7, rng: createRng(4) });
    assert.ok(Math.abs(r.eigenvalues[0]! - top) <= 1e-4 * Math.abs(top), `Lanczos ${r.eigenvalues[0]} vs block ${top}`);
    const sym = Float64Array.from(dense, (_, k) => 0.5 * (dense[k]! + dense[(k % n) * n + Math.floor(k / n)]!));
    const fullTop = Math.max(...symmetricEigen(sym, n).values);
    assert.ok(top < fullTop, 'the block\'s λ_max differs from the full one (so the test could tell them apart)');
  } finally {
    await sub.dispose();
  }
});

test('model loss surface: loss as evaluateWeights, gradient as central differences', async () => {
  const p = point(5);
  const batches = randomBatches(SPEC.inputShape, SPEC.classes, 20, 8, createRng(6));
  const s = await modelLossSurface(p, batches, { threads: 1 });
  try {
    const ref = await evaluateWeights(p.model, toTensors(p.theta), batches, { threads: 1 });
    assert.ok(Math.abs((await s.loss(p.theta)) - ref.loss) <= 1e-6, 'loss');
    const { loss, gradient } = await s.lossAndGradient(p.theta);
    assert.ok(Math.abs(loss - ref.loss) <= 1e-6);
    const h = 1e-2;
    for (const i of [0, 7, 23, p.theta.layout.size - 1]) {
      const plus = { layout: p.theta.layout, data: Float32Array.from(p.theta.data) };
      const minus = { layout: p.theta.layout, data: Float32Array.from(p.theta.data) };
      plus.data[i]! += h;
      minus.data[i]! -= h;
      const fd = ((await s.loss(plus)) - (await s.loss(minus))) / (plus.data[i]! - minus.data[i]!);
      assert.ok(Math.abs(fd - gradient[i]!) <= 2e-3 * (1 + Math.abs(fd)), `∂L/∂θ_${i}: ${gradient[i]} vs ${fd}`);
    }
  } finally {
    await s.dispose();
  }
});

test('modelSharpness: every measure finite, errors present, the same numbers for the same seed', async () => {
  const p = point(7);
  const batches = randomBatches(SPEC.inputShape, SPEC.classes, 16, 8, createRng(8));
  const o = {
    seed: 3, traceSamples: 4, threads: 1, epsilon: { epsilon: 1e-3, steps: 3, restarts: 1 }, directions: { count: 3, radius: 0.5, norm: 'filter' as const },
    basin: { delta: 0.05, maxLambda: 3, gridSteps: 6, bisections: 6 },
  };
  const a = await modelSharpness(p, batches, o);
  const b = await modelSharpness(p, batches, o);
  assert.deepEqual(a, b);
  for (const v of [a.lambdaMax.value, a.traceOverP.mean, a.traceOverP.stderr, a.epsilonSharpness.increase, a.lossIncrease.mean, a.lossIncrease.stderr, a.basinWidth.mean]) assert.ok(Number.isFinite(v));
  assert.ok(a.epsilonSharpness.increase > 0 && a.lambdaMax.value > 0);
  assert.equal(a.parameters, p.theta.layout.size);
});

test('a linear model under MSE is a quadratic: λ_max, tr(H)/P and the basin width of modelSharpness against their closed forms', async () => {
  // L = 1/(N·C) Σ_n Σ_c (w_c·x_n + b_c − [y_n = c])²: H is block diagonal with C copies of (2/C)·M, M = (1/N) Σ x̃x̃ᵀ, x̃ = (x, 1).
  const spec: ModelSpec = { arch: 'mlp', options: { widths: [] }, inputShape: [4], classes: 3 };
  const model = buildModel(spec, 9);
  const p: ModelPoint = { model, theta: paramsOf(model, ParamLayout.ofModel(model)), buffers: new Map() };
  const batches = randomBatches(spec.inputShape, spec.classes, 24, 8, createRng(10));
  const C = 3, d = 5;
  const xs: number[][] = [], ys: number[] = [];
  for (const b of batches) for (let n = 0; n < b.size; n++) { xs.push([...(b.x.data as Float32Array).subarray(4 * n, 4 * n + 4), 1]); ys.push(Number((b.y.data as BigInt64Array)[n])); }
  const N = xs.length;
  const M = new Float64Array(d * d);
  for (const x of xs) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) M[i * d + j] += x[i]! * x[j]! / N;
  const eigM = symmetricEigen(M, d).values;
  const mse = { name: 'mse' as const, options: { kind: 'mse' as const }, feeds: 'labels' as const };
  const o = {
    seed: 1, traceSamples: 40, threads: 1, loss: mse, lanczosTol: 1e-8, epsilon: { epsilon: 1e-3, steps: 2, restarts: 1 },
    directions: { count: 3, radius: 0.5, norm: 'filter' as const }, basin: { delta: 0.1, maxLambda: 4, gridSteps: 16, bisections: 30 },
  };
  const m = await modelSharpness(p, batches, o);
  const lambdaMax = (2 / C) * Math.max(...eigM);
  assert.ok(Math.abs(m.lambdaMax.value - lambdaMax) <= 1e-4 * lambdaMax, `λ_max ${m.lambdaMax.value} vs ${lambdaMax}`);
  const traceOverP = (2 * eigM.reduce((s, v) => s + v, 0)) / (C * d);
  assert.ok(Math.abs(m.traceOverP.mean - traceOverP) <= 4 * m.traceOverP.stderr + 1e-6, `tr(H)/P ${m.traceOverP.mean} ± ${m.traceOverP.stderr} vs ${traceOverP}`);
  // Along a direction δθ: L(θ + λδθ) = L0 + λs + ½λ²κ, so the basin is the interval between the roots of ½κλ² + sλ = δ.
  const W = p.theta.data;
  const dirs = gaussianDirections(p.theta, o.seed, 3, 'filter');
  dirs.forEach((dir, k) => {
    let s = 0, kappa = 0;
    xs.forEach((x, n) => {
      for (let c = 0; c < C; c++) {
        const z = x.slice(0, 4).reduce((acc, xi, i) => acc + W[c * 4 + i]! * xi, W[12 + c]!);
        const dz = x.slice(0, 4).reduce((acc, xi, i) => acc + dir.data[c * 4 + i]! * xi, dir.data[12 + c]!);
        s += (2 / (N * C)) * (z - (ys[n] === c ? 1 : 0)) * dz;
        kappa += (2 / (N * C)) * dz * dz;
      }
    });
    const width = (2 * Math.sqrt(s * s + 2 * kappa * o.basin.delta)) / kappa;
    const got = m.basinWidth.directions[k]!.width;
    assert.ok(Math.abs(got - width) <= 1e-4 * width, `direction ${k}: basin width ${got} vs ${width}`);
    assert.ok(Math.abs(m.lossIncrease.increases[k]! - (0.5 * s + 0.125 * kappa)) <= 1e-4 * Math.abs(0.5 * s + 0.125 * kappa) + 1e-6, `loss increase at r = 0.5, direction ${k}`);
  });
});
