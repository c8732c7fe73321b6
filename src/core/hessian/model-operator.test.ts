// The model Hessian operator against PyTorch double backprop (test/python/hvp_reference.py) on the same weights and
// samples: single products (exact and finite differences), BN eval/train, restriction, and the full Hessian of a
// small tanh MLP formed by columns, with Lanczos, Hutchinson and SLQ on the operator against its exact spectrum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSpec } from '../../ir/model.js';
import { buildModel } from '../../ir/zoo/index.js';
import { torchAvailable } from '../../testing/pytorch.js';
import { symmetricEigen } from '../directions/jacobi.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { ParamLayout, paramsOf } from '../params.js';
import { createRng } from '../rng.js';
import { hutchinsonTrace } from './hutchinson.js';
import { lanczos } from './lanczos.js';
import { modelHessian } from './model-operator.js';
import type { ModelPoint } from './model-point.js';
import { slqDensity } from './slq.js';
import { randomBatches, torchHvp } from '../../testing/hessian-reference.js';

const TANH_MLP: ModelSpec = { arch: 'mlp', options: { widths: [12], activation: 'tanh' }, inputShape: [6], classes: 4 };
const BN_CNN: ModelSpec = { arch: 'cnn-small', options: { channels: [4, 6] }, inputShape: [1, 8, 8], classes: 5 };

function pointOf(spec: ModelSpec, seed: number): ModelPoint {
  const model = buildModel(spec, seed);
  // Non-trivial BN statistics so that eval mode differs from train mode.
  const rng = createRng(seed + 100);
  for (const b of model.buffers) {
    const d = model.graph.initializers.get(b)!.data as Float32Array;
    d.forEach((_, i) => { d[i] = b.endsWith('running_var') ? 0.5 + rng.uniform() : 0.3 * rng.normal(); });
  }
  return { model, theta: paramsOf(model, ParamLayout.ofModel(model)), buffers: new Map(model.buffers.map((b) => [b, model.graph.initializers.get(b)!])) };
}

function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < want.length; i++) { num += (got[i]! - want[i]!) ** 2; den += want[i]! ** 2; }
  return Math.sqrt(num / den);
}

const gaussians = (n: number, count: number, seed: number): Float64Array[] => {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Float64Array.from({ length: n }, () => rng.normal()));
};

// 20 samples in batches of 8, 8, 4: unequal batches make the size weighting matter.
const SAMPLES = 20, BATCH = 8;

test('tanh MLP: exact products within 1e-4 and finite differences within 1e-3 of PyTorch double backprop', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  const point = pointOf(TANH_MLP, 3);
  const batches = randomBatches(TANH_MLP.inputShape, TANH_MLP.classes, SAMPLES, BATCH, createRng(5));
  const vs = gaussians(point.theta.layout.size, 3, 9);
  const ref = torchHvp(point, batches, BATCH, 'eval', vs);
  for (const [method, fdPrecision, tolerance] of [['exact', undefined, 1e-4], ['fd', 'float64', 1e-3], ['fd', 'float32', 1e-3]] as const) {
    const op = await modelHessian(point, batches, { method, fdPrecision, threads: 1 });
    assert.equal(op.precision, fdPrecision ?? 'float32');
    try {
      for (let k = 0; k < vs.length; k++) {
        const err = relativeError(await op.matvec(vs[k]!), ref.products[k]!);
        assert.ok(err <= tolerance, `${method} product ${k}: relative error ${err.toExponential(2)} > ${tolerance}`);
        t.diagnostic(`${method}${fdPrecision ? ` (${fdPrecision})` : ''} product ${k}: relative error ${err.toExponential(2)}`);
      }
      const pg = await op.productWithGradient(vs[0]!);
      assert.ok(Math.abs(pg.loss - ref.loss) < 1e-5 * ref.loss, `loss ${pg.loss} vs PyTorch ${ref.loss}`);
      const gnorm = Math.hypot(...pg.gradient);
      assert.ok(Math.abs(gnorm - ref.gradientNorm) < 1e-4 * ref.gradientNorm, `‖∇L‖ ${gnorm} vs PyTorch ${ref.gradientNorm}`);
      assert.ok(relativeError(pg.hv, ref.products[0]!) <= tolerance);
      assert.equal(op.matvecs, vs.length + 1);
      assert.equal(op.method, method);
    } finally {
      await op.dispose();
    }
  }
});

