// A seed's outcome goes through points.jsonl and back unchanged; a line that is not a seed's outcome is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunDir } from '../runs/run-dir.js';
import type { SeedOutcome } from './job.js';
import { appendSeed, finishedSeed, type SeedRecord } from './seed.js';

test('appendSeed/finishedSeed: the outcome read back (after a reopen) equals the one written; a grid point is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-seed-'));
  try {
    const config = { kind: 'mine', identity: { seeds: [4, 5] }, info: {} };
    const outcome: SeedOutcome = {
      seed: 4, type: 'w-peak', success: true, typeConfidence: 0.95, uncertain: false, inSampleType: null, finalObjective: 0.25, heldOutObjective: 0.5,
      steps: 10, seconds: 1.5, objectiveHistory: [{ step: 5, objective: 1 }, { step: 10, objective: 0.5 }], heldOutLoss: [1, 0.5, 1], inSampleLoss: null,
      direction: join(dir, 'seed-4', 'direction.safetensors'), curve: join(dir, 'seed-4', 'heldout', 'result.json'),
    };
    let run = await RunDir.open<SeedRecord>(dir, config);
    await appendSeed(run, 0, outcome);
    run.close();
    appendFileSync(join(dir, 'points.jsonl'), JSON.stringify({ index: 1, loss: 0.5 }) + '\n'); // a grid point's line
    run = await RunDir.open<SeedRecord>(dir, config);
    assert.deepEqual(finishedSeed(run, 0), outcome);
    assert.throws(() => finishedSeed(run, 1), /seed record 1 is missing or lacks seed, type, success or direction/);
    assert.throws(() => finishedSeed(run, 2), /seed record 2/);
    run.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
