import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../engine/session.js';
import { checkpointOf, CheckpointError, loadCheckpoint, modelFromCheckpoint, saveCheckpoint, withWeights } from './checkpoint.js';
import type { Model } from './model.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { float32, type Tensor } from './tensor.js';
import { buildModel } from './zoo/index.js';
import { initStream, normalTensor } from './zoo/init.js';

function withTempDir(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'terrain-ckpt-'));
    try { await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
  };
}

async function logits(model: Model, x: Tensor): Promise<Float32Array> {
  const s = await Session.create(model.graph);
  const out = (await s.run({ input: x }))['logits']!.data as Float32Array;
  await s.dispose();
  return out;
}

const SPEC = { arch: 'resnet20', options: {}, inputShape: [1, 8, 8], classes: 4 };

test('save → load → modelFromCheckpoint gives the same spec, metadata, tensors and bit-identical logits', withTempDir(async (dir) => {
  const model = buildModel(SPEC, 5);
  // Trained-looking BN stats, so buffers matter to the logits.
  for (const b of model.buffers) (model.graph.initializers.get(b)!.data as Float32Array).forEach((_, i, a) => { a[i] = b.endsWith('var') ? 1 + 0.1 * i : 0.01 * i; });
  const meta = { dataset: 'digits', datasetHash: 'sha256:abc', seed: 5, epoch: 3, metrics: { loss: 0.25, accuracy: 0.9 } };
  const path = join(dir, 'model.safetensors');
  saveCheckpoint(path, checkpointOf(model, meta));
  const ckpt = loadCheckpoint(path);
  assert.deepEqual(ckpt.spec, model.spec);
  assert.deepEqual(ckpt.meta, meta);
  assert.deepEqual([...ckpt.tensors.keys()], [...model.graph.initializers.keys()].filter((k) => model.params.includes(k) || model.buffers.includes(k)));
  const rebuilt = modelFromCheckpoint(ckpt, path);
  assert.deepEqual(rebuilt.params, model.params);
  assert.deepEqual(rebuilt.buffers, model.buffers);
  const x = normalTensor([3, 1, 8, 8], 1, initStream(1, 'x'));
  assert.deepEqual(await logits(rebuilt, x), await logits(model, x));
  // A plain safetensors file underneath: the standard "format" key and the spec with defaults filled in.
  const { metadata } = readSafetensors(path);
  assert.equal(metadata['format'], 'pt');
  assert.deepEqual(JSON.parse(metadata['terrain.spec']!), { arch: 'resnet20', options: {}, inputShape: [1, 8, 8], classes: 4 });
  assert.deepEqual(readdirSync(dir), ['model.safetensors'], 'no temporary files left');
}));

test('the stored spec has defaults filled in, so the file alone rebuilds the model', withTempDir((dir) => {
  const model = buildModel({ arch: 'mlp', options: {}, inputShape: [64], classes: 10 }, 1);
  saveCheckpoint(join(dir, 'm.safetensors'), { spec: { arch: 'mlp', options: {}, inputShape: [64], classes: 10 }, tensors: checkpointOf(model).tensors, meta: {} });
  assert.deepEqual(loadCheckpoint(join(dir, 'm.safetensors')).spec.options, { widths: [128, 64], activation: 'relu' });
}));

