import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../../ir/zoo/index.js';
import { checkpointOf } from '../../ir/checkpoint.js';
import { readSafetensors, writeSafetensors } from '../../ir/safetensors.js';
import type { Tensor } from '../../ir/tensor.js';
import { paramsOf } from '../params.js';
import { createRng } from '../rng.js';
import { recomputeRunningStats } from './recompute.js';
import { crossCheckSkip, PYTHON_DIR, pythonHas, pythonPath } from '../../testing/python.js';

const hasTorch = pythonHas('torch');

test('--bn recompute equals PyTorch reset_running_stats + momentum=None over the same batches', async (t) => {
  if (!hasTorch) { t.skip(crossCheckSkip('torch')); return; }
  const spec = { arch: 'cnn-small', options: {}, inputShape: [1, 8, 8], classes: 10 };
  const model = buildModel(spec, 3);
  const rng = createRng(11);
  const batches = [8, 8, 5].map((n) => {
    const x: Tensor = { dtype: 'float32', dims: [n, 1, 8, 8], data: Float32Array.from({ length: n * 64 }, () => rng.normal() * 2 + 0.5) };
    return { x, y: { dtype: 'int64', dims: [n], data: new BigInt64Array(n) } as Tensor, size: n };
  });
  const ours = await recomputeRunningStats(model, paramsOf(model), batches);
  const dir = mkdtempSync(join(tmpdir(), 'terrain-bnr-'));
  writeSafetensors(join(dir, 'w.safetensors'), checkpointOf(model).tensors);
  writeSafetensors(join(dir, 'b.safetensors'), new Map(batches.map((b, k) => [`x${k}`, b.x])));
  const r = spawnSync(pythonPath(), [join(PYTHON_DIR, 'bn_recompute.py'), JSON.stringify(spec), join(dir, 'w.safetensors'), join(dir, 'b.safetensors'), join(dir, 'out.safetensors')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const ref = readSafetensors(join(dir, 'out.safetensors')).tensors;
  assert.equal(ours.size, model.buffers.length);
  for (const [name, t] of ours) {
    const a = t.data as Float32Array, b = ref.get(name)!.data as Float32Array;
    let err = 0, scale = 0;
    for (let i = 0; i < a.length; i++) { err = Math.max(err, Math.abs(a[i]! - b[i]!)); scale = Math.max(scale, Math.abs(b[i]!)); }
    assert.ok(err <= 1e-5 * scale, `${name}: max error ${err} (scale ${scale})`);
  }
});
