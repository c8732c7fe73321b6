import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSafetensors } from '../../ir/safetensors.js';
import type { Tensor } from '../../ir/tensor.js';
import { buildModel } from '../../ir/zoo/index.js';
import { makeBatches, resolveData } from '../data/index.js';
import { evaluateWeights } from '../evaluate/point.js';
import { paramsOf, toTensors } from '../params.js';
import { permutation } from '../rng.js';
import { curvePoint, initialBends, tGrid } from './geometry.js';
import { bendViews, epochRngs, stepsPerEpoch, trainCurve, type CurveTrainConfig } from './train.js';
import { crossCheckSkip, PYTHON_DIR, pythonHas, pythonPath } from '../../testing/python.js';

const hasTorch = pythonHas('torch');

test('curve training matches the same training in PyTorch (same bend init, orders and t samples): loss along the curve within 1e-3', async (t) => {
  if (!hasTorch) { t.skip(crossCheckSkip('torch')); return; }
  const ds = resolveData('digits', { split: 'train', samples: 300, seed: 0 }).selected;
  const spec = { arch: 'mlp', options: { widths: [24] }, inputShape: [1, 8, 8], classes: 10 };
  const model = buildModel(spec, 1);
  const a = paramsOf(model), b = paramsOf(buildModel(spec, 2));
  const cfg: CurveTrainConfig = { curve: 'bezier', bends: 1, epochs: 2, batch: 64, lr: 0.05, optimizer: { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 0 }, schedule: 'cosine', seed: 5, threads: 1 };
  const state = await trainCurve({
    model, a, b, buffers: new Map(), train: ds, config: cfg, onEpoch: async () => true,
    state: { epoch: 0, optimizer: { step: 0 }, history: [], bendData: initialBends(a, b, 1)[0]!.data.slice() },
  });
  const evalTs = tGrid(11);
  const controls = [a, ...bendViews(a, state.bendData), b];
  const batches = makeBatches(ds, 300);
  const ours = await Promise.all(evalTs.map(async (tt) => (await evaluateWeights(model, toTensors(curvePoint('bezier', controls, tt)), batches, { threads: 1 })).loss));

  // The sample orders and t values the JS loop drew, regenerated from the same seeded generators.
  const steps = stepsPerEpoch(ds.count, cfg.batch, false);
  const orders: number[][] = [], ts: number[][] = [];
  for (let e = 1; e <= cfg.epochs; e++) {
    const r = epochRngs(cfg.seed, e);
    orders.push([...permutation(r.shuffle, ds.count)]);
    ts.push(Array.from({ length: steps }, () => r.t.uniform()));
  }
  const dir = mkdtempSync(join(tmpdir(), 'terrain-connect-torch-'));
  try {
    const tensors = new Map<string, Tensor>();
    for (const [k, v] of toTensors(a)) tensors.set(`a/${k}`, v);
    for (const [k, v] of toTensors(b)) tensors.set(`b/${k}`, v);
    tensors.set('x', { dtype: 'float32', dims: [ds.count, ...ds.shape], data: ds.x });
    tensors.set('y', { dtype: 'int64', dims: [ds.count], data: BigInt64Array.from(ds.y, (v) => BigInt(v)) });
    writeSafetensors(join(dir, 'input.safetensors'), tensors);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ names: model.params, lr: cfg.lr, momentum: 0.9, epochs: cfg.epochs, batch: cfg.batch, orders, ts, eval_ts: evalTs }));
    const r = spawnSync(pythonPath(), [join(PYTHON_DIR, 'connect_reference.py'), join(dir, 'input.safetensors'), join(dir, 'config.json')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as number[];
    evalTs.forEach((tt, i) => assert.ok(Math.abs(ours[i]! - ref[i]!) <= 1e-3 * Math.abs(ref[i]!), `t=${tt}: terrain ${ours[i]}, PyTorch ${ref[i]}`));
    // The training moved the bend: the middle of the curve is not the middle of the line any more.
    const lineMid = (await evaluateWeights(model, toTensors(curvePoint('bezier', [a, ...initialBends(a, b, 1), b], 0.5)), batches, { threads: 1 })).loss;
    assert.ok(Math.abs(ours[5]! - lineMid) > 0.01, `curve ${ours[5]} vs line ${lineMid} at t=0.5`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