for (const bn of ['eval', 'train'] as const) {
  test(`CNN with BatchNorm (${bn} statistics, ReLU, max-pool): exact products within 1e-4 of PyTorch`, async (t) => {
    if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
    const point = pointOf(BN_CNN, 4);
    const batches = randomBatches(BN_CNN.inputShape, BN_CNN.classes, SAMPLES, BATCH, createRng(6));
    const vs = gaussians(point.theta.layout.size, 2, 10);
    const ref = torchHvp(point, batches, BATCH, bn, vs);
    const op = await modelHessian(point, batches, { bn, threads: 1 });
    try {
      for (let k = 0; k < vs.length; k++) {
        const err = relativeError(await op.matvec(vs[k]!), ref.products[k]!);
        assert.ok(err <= 1e-4, `product ${k}: relative error ${err.toExponential(2)}`);
        t.diagnostic(`product ${k}: relative error ${err.toExponential(2)}`);
      }
    } finally {
      await op.dispose();
    }
    // ORT has no float64 Conv: finite differences fall back to float32 gradients (and are wrong at ReLU kinks anyway).
    const fd = await modelHessian(point, batches, { bn, method: 'fd', threads: 1 });
    assert.equal(fd.precision, 'float32');
    await fd.dispose();
  });
}

test('the batch weighting gives the Hessian of the mean loss: uneven batches equal one batch of all samples', async () => {
  const point = pointOf(TANH_MLP, 7);
  const whole = randomBatches(TANH_MLP.inputShape, TANH_MLP.classes, SAMPLES, SAMPLES, createRng(8));
  const uneven = split(whole[0]!, [7, 7, 6]);
  const [v] = gaussians(point.theta.layout.size, 1, 11);
  const a = await modelHessian(point, uneven, { threads: 1 });
  const b = await modelHessian(point, whole, { threads: 1 });
  try {
    const err = relativeError(await a.matvec(v!), await b.matvec(v!));
    assert.ok(err < 1e-5, `batches 7+7+6 vs one batch of 20: relative difference ${err.toExponential(2)}`);
    // Unweighted averaging of the three batch products would differ: check that the test could see it.
    const perBatch = await Promise.all(uneven.map(async (batch) => {
      const op = await modelHessian(point, [batch], { threads: 1 });
      try { return await op.matvec(v!); } finally { await op.dispose(); }
    }));
    const naive = perBatch[0]!.map((_, i) => (perBatch[0]![i]! + perBatch[1]![i]! + perBatch[2]![i]!) / 3);
    assert.ok(relativeError(naive, await b.matvec(v!)) > 1e-4, 'the unweighted mean is distinguishable');
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

/** The same samples in consecutive batches of the given sizes. */
function split(b: LabeledBatch, sizes: number[]): LabeledBatch[] {
  const per = b.x.data.length / b.size;
  let start = 0;
  return sizes.map((n) => {
    const part: LabeledBatch = {
      x: { dtype: 'float32', dims: [n, ...b.x.dims.slice(1)], data: (b.x.data as Float32Array).slice(start * per, (start + n) * per) },
      y: { dtype: 'int64', dims: [n], data: (b.y.data as BigInt64Array).slice(start, start + n) },
      size: n,
    };
    start += n;
    return part;
  });
}

/** H by columns: H e_j for every j, symmetrised. */
async function denseByColumns(op: { size: number; matvec(v: Float64Array): Promise<Float64Array> }): Promise<Float64Array> {
  const n = op.size, h = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const col = await op.matvec(e);
    for (let i = 0; i < n; i++) h[i * n + j] = col[i]!;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) { const m = (h[i * n + j]! + h[j * n + i]!) / 2; h[i * n + j] = m; h[j * n + i] = m; }
  return h;
}

test('tanh MLP full Hessian: terrain by columns vs PyTorch; top-5, Hutchinson trace and SLQ moments against the exact spectrum', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  const point = pointOf(TANH_MLP, 12);
  const batches: LabeledBatch[] = randomBatches(TANH_MLP.inputShape, TANH_MLP.classes, SAMPLES, BATCH, createRng(13));
  const n = point.theta.layout.size;
  const ref = torchHvp(point, batches, BATCH, 'eval', [], true);
  const exact = Float64Array.from(ref.eigenvalues!).sort().reverse();
  const op = await modelHessian(point, batches, { threads: 1 });
  try {
    const h = await denseByColumns(op);
    assert.ok(relativeError(h, ref.hessian!) < 1e-5, `dense Hessian differs from PyTorch's by ${relativeError(h, ref.hessian!).toExponential(2)}`);
    const mine = symmetricEigen(h, n).values;
    for (let i = 0; i < 5; i++) {
      const rel = Math.abs(mine[i]! - exact[i]!) / Math.abs(exact[i]!);
      assert.ok(rel < 1e-3, `eigenvalue ${i + 1} of terrain's dense Hessian ${mine[i]} vs PyTorch ${exact[i]} (relative ${rel.toExponential(2)})`);
    }

    const top = await lanczos(op, { k: 5, tol: 1e-5, rng: createRng(1) });
    for (let i = 0; i < 5; i++) {
      const rel = Math.abs(top.eigenvalues[i]! - exact[i]!) / Math.abs(exact[i]!);
      assert.ok(rel < 1e-3, `Lanczos eigenvalue ${i + 1}: ${top.eigenvalues[i]} vs PyTorch ${exact[i]} (relative ${rel.toExponential(2)})`);
      t.diagnostic(`λ${i + 1}: Lanczos ${top.eigenvalues[i]!.toPrecision(8)}, dense ${mine[i]!.toPrecision(8)}, PyTorch ${exact[i]!.toPrecision(8)}`);
    }

    const trace = await hutchinsonTrace(op, { samples: 60, rng: createRng(2) });
    assert.ok(Math.abs(trace.estimate - ref.trace!) <= 3 * trace.stderr, `Hutchinson ${trace.estimate} ± ${trace.stderr} vs exact trace ${ref.trace}`);
    t.diagnostic(`trace: Hutchinson ${trace.estimate.toPrecision(6)} ± ${trace.stderr.toPrecision(3)}, exact ${ref.trace!.toPrecision(6)}`);

    // SLQ: unit mass; its first two moments equal (1/n) tr H and (1/n) tr H² up to the Monte Carlo error of the
    // random starts, whose variance per start is 2 Σ_{i≠j} (Hᵖ)_ij² / n² for p = 1, 2.
    const runs = 20;
    const slq = await slqDensity(op, { runs, steps: 30, rng: createRng(3) });
    let mass = 0;
    for (let i = 1; i < slq.grid.length; i++) mass += ((slq.values[i]! + slq.values[i - 1]!) / 2) * (slq.grid[i]! - slq.grid[i - 1]!);
    assert.ok(Math.abs(mass - 1) < 1e-6, `SLQ mass ${mass}`);
    const h2 = square(ref.hessian!, n);
    const moments = [[1, ref.trace! / n, offDiagonal2(ref.hessian!, n)], [2, ref.frobenius2! / n, offDiagonal2(h2, n)]] as const;
    for (const [p, want, off2] of moments) {
      let got = 0;
      for (let j = 0; j < slq.nodes.length; j++) got += slq.weights[j]! * slq.nodes[j]! ** p;
      const sigma = Math.sqrt((2 * off2) / (n * n) / runs);
      assert.ok(Math.abs(got - want) <= 4 * sigma, `SLQ moment ${p}: ${got} vs exact ${want} (Monte Carlo σ ${sigma.toExponential(2)})`);
      t.diagnostic(`SLQ moment ${p}: ${got.toPrecision(6)} vs exact ${want.toPrecision(6)} (σ ${sigma.toExponential(2)}), mass ${mass.toFixed(9)}`);
    }
  } finally {
    await op.dispose();
  }
});

test('--params restricts to the principal sub-operator of the matching tensors', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  const point = pointOf(TANH_MLP, 14);
  const batches = randomBatches(TANH_MLP.inputShape, TANH_MLP.classes, SAMPLES, BATCH, createRng(15));
  const n = point.theta.layout.size;
  const ref = torchHvp(point, batches, BATCH, 'eval', [], true);
  const op = await modelHessian(point, batches, { params: '^fc\\.', threads: 1 });
  try {
    const fc = ['fc.weight', 'fc.bias'].map((name) => point.theta.layout.slot(name));
    assert.deepEqual(op.subset.names, ['fc.weight', 'fc.bias']);
    assert.equal(op.size, fc[0]!.size + fc[1]!.size);
    const idx = op.subset.indices;
    const [v] = gaussians(op.size, 1, 16);
    const want = Float64Array.from(idx, (i) => { let s = 0; idx.forEach((j, k) => { s += ref.hessian![i * n + j]! * v![k]!; }); return s; });
    assert.ok(relativeError(await op.matvec(v!), want) < 1e-4);
    assert.throws(() => op.embed(new Float64Array(3)), /vector has 3 entries, the operator has/);
  } finally {
    await op.dispose();
  }
  await assert.rejects(modelHessian(point, batches, { params: 'nothing-like-this' }), /matches no parameter; the model has 4 tensors \(layers\.0\.weight/);
  await assert.rejects(modelHessian(point, batches, { params: '(' }), /not a valid regular expression/);
});

function square(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) { const x = a[i * n + k]!; if (x !== 0) for (let j = 0; j < n; j++) out[i * n + j] += x * a[k * n + j]!; }
  return out;
}

function offDiagonal2(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += a[i * n + j]! ** 2;
  return s;
}

test('matvecMany: groups of directions from one run per batch equal single products (BN CNN, unequal batches)', async () => {
  const point = pointOf(BN_CNN, 4);
  const batches = randomBatches(BN_CNN.inputShape, BN_CNN.classes, SAMPLES, BATCH, createRng(6));
  const vs = gaussians(point.theta.layout.size, 5, 10);
  const op = await modelHessian(point, batches, { threads: 1, vectorsPerRun: 2 });
  try {
    const many = await op.matvecMany(vs); // two runs of 2 directions, then one single product
    assert.equal(op.matvecs, 5);
    for (let k = 0; k < vs.length; k++) {
      const err = relativeError(many[k]!, await op.matvec(vs[k]!));
      assert.ok(err <= 1e-6, `direction ${k}: matvecMany differs from matvec by ${err.toExponential(2)}`);
    }
  } finally {
    await op.dispose();
  }
});
