import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors } from '../../ir/safetensors.js';
import { buildModel } from '../../ir/zoo/index.js';
import { makeBatches, resolveData } from '../data/index.js';
import { evaluateWeights } from '../evaluate/point.js';
import { loadModelFile, type LoadedModel } from '../model-file.js';
import { paramsOf, toTensors } from '../params.js';
import { train } from '../train/train.js';
import { pathOf } from './evaluate.js';
import { curvePoint } from './geometry.js';
import { curveControls } from './point-model.js';
import { runConnect, type ConnectJob } from './run.js';
import { BN_STATS_FILE, STATE_FILE } from './state.js';

// Two small MLPs trained for a few epochs on 600 digits from different seeds: the straight line between them has a
// barrier, and a few epochs of curve training lower it. Everything here runs in a few seconds on one core.
const data = resolveData('digits', { split: 'train', samples: 600, seed: 0 });
const root = mkdtempSync(join(tmpdir(), 'terrain-connect-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

async function trained(arch: 'mlp' | 'cnn-small', seed: number, options: Record<string, unknown>): Promise<LoadedModel> {
  const out = join(root, `${arch}-${seed}`);
  const model = buildModel({ arch, options, inputShape: [1, 8, 8], classes: 10 }, seed);
  await train({
    model, train: data.selected, test: data.test, outDir: out, meta: {},
    config: { epochs: 4, batch: 32, lr: 0.05, optimizer: { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 0 }, schedule: 'constant', seed, saveEvery: 0, threads: 1 },
  });
  return loadModelFile(join(out, 'final.safetensors'));
}

function job(from: LoadedModel, to: LoadedModel, outDir: string, over: Partial<ConnectJob['config']> = {}): ConnectJob {
  return {
    from, to, train: data.selected, test: data.test, data: { source: 'digits', samples: 600 }, outDir, info: {},
    config: { curve: 'bezier', bends: 1, epochs: 3, batch: 32, lr: 0.05, optimizer: { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 0 }, schedule: 'cosine', seed: 3, threads: 1, ...over },
    points: 5, evalBatch: 300, bnBatches: 2,
  };
}

const mlp = { widths: [32] };

test('connect: the curve lowers the line\'s barrier, shares its end points, and DIR@t=0.5 is that point of the curve', async () => {
  const [a, b] = [await trained('mlp', 1, mlp), await trained('mlp', 2, mlp)];
  const dir = join(root, 'c-full');
  const { result: r } = await runConnect(job(a, b, dir));
  for (const split of ['train', 'test']) {
    const [curve, line] = [pathOf(r.paths, split, 'curve'), pathOf(r.paths, split, 'line')];
    assert.equal(curve.loss[0], line.loss[0], `${split}: φ(0) = A`);
    assert.equal(curve.loss[4], line.loss[4], `${split}: φ(1) = B`);
    assert.ok(line.barrier.height > 0.05, `${split}: the line has a barrier (${line.barrier.height})`);
    assert.ok(curve.barrier.height < 0.7 * line.barrier.height, `${split}: curve ${curve.barrier.height} vs line ${line.barrier.height}`);
  }
  const point = loadModelFile(`${dir}@t=0.5`);
  const c = curveControls(dir);
  assert.deepEqual(point.theta.data, curvePoint('bezier', c.controls, 0.5).data);
  const s = await evaluateWeights(point.model, toTensors(point.theta), makeBatches(data.test, 300), { threads: 1 });
  assert.equal(s.loss, pathOf(r.paths, 'test', 'curve').loss[2], 'eval of DIR@t=0.5 equals the curve\'s test loss at t=0.5');
  // The bend checkpoint is a model of its own.
  assert.deepEqual(loadModelFile(join(dir, 'bend-1.safetensors')).theta.data, c.controls[1]!.data);

  // Interrupted after epoch 1, then resumed: the same state and results, bit for bit.
  const dir2 = join(root, 'c-resumed');
  const ac = new AbortController();
  await assert.rejects(runConnect({ ...job(a, b, dir2), onEpoch: () => ac.abort(), signal: ac.signal }), /interrupted/);
  const again = await runConnect(job(a, b, dir2));
  assert.equal(again.resumedEpochs, 1);
  const state = (d: string) => {
    const { tensors, metadata } = readSafetensors(join(d, STATE_FILE));
    const meta = JSON.parse(metadata['terrain.connect.state']!) as { history: { seconds?: number }[] };
    meta.history.forEach((h) => delete h.seconds); // wall-clock time, the one thing that differs
    return { tensors, meta };
  };
  assert.deepEqual(state(dir2), state(dir));
  assert.deepEqual(again.result.paths, r.paths);
  // Another configuration in the same directory is refused.
  await assert.rejects(runConnect(job(a, b, dir2, { lr: 0.1 })), /train\.lr' differs/);
  assert.throws(() => loadModelFile(`${dir}@t=2`), /t must be a number in \[0, 1\]/);
});

test('connect with BatchNorm: statistics re-estimated at every t, stored for DIR@t', async () => {
  const opts = { channels: [4] };
  const [a, b] = [await trained('cnn-small', 1, opts), await trained('cnn-small', 2, opts)];
  const dir = join(root, 'c-bn');
  const { result: r } = await runConnect(job(a, b, dir, { epochs: 1 }));
  assert.equal(r.bn, 'recompute');
  const point = loadModelFile(`${dir}@t=0.25`);
  assert.equal(point.buffers.size, a.model.buffers.length);
  const s = await evaluateWeights(point.model, new Map([...toTensors(point.theta), ...point.buffers]), makeBatches(data.selected, 300), { threads: 1 });
  assert.equal(s.loss, pathOf(r.paths, 'train', 'curve').loss[1]);
  assert.notDeepEqual(point.buffers.get(a.model.buffers[0]!)!.data, a.buffers.get(a.model.buffers[0]!)!.data, 'statistics at t=0.25 are not A\'s');
  assert.throws(() => loadModelFile(`${dir}@t=0.3`), new RegExp(`t=0\\.3 were not re-estimated \\(.*${BN_STATS_FILE} has t=0\\.0000, t=0\\.2500`));
  assert.equal(paramsOf(point.model).data.length, a.theta.data.length);
});
