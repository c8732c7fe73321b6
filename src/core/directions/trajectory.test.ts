import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSafetensors, selectTrajectory } from './trajectory.js';

test('epochs in numeric order after init, final excluded, other files ignored', () => {
  const t = selectTrajectory('run', ['run/epoch-10.safetensors', 'run/final.safetensors', 'run/epoch-2.safetensors', 'run/init.safetensors', 'run/run.json', 'run/epoch-1.safetensors']);
  assert.deepEqual(t.points, ['run/init.safetensors', 'run/epoch-1.safetensors', 'run/epoch-2.safetensors', 'run/epoch-10.safetensors']);
  assert.equal(t.final, 'run/final.safetensors');
  assert.deepEqual(t.ignored, ['run/run.json']);
});

test('without final.safetensors the last epoch is the final point', () => {
  const t = selectTrajectory('run', ['run/epoch-3.safetensors', 'run/epoch-20.safetensors', 'run/init.safetensors']);
  assert.equal(t.final, 'run/epoch-20.safetensors');
  assert.deepEqual(t.points, ['run/init.safetensors', 'run/epoch-3.safetensors']);
});

test('too few checkpoints: clear errors', () => {
  assert.throws(() => selectTrajectory('run', ['run/init.safetensors']), /pca:run: no final\.safetensors or epoch-N\.safetensors .*found: init\.safetensors/);
  assert.throws(() => selectTrajectory('run', []), /found: nothing/);
  assert.throws(() => selectTrajectory('run', ['run/final.safetensors']), /only the final checkpoint final\.safetensors .*saving every N epochs/);
});

test('listSafetensors lists a real directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-traj-'));
  try {
    for (const f of ['epoch-1.safetensors', 'init.safetensors', 'notes.txt']) writeFileSync(join(dir, f), '');
    assert.deepEqual(await listSafetensors(dir), [join(dir, 'epoch-1.safetensors'), join(dir, 'init.safetensors')]);
    await assert.rejects(listSafetensors(join(dir, 'nope')), /cannot read the training directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
