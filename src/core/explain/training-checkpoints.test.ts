// Step checkpoints (terrain train --save-steps) take their place among epoch checkpoints by the fractional epoch in
// their metadata, not by their file names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { checkpointOf, saveCheckpoint } from '../../ir/checkpoint.js';
import { buildModel } from '../../ir/zoo/index.js';
import { trainingCheckpoints } from './training-curvature.js';

test('trainingCheckpoints places step-N files by their metadata epoch between init, epoch-N and final', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-step-ckpts-'));
  try {
    const model = buildModel({ arch: 'mlp', options: { widths: [4] }, inputShape: [3], classes: 2 }, 0);
    const save = (name: string, epoch: number): void => saveCheckpoint(join(dir, name), checkpointOf(model, { epoch }));
    save('init.safetensors', 0);
    save('epoch-001.safetensors', 1);
    save('epoch-002.safetensors', 2);
    save('final.safetensors', 2);
    save('step-000150.safetensors', 1.5); // after epoch 1 although "step-000150" sorts after "epoch-…" by name
    save('step-000020.safetensors', 0.2);
    save('step-000100.safetensors', 1); // the last step of epoch 1: same epoch as epoch-001, placed after it
    assert.deepEqual(trainingCheckpoints(dir).map((p) => basename(p)), [
      'init.safetensors', 'step-000020.safetensors', 'epoch-001.safetensors', 'step-000100.safetensors', 'step-000150.safetensors', 'epoch-002.safetensors', 'final.safetensors',
    ]);
    saveCheckpoint(join(dir, 'step-000007.safetensors'), checkpointOf(model, {}));
    assert.throws(() => trainingCheckpoints(dir), /step-000007\.safetensors has no epoch in its metadata/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
