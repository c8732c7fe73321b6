// terrain sharpness --models DIR: a directory without checkpoints is named by --models (the shell's flag, passed to
// core) and refused as bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeFor } from '../errors.js';
import { expandModels } from './sharpness.js';

test('--models DIR without checkpoints: the message leads with --models, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-models-'));
  try {
    writeFileSync(join(dir, 'notes.txt'), 'x');
    assert.throws(() => expandModels(dir), (e: Error) => exitCodeFor(e) === 2 && e.message.startsWith(`--models ${dir}: no init.safetensors`) && !e.message.includes('--checkpoints'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
