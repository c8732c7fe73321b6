// Exact Hessian-vector products: against finite differences of gradients (float64, tanh MLP), against an explicit
// Hessian (a linear model under MSE is quadratic), and against PyTorch's double backward on conv nets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type Rng } from '../core/rng.js';
import { Session } from '../engine/session.js';
import { GraphBuilder } from './builder.js';
import { attr } from './graph.js';
import { widenGraph } from './grad/float64.js';
import { buildHvpGraph } from './hvp.js';
import { LABELS } from './loss.js';
import type { Model, ModelSpec } from './model.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { float32, int64, type Tensor } from './tensor.js';
import { buildModel, zooNames } from './zoo/index.js';
import { npyBytes, runPython, torchAvailable } from '../testing/pytorch.js';

const f64 = (dims: number[], draw: () => number): Tensor =>
  ({ dtype: 'float64', dims, data: Float64Array.from({ length: dims.reduce((p, d) => p * d, 1) }, draw) });

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! ** 2;
  return Math.sqrt(s);
}

async function runHvp(model: Model, loss: 'softmax-ce' | 'mse', bn: 'eval' | 'train', feeds: Record<string, Tensor>, v: Map<string, Tensor>, batch?: number) {
  const h = buildHvpGraph(model, { loss, bn, batch });
  const s = await Session.create(h.graph);
  const all: Record<string, Tensor> = { ...feeds };
  for (const p of model.params) { all[p] = model.graph.initializers.get(p)!; all[h.vectorOf.get(p)!] = v.get(p)!; }
  const out = await s.run(all);
  await s.dispose();
  return { h, out };
}

test('HVP of a tanh MLP equals central differences of its gradient (float64)', async () => {
  const rng = createRng(80);
  const base = buildModel({ arch: 'mlp', options: { widths: [5, 4], activation: 'tanh' }, inputShape: [3], classes: 3 }, 2);
  const model: Model = { ...base, graph: widenGraph(base.graph) };
  const n = 6;
  const feeds = { input: f64([n, 3], () => rng.normal()), [LABELS]: int64([n], Array.from({ length: n }, () => rng.int(3))) };
  const v = new Map(model.params.map((p) => [p, f64(model.graph.initializers.get(p)!.dims, () => rng.normal())]));
  const { h, out } = await runHvp(model, 'softmax-ce', 'eval', feeds, v);

  const gradSession = await Session.create(h.graph);
  const gradAt = async (step: number) => {
    const all: Record<string, Tensor> = { ...feeds };
    for (const p of model.params) {
      const w = model.graph.initializers.get(p)!.data as Float64Array, d = v.get(p)!.data as Float64Array;
      all[p] = { dtype: 'float64', dims: model.graph.initializers.get(p)!.dims, data: w.map((x, i) => x + step * d[i]!) };
      all[h.vectorOf.get(p)!] = v.get(p)!;
    }
    return gradSession.run(all, [...h.gradOf.values()]);
  };
  const eps = 1e-5;
  const up = await gradAt(eps), down = await gradAt(-eps);
  await gradSession.dispose();
  for (const p of model.params) {
    const hv = out[h.hvOf.get(p)!]!.data as Float64Array;
    const g = h.gradOf.get(p)!;
    const fd = (up[g]!.data as Float64Array).map((x, i) => (x - (down[g]!.data as Float64Array)[i]!) / (2 * eps));
    const err = norm(hv.map((x, i) => x - fd[i]!));
    assert.ok(err <= 1e-7 * Math.max(norm(fd), 1), `${p}: |Hv − FD| = ${err.toExponential(2)}, |FD| = ${norm(fd).toExponential(2)}`);
  }
});