test('modelFromCheckpoint lists missing, unexpected and mis-shaped tensors in one error; ignores num_batches_tracked', () => {
  const model = buildModel({ arch: 'cnn-small', options: {}, inputShape: [1, 8, 8], classes: 10 }, 1);
  const tensors = new Map(checkpointOf(model).tensors);
  tensors.set('bn1.num_batches_tracked', { dtype: 'int64', dims: [], data: new BigInt64Array([7n]) });
  assert.doesNotThrow(() => modelFromCheckpoint({ spec: model.spec, tensors, meta: {} }));
  tensors.delete('bn2.running_var');
  tensors.set('head.weight', float32([2]));
  tensors.set('fc.weight', float32([10, 127]));
  tensors.set('fc.bias', { dtype: 'float64', dims: [10], data: new Float64Array(10) });
  assert.throws(() => modelFromCheckpoint({ spec: model.spec, tensors, meta: {} }, 'run/model.safetensors'), (e: unknown) => {
    assert.ok(e instanceof CheckpointError);
    assert.match(e.message, /^run\/model\.safetensors: /);
    assert.match(e.message, /missing bn2\.running_var/);
    assert.match(e.message, /unexpected head\.weight/);
    assert.match(e.message, /fc\.weight has shape \[10,127\], expected \[10,128\]/);
    assert.match(e.message, /fc\.bias is float64, expected float32/);
    return true;
  });
});

test('withWeights leaves the original model untouched', () => {
  const model = buildModel({ arch: 'mlp', options: { widths: [3] }, inputShape: [2], classes: 2 }, 1);
  const before = [...(model.graph.initializers.get('fc.bias')!.data as Float32Array)];
  const tensors = new Map(checkpointOf(model).tensors);
  tensors.set('fc.bias', float32([2], [9, 9]));
  const other = withWeights(model, tensors);
  assert.deepEqual([...other.graph.initializers.get('fc.bias')!.data], [9, 9]);
  assert.deepEqual([...model.graph.initializers.get('fc.bias')!.data], before);
});

test('plain weights, bad spec metadata and non-zoo models give clear errors', withTempDir((dir) => {
  const plain = join(dir, 'plain.safetensors');
  writeSafetensors(plain, { w: float32([1]) });
  assert.throws(() => loadCheckpoint(plain), /plain\.safetensors: not a terrain checkpoint \(no 'terrain\.spec'/);
  const bad = join(dir, 'bad.safetensors');
  writeSafetensors(bad, { w: float32([1]) }, { 'terrain.spec': '{"arch":"mlp","options":{},"inputShape":[0],"classes":2}' });
  assert.throws(() => loadCheckpoint(bad), /bad\.safetensors: 'terrain\.spec' needs "inputShape"/);
  const onnx = join(dir, 'onnx.safetensors');
  saveCheckpoint(onnx, { spec: { arch: 'onnx', options: { file: 'net.onnx' }, inputShape: [4], classes: 2 }, tensors: new Map(), meta: {} });
  const ck = loadCheckpoint(onnx);
  assert.equal(ck.spec.arch, 'onnx');
  assert.throws(() => modelFromCheckpoint(ck, onnx), /'onnx' is not in the zoo \(mlp, cnn-small, .*withWeights/);
  const unknown = join(dir, 'unknown.safetensors');
  writeSafetensors(unknown, {}, { 'terrain.spec': '{"arch":"mlp","options":{"depth":3},"inputShape":[4],"classes":2}' });
  assert.throws(() => modelFromCheckpoint(loadCheckpoint(unknown), unknown), /cannot rebuild the model from its spec: mlp: unknown option 'depth'/);
}));

test('a failed save leaves the previous checkpoint intact and no temporary file', withTempDir((dir) => {
  const path = join(dir, 'model.safetensors');
  const model = buildModel({ arch: 'mlp', options: { widths: [4] }, inputShape: [3], classes: 2 }, 1);
  saveCheckpoint(path, checkpointOf(model, { epoch: 1 }));
  const before = readFileSync(path);
  const broken = new Map(checkpointOf(model).tensors);
  broken.set('fc.bias', { dtype: 'float32', dims: [5], data: new Float32Array(2) });
  assert.throws(() => saveCheckpoint(path, { spec: model.spec, tensors: broken, meta: { epoch: 2 } }), /fc\.bias/);
  assert.throws(() => saveCheckpoint(path, checkpointOf(model, { epoch: 2n })), /JSON-serialisable/);
  assert.deepEqual(readFileSync(path), before);
  assert.deepEqual(readdirSync(dir), ['model.safetensors']);
}));
