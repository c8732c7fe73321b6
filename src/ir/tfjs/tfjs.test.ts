import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../core/rng.js';
import { Session } from '../../engine/session.js';
import { float32, sizeOf } from '../tensor.js';
import { buildGradientGraph } from '../training-graph.js';
import { npyBytes, runPython } from '../../testing/pytorch.js';
import { pythonHas } from '../../testing/python.js';
import { functionalFixture, sequentialFixture, writeFixture, type TfjsFixture } from '../../testing/tfjs-fixtures.js';
import { loadTfjsModel, TfjsError, tfjsToModel } from './index.js';

const numpyAvailable = () => pythonHas('numpy');
const BATCH = 3;

async function compareWithNumpy(f: TfjsFixture, label: string, t: { diagnostic(s: string): void }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-tfjs-'));
  try {
    const path = writeFixture(dir, f);
    const { imported, notes } = loadTfjsModel(path);
    const rng = createRng(17);
    const dims = [BATCH, ...f.inputShape];
    const x = float32(dims, Array.from({ length: sizeOf(dims) }, () => rng.normal()));
    writeFileSync(join(dir, 'x.npy'), npyBytes(x));
    runPython('tfjs_reference.py', [path, join(dir, 'x.npy'), join(dir, 'out.json')]);
    const ref = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { logits: number[] };
    const s = await Session.create(imported.model.graph);
    const logits = Array.from((await s.run({ input: x }))['logits']!.data as Float32Array);
    await s.dispose();
    assert.equal(logits.length, BATCH * f.classes);
    const scale = Math.max(...ref.logits.map(Math.abs));
    const err = Math.max(...logits.map((v, i) => Math.abs(v - ref.logits[i]!))) / scale;
    t.diagnostic(`${label}: max|terrain − numpy| / max|numpy| = ${err.toExponential(2)}; notes: ${notes.join('; ') || 'none'}`);
    assert.ok(err < 1e-5, `${label}: logits differ from the numpy reference by ${err}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('TF.js Sequential and functional models compute what Keras layers compute (numpy reference, NHWC)', async (t) => {
  if (!numpyAvailable()) { t.skip('python3-numpy not installed'); return; }
  await compareWithNumpy(sequentialFixture(createRng(1)), 'sequential', t);
  await compareWithNumpy(functionalFixture(createRng(2)), 'functional', t);
});

test('TF.js import keeps weight names, makes BN moving statistics buffers, drops the final softmax, differentiates', async () => {
  const f = sequentialFixture(createRng(1));
  const { imported, notes } = tfjsToModel(f.json, f.shards, 'model.json');
  const m = imported.model;
  assert.deepEqual(m.params, [
    'conv2d_Conv2D1/kernel', 'conv2d_Conv2D1/bias', 'batch_normalization_BatchNormalization1/gamma', 'batch_normalization_BatchNormalization1/beta',
    'depthwise_conv2d_DepthwiseConv2D1/depthwise_kernel', 'depthwise_conv2d_DepthwiseConv2D1/bias', 'dense_Dense1/kernel', 'dense_Dense1/bias',
  ]);
  assert.deepEqual(m.buffers, ['batch_normalization_BatchNormalization1/moving_mean', 'batch_normalization_BatchNormalization1/moving_variance']);
  assert.deepEqual(m.graph.initializers.get('conv2d_Conv2D1/kernel')!.dims, [4, 2, 3, 3], 'PyTorch layout: filters first');
  assert.deepEqual(m.graph.initializers.get('dense_Dense1/kernel')!.dims, [5, 16]);
  assert.deepEqual(m.spec.inputShape, [2, 7, 6]);
  assert.match(notes.join('\n'), /layer 'dense_Dense1': the final softmax is left out/);
  const gg = buildGradientGraph(m, { loss: 'softmax-ce', bn: 'train', weights: 'initializers' });
  const s = await Session.create(gg.graph);
  const out = await s.run({ input: float32([2, 2, 7, 6], new Array(168).fill(0.5)), labels: { dtype: 'int64', dims: [2], data: BigInt64Array.from([1n, 3n]) } });
  await s.dispose();
  assert.ok(Number.isFinite(Number(out[gg.lossName]!.data[0])));
  assert.equal(gg.gradOf.size, 8);
});

function broken(mutate: (json: Record<string, any>, shards: Map<string, Uint8Array>) => void): () => unknown {
  const f = sequentialFixture(createRng(1));
  const json = JSON.parse(JSON.stringify(f.json)) as Record<string, any>;
  const shards = new Map(f.shards);
  mutate(json, shards);
  return () => tfjsToModel(json, shards, 'model.json');
}

test('clear errors for what TF.js import does not take', () => {
  const layers = (j: Record<string, any>) => j['modelTopology'].config.layers as any[];
  assert.throws(broken((j) => {
    layers(j).splice(2, 0, { class_name: 'LSTM', config: { name: 'lstm_1', units: 4 } }, { class_name: 'Embedding', config: { name: 'emb', input_dim: 3 } });
  }), (e: Error) => e instanceof TfjsError && /2 unsupported layers: 'lstm_1' \(LSTM\), 'emb' \(Embedding\); supported: Dense, Conv2D/.test(e.message));
  assert.throws(broken((j) => { j['weightsManifest'][0].weights.splice(1, 1); }), /weight group 0 \(group1-shard1of2\.bin, group1-shard2of2\.bin\) has 868 bytes, its weights use 852/);
  assert.throws(broken((j) => { j['weightsManifest'][0].weights[1].name = 'other/bias'; }), /layer 'conv2d_Conv2D1' \(Conv2D\) needs weight 'conv2d_Conv2D1\/bias', which the manifest lacks/);
  assert.throws(broken((_, s) => { s.set('group1-shard2of2.bin', s.get('group1-shard2of2.bin')!.slice(0, 40)); }), /needs \d+ bytes at offset \d+, group 0 has \d+ .*\(truncated shard\?\)/);
  assert.throws(broken((j) => { j['weightsManifest'][0].paths[0] = '../../secret.bin'; }), /shard path "\.\.\/\.\.\/secret\.bin" must be a plain file name beside model\.json/);
  assert.throws(broken((j) => { j['format'] = 'graph-model'; }), /only TF\.js LayersModel files/);
  assert.throws(broken((j) => { layers(j)[0].config.padding = 'causal'; }), /layer 'conv2d_Conv2D1' \(Conv2D\): padding 'causal' is not supported/);
  assert.throws(broken((j) => { layers(j)[3].config.activation = 'gelu'; }), /activation 'gelu' is not supported/);
  assert.throws(broken((j) => { j['weightsManifest'][0].weights[0].shape = [2 ** 30, 2 ** 30]; }), /needs \d+ bytes at offset 0/);
});

test('a functional model with a cycle or an unknown inbound layer is refused', () => {
  const f = functionalFixture(createRng(2));
  const json = JSON.parse(JSON.stringify(f.json)) as Record<string, any>;
  const layers = json['modelTopology'].model_config.config.layers as any[];
  layers[1].inbound_nodes = [[['add', 0, 0, {}]]];
  assert.throws(() => tfjsToModel(json, f.shards, 'model.json'), /layers form a cycle through '(add|conv_a)'/);
  layers[1].inbound_nodes = [[['nowhere', 0, 0, {}]]];
  assert.throws(() => tfjsToModel(json, f.shards, 'model.json'), /layer 'conv_a' takes input from unknown layer 'nowhere'/);
});