test('HVP of a linear model under MSE equals the explicit Hessian (2/(N·C))·[XᵀX ⊗ I, with bias terms]', async () => {
  const rng = createRng(81);
  const [n, d, c] = [5, 3, 2];
  const b = new GraphBuilder('linear');
  const x = b.input('input', 'float64', ['N', d]);
  const w = b.initializer('fc.weight', f64([c, d], () => rng.normal()));
  const bias = b.initializer('fc.bias', f64([c], () => rng.normal()));
  b.rename(b.op('Gemm', [x, w, bias], { transB: attr.int(1) }), 'logits');
  b.output('logits', 'float64', ['N', c]);
  const model: Model = { spec: { arch: 'onnx', options: {}, inputShape: [d], classes: c }, graph: b.build(), params: ['fc.weight', 'fc.bias'], buffers: [] };
  const input = f64([n, d], () => rng.normal());
  const v = new Map([['fc.weight', f64([c, d], () => rng.normal())], ['fc.bias', f64([c], () => rng.normal())]]);
  const { h, out } = await runHvp(model, 'mse', 'eval', { input, [LABELS]: int64([n], [0, 1, 1, 0, 1]) }, v);
  // L = 1/(n c) Σ_{k,o} (Σ_j W_oj X_kj + b_o − T_ko)²; H v at (W_oi) = 2/(n c) Σ_k X_ki (Σ_j X_kj VW_oj + Vb_o).
  const X = input.data as Float64Array, VW = v.get('fc.weight')!.data as Float64Array, Vb = v.get('fc.bias')!.data as Float64Array;
  const hw = new Float64Array(c * d), hb = new Float64Array(c);
  for (let k = 0; k < n; k++) {
    for (let o = 0; o < c; o++) {
      let r = Vb[o]!;
      for (let j = 0; j < d; j++) r += X[k * d + j]! * VW[o * d + j]!;
      for (let i = 0; i < d; i++) hw[o * d + i]! += (2 / (n * c)) * X[k * d + i]! * r;
      hb[o]! += (2 / (n * c)) * r;
    }
  }
  const gotW = out[h.hvOf.get('fc.weight')!]!.data as Float64Array, gotB = out[h.hvOf.get('fc.bias')!]!.data as Float64Array;
  hw.forEach((want, i) => assert.ok(Math.abs(gotW[i]! - want) < 1e-12, `HvW[${i}] ${gotW[i]} vs ${want}`));
  hb.forEach((want, i) => assert.ok(Math.abs(gotB[i]! - want) < 1e-12, `Hvb[${i}] ${gotB[i]} vs ${want}`));
});

function randomisedModel(spec: ModelSpec, rng: Rng): Model {
  const model = buildModel(spec, 9);
  for (const name of model.buffers) {
    const d = model.graph.initializers.get(name)!.data as Float32Array;
    d.forEach((_, i) => { d[i] = name.endsWith('running_var') ? 0.5 + rng.uniform() : 0.3 * rng.normal(); });
  }
  return model;
}

// mobilenetv2 runs with a fixed batch: its symbolic-batch HVP graph takes ORT ~25 s to plan.
const TORCH_CASES: { spec: ModelSpec; bn: 'eval' | 'train'; loss: 'softmax-ce' | 'mse'; batch: number; fixed?: boolean }[] = [
  { spec: { arch: 'cnn-small', options: { channels: [3, 4] }, inputShape: [1, 8, 8], classes: 4 }, bn: 'eval', loss: 'softmax-ce', batch: 5 },
  { spec: { arch: 'resnet20', options: {}, inputShape: [3, 8, 8], classes: 3 }, bn: 'train', loss: 'mse', batch: 4 },
  { spec: { arch: 'mobilenetv2', options: { width: 0.25 }, inputShape: [3, 8, 8], classes: 3 }, bn: 'train', loss: 'softmax-ce', batch: 4, fixed: true },
];

test('every zoo architecture gets an HVP graph (all backward ops have second-order rules)', () => {
  // One of each family (resnet32/56 and vgg16 repeat the ops of resnet20 and vgg11).
  const families = zooNames().filter((a) => !['resnet32', 'resnet56', 'vgg16-bn'].includes(a));
  assert.ok(families.includes('mobilenetv2') && families.includes('vgg11-bn'), `zoo: ${zooNames()}`);
  for (const arch of families) {
    const image = arch !== 'mlp';
    const model = buildModel({ arch, options: {}, inputShape: image ? [3, 32, 32] : [5], classes: 4 }, 1, { zeroInit: true });
    for (const bn of arch === 'vgg11-bn' ? ['eval', 'train'] as const : ['train'] as const) {
      const h = buildHvpGraph(model, { loss: 'softmax-ce', bn });
      assert.equal(h.hvOf.size, model.params.length, arch);
    }
  }
});

