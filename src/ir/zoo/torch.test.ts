// Every zoo model against its PyTorch twin (test/python/zoo.py): names, shapes, order and counts exactly, then the
// same weights (written here as safetensors, loaded there with strict=True) and input give the same logits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../engine/session.js';
import type { Model, ModelSpec } from '../model.js';
import { readSafetensors, writeSafetensors } from '../safetensors.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { buildModel, zooNames } from './index.js';
import { fans, initStream, normalTensor } from './init.js';
import { runPython, torchAvailable } from '../../testing/pytorch.js';

const spec = (arch: string, inputShape: number[], classes = 10, options: Record<string, unknown> = {}): ModelSpec => ({ arch, options, inputShape, classes });

const CASES: { id: string; spec: ModelSpec }[] = [
  { id: 'mlp-relu', spec: spec('mlp', [1, 8, 8], 10, { widths: [32, 16] }) },
  { id: 'mlp-tanh', spec: spec('mlp', [64], 10, { activation: 'tanh' }) },
  { id: 'mlp-sigmoid', spec: spec('mlp', [3, 4, 4], 3, { activation: 'sigmoid', widths: [20] }) },
  { id: 'mlp-leaky', spec: spec('mlp', [12], 4, { activation: 'leaky-relu', negativeSlope: 0.2, widths: [16, 16, 8] }) },
  { id: 'cnn-small', spec: spec('cnn-small', [1, 8, 8]) },
  { id: 'cnn-small-3', spec: spec('cnn-small', [3, 32, 32], 10, { channels: [8, 16, 32] }) },
  { id: 'resnet20', spec: spec('resnet20', [3, 32, 32]) },
  { id: 'resnet32', spec: spec('resnet32', [3, 16, 16]) },
  { id: 'resnet56', spec: spec('resnet56', [1, 8, 8], 7) },
  { id: 'vgg11-bn', spec: spec('vgg11-bn', [1, 8, 8]) },
  { id: 'vgg16-bn', spec: spec('vgg16-bn', [3, 32, 32]) },
  { id: 'mobilenetv2', spec: spec('mobilenetv2', [3, 32, 32]) },
  { id: 'mobilenetv2-half', spec: spec('mobilenetv2', [1, 12, 12], 5, { width: 0.5 }) },
];
const BATCH = 3;
const REL_TOL = 1e-5;

test('every zoo model matches its PyTorch twin: names, shapes, counts, eval logits', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  assert.deepEqual([...new Set(CASES.map((c) => c.spec.arch))].sort(), zooNames().sort(), 'every zoo model is covered');
  const dir = mkdtempSync(join(tmpdir(), 'terrain-zoo-'));
  try {
    const models = CASES.map((c) => ({ ...c, model: buildModel(c.spec, 0, { zeroInit: true }) }));
    const manifest = models.map(({ id, model }, i) => {
      const weights = join(dir, `${id}.safetensors`);
      const input = join(dir, `${id}.input.safetensors`);
      exerciseWeights(model, 200 + i);
      writeSafetensors(weights, new Map([...model.params, ...model.buffers].map((n) => [n, model.graph.initializers.get(n)!])));
      writeSafetensors(input, { input: normalTensor([BATCH, ...model.spec.inputShape], 2, initStream(i, 'input')) });
      return { id, spec: model.spec, weights, input };
    });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    runPython('zoo.py', ['compare', join(dir, 'manifest.json'), join(dir, 'out.json')]);
    const torch = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Record<string, { params: [string, number[]][]; buffers: [string, number[]][]; count: number; logits: number[] }>;
    for (const { id, model } of models) {
      await t.test(id, async (st) => {
        const ref = torch[id]!;
        const shapes = (names: string[]): [string, number[]][] => names.map((n) => [n, model.graph.initializers.get(n)!.dims]);
        assert.deepEqual(shapes(model.params), ref.params, `${id}: parameter names/shapes/order`);
        assert.deepEqual(shapes(model.buffers), ref.buffers, `${id}: buffer names/shapes/order`);
        const count = model.params.reduce((a, n) => a + sizeOf(model.graph.initializers.get(n)!.dims), 0);
        assert.equal(count, ref.count, `${id}: parameter count`);
        const input = manifest.find((m) => m.id === id)!.input;
        const x = readSafetensors(input).tensors.get('input')!;
        const session = await Session.create(model.graph);
        const logits = (await session.run({ input: x }))['logits']!;
        await session.dispose();
        assert.deepEqual(logits.dims, [BATCH, model.spec.classes]);
        const rel = relativeError(logits, ref.logits);
        st.diagnostic(`${id}: ${count} parameters, logits max|Δ|/max|torch| = ${rel.toExponential(2)}`);
        assert.ok(rel <= REL_TOL, `${id}: logits differ from PyTorch by ${rel} (relative), tolerance ${REL_TOL}`);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resnet20 has the published 269,722 parameters at 3x32x32 / 10 classes', () => {
  const m = buildModel(spec('resnet20', [3, 32, 32]), 0);
  assert.equal(m.params.reduce((a, n) => a + sizeOf(m.graph.initializers.get(n)!.dims), 0), 269_722);
});

/**
 * Replaces the zoo's init by weights that exercise every path in eval mode: fan-in scaled weights (signals neither
 * vanish nor explode through identity-like BN), BN scale/shift/mean/var all different from the identity (so a
 * swapped BN input would show), values large enough that ReLU6 clips.
 */
function exerciseWeights(model: Model, seed: number): void {
  for (const name of [...model.params, ...model.buffers]) {
    const t = model.graph.initializers.get(name)!;
    const s = initStream(seed, name);
    const d = t.data as Float32Array;
    const u = (lo: number, hi: number): number => lo + (hi - lo) * s.uniform();
    const isBn = t.dims.length === 1 && model.buffers.includes(name.replace(/\.(weight|bias)$/, '.running_mean'));
    for (let i = 0; i < d.length; i++) {
      if (name.endsWith('running_mean')) d[i] = 0.5 * s.normal();
      else if (name.endsWith('running_var')) d[i] = u(0.5, 2);
      else if (isBn && name.endsWith('.weight')) d[i] = u(0.5, 1.5);
      else if (isBn) d[i] = 0.5 * s.normal();
      else if (t.dims.length === 1) d[i] = 0.1 * s.normal();
      else d[i] = Math.sqrt(2 / fans(t.dims).fanIn) * s.normal();
    }
  }
}

function relativeError(a: Tensor, b: number[]): number {
  assert.equal(a.data.length, b.length);
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a.data[i] as number) - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}
