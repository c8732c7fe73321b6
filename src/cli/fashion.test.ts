// ResNet-20 on real Fashion-MNIST (Debian's dataset-fashion-mnist): one epoch on 10,000 images beats 80 % test
// accuracy, and the same seed gives identical checkpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../ir/checkpoint.js';
import { trainedFashionResnet20 } from '../testing/fashion.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const FASHION = '/usr/share/datasets/fashion-mnist';
const work = mkdtempSync(join(tmpdir(), 'terrain-fashion-'));

function train(out: string, samples: number): Record<string, unknown> {
  const r = spawnSync(process.execPath, [MAIN, 'train', '--model', 'resnet20', '--data', 'fashion-mnist', '--samples', String(samples),
    '--epochs', '1', '--batch', '64', '--optimizer', 'adam', '--lr', '0.002', '--weight-decay', '0', '--seed', '0', '--save-every', '0',
    '--out', out, '--json'], { encoding: 'utf8', env: { ...process.env, TERRAIN_NO_PROGRESS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

test('resnet20, 1 epoch on 10,000 Fashion-MNIST images: test accuracy > 80 %', async (t) => {
  if (!existsSync(FASHION)) { t.skip(`${FASHION} missing (apt-get install dataset-fashion-mnist)`); return; }
  // The same training as train() above (plus a step checkpoint, which leaves the trajectory unchanged), shared with
  // the landscape and Hessian test files so that the suite trains this model once.
  const dir = await trainedFashionResnet20(0, ['--save-steps', '20']);
  const r = JSON.parse(readFileSync(join(dir, 'train.json'), 'utf8')) as { testAccuracy: number };
  assert.ok(r.testAccuracy > 0.8, `test accuracy ${r.testAccuracy}`);
});

test('resnet20 on Fashion-MNIST: the same seed twice gives identical checkpoints', (t) => {
  if (!existsSync(FASHION)) { t.skip(`${FASHION} missing (apt-get install dataset-fashion-mnist)`); return; }
  train(join(work, 'a'), 640);
  train(join(work, 'b'), 640);
  const a = loadCheckpoint(join(work, 'a', 'final.safetensors')).tensors;
  const b = loadCheckpoint(join(work, 'b', 'final.safetensors')).tensors;
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, t1] of a) assert.deepEqual(Buffer.from((t1.data as Float32Array).buffer), Buffer.from((b.get(k)!.data as Float32Array).buffer), k);
});