for (const c of TORCH_CASES) {
  test(`HVP of ${c.spec.arch} (BN ${c.bn}, ${c.loss}) equals PyTorch's double backward in float64`, async (t) => {
    if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
    const rng = createRng(82);
    const model = randomisedModel(c.spec, rng);
    const size = c.spec.inputShape.reduce((p, d) => p * d, 1);
    const x = float32([c.batch, ...c.spec.inputShape], Array.from({ length: c.batch * size }, () => rng.normal()));
    const labels = int64([c.batch], Array.from({ length: c.batch }, () => rng.int(c.spec.classes)));
    const v = new Map(model.params.map((p) => {
      const dims = model.graph.initializers.get(p)!.dims;
      return [p, float32(dims, Array.from({ length: dims.reduce((q, d) => q * d, 1) }, () => rng.normal()))];
    }));
    const dir = mkdtempSync(join(tmpdir(), 'terrain-hvp-'));
    try {
      const f = (k: string) => join(dir, k);
      writeFileSync(f('spec.json'), JSON.stringify(model.spec));
      writeSafetensors(f('w.safetensors'), new Map([...model.params, ...model.buffers].map((k) => [k, model.graph.initializers.get(k)!])));
      writeSafetensors(f('v.safetensors'), v);
      writeFileSync(f('x.npy'), npyBytes(x));
      writeFileSync(f('y.npy'), npyBytes(labels));
      runPython('autodiff_hvp.py', ['--spec', f('spec.json'), '--weights', f('w.safetensors'), '--vector', f('v.safetensors'),
        '--input', f('x.npy'), '--labels', f('y.npy'), '--bn', c.bn, '--loss', c.loss, '--out', f('hv.safetensors')]);
      const ref = readSafetensors(f('hv.safetensors')).tensors;
      const { h, out } = await runHvp(model, c.loss, c.bn, { input: x, [LABELS]: labels }, v, c.fixed ? c.batch : undefined);
      const total = norm(model.params.flatMap((p) => Array.from(ref.get(p)!.data as Float64Array)));
      let worst = 0, worstRelative = 0;
      for (const p of model.params) {
        const want = ref.get(p)!.data as Float64Array, got = out[h.hvOf.get(p)!]!.data as Float32Array;
        const err = norm(Array.from(want, (w, i) => got[i]! - w));
        const allowed = 3e-3 * norm(want) + 1e-5 * total;
        worst = Math.max(worst, err / allowed);
        worstRelative = Math.max(worstRelative, err / Math.max(norm(want), 1e-3 * total));
        assert.ok(err <= allowed, `${p}: |Hv − PyTorch| = ${err.toExponential(2)} > ${allowed.toExponential(2)} (|Hv| ${norm(want).toExponential(2)})`);
      }
      t.diagnostic(`worst HVP error / tolerance: ${worst.toFixed(3)}, worst relative error ${worstRelative.toExponential(1)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('several directions in one graph, the gradient-form conv terms and the pruned graph all give the same products', async () => {
  const rng = createRng(83);
  const spec: ModelSpec = { arch: 'resnet20', options: {}, inputShape: [3, 8, 8], classes: 3 };
  const model = randomisedModel(spec, rng);
  const n = 4;
  const feeds: Record<string, Tensor> = {
    input: float32([n, 3, 8, 8], Array.from({ length: n * 192 }, () => rng.normal())),
    [LABELS]: int64([n], Array.from({ length: n }, () => rng.int(3))),
  };
  const vs = [0, 1, 2].map(() => new Map(model.params.map((p) => {
    const dims = model.graph.initializers.get(p)!.dims;
    return [p, float32(dims, Array.from({ length: dims.reduce((q, d) => q * d, 1) }, () => rng.normal()))];
  })));
  const run = async (opts: Partial<Parameters<typeof buildHvpGraph>[1]>, directions: Map<string, Tensor>[]) => {
    const h = buildHvpGraph(model, { loss: 'softmax-ce', bn: 'eval', ...opts });
    const s = await Session.create(h.graph);
    const all: Record<string, Tensor> = { ...feeds };
    for (const p of model.params) all[p] = model.graph.initializers.get(p)!;
    directions.forEach((v, j) => { for (const p of model.params) all[h.vectorsOf[j]!.get(p)!] = v.get(p)!; });
    const out = await s.run(all);
    await s.dispose();
    return directions.map((_, j) => model.params.flatMap((p) => Array.from(out[h.hvsOf[j]!.get(p)!]!.data as Float32Array)));
  };
  const many = await run({ vectors: 3, gradients: false }, vs);
  for (let j = 0; j < 3; j++) {
    const [single] = await run({}, [vs[j]!]);
    const [plain] = await run({ convTerms: 'gradient' }, [vs[j]!]);
    const scale = norm(single!);
    const d1 = norm(many[j]!.map((x, i) => x - single![i]!)), d2 = norm(plain!.map((x, i) => x - single![i]!));
    assert.ok(d1 <= 1e-6 * scale, `direction ${j}: 3-vector graph differs from the 1-vector graph by ${(d1 / scale).toExponential(2)}`);
    assert.ok(d2 <= 1e-5 * scale, `direction ${j}: ⟨dW, v⟩ and ⟨dY, Conv(x, v)⟩ forms differ by ${(d2 / scale).toExponential(2)}`);
  }
});
