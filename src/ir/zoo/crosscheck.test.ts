// test/python/crosscheck.py, the PyTorch reference for terrain's autodiff: its own Python tests (hand backprop,
// finite differences, the running-stat formula), then the real CLI fed with files written by terrain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../engine/session.js';
import { readSafetensors, writeSafetensors } from '../safetensors.js';
import { int64 } from '../tensor.js';
import { buildModel } from './index.js';
import { initStream, normalTensor } from './init.js';
import { npyBytes, runPython, torchAvailable } from '../../testing/pytorch.js';

test('crosscheck.py passes its own checks against hand backprop and finite differences', (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  runPython('test_crosscheck.py', []);
});

test('crosscheck.py on terrain-written files: gradient names/shapes, loss equal to ORT logits + cross-entropy', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'terrain-cc-'));
  try {
    const model = buildModel({ arch: 'cnn-small', options: { channels: [4, 6] }, inputShape: [1, 8, 8], classes: 5 }, 11);
    const n = 7;
    const x = normalTensor([n, 1, 8, 8], 1, initStream(1, 'x'));
    const labels = Array.from({ length: n }, (_, i) => (i * 3) % 5);
    const files = { spec: join(dir, 'spec.json'), weights: join(dir, 'w.safetensors'), input: join(dir, 'x.npy'), labels: join(dir, 'y.npy') };
    writeFileSync(files.spec, JSON.stringify(model.spec));
    writeSafetensors(files.weights, new Map([...model.params, ...model.buffers].map((k) => [k, model.graph.initializers.get(k)!])));
    writeFileSync(files.input, npyBytes(x));
    writeFileSync(files.labels, npyBytes(int64([n], labels)));

    const session = await Session.create(model.graph);
    const logits = (await session.run({ input: x }))['logits']!.data as Float32Array;
    await session.dispose();
    let expectedLoss = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(logits.subarray(i * 5, i * 5 + 5));
      const m = Math.max(...row);
      expectedLoss += m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - row[labels[i]!]!;
    }
    expectedLoss /= n;

    for (const bn of ['eval', 'train'] as const) {
      const grads = join(dir, `g-${bn}.safetensors`);
      const stdout = runPython('crosscheck.py', ['--spec', files.spec, '--weights', files.weights, '--input', files.input, '--labels', files.labels, '--bn', bn, '--grads', grads]);
      const out = JSON.parse(stdout.trim().split('\n').pop()!) as { loss: number; parameters: string[]; running_stats?: Record<string, number[]> };
      assert.deepEqual(out.parameters, model.params);
      const g = readSafetensors(grads).tensors;
      assert.deepEqual([...g.keys()], model.params, 'gradient file lists the parameters in order');
      for (const p of model.params) assert.deepEqual(g.get(p)!.dims, model.graph.initializers.get(p)!.dims, p);
      if (bn === 'eval') {
        assert.ok(Math.abs(out.loss - expectedLoss) <= 1e-5 * Math.abs(expectedLoss), `loss ${out.loss} vs ORT ${expectedLoss}`);
        assert.equal(out.running_stats, undefined);
      } else {
        assert.deepEqual(Object.keys(out.running_stats!).sort(), [...model.buffers].sort());
        // Fresh BN stats (mean 0, var 1) move by momentum 0.1 towards the batch statistics.
        assert.ok(out.running_stats!['bn1.running_mean']!.some((v) => v !== 0));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
