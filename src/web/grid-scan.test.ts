// Logs read tail by tail: a growing points.jsonl is counted once per point (duplicates and torn tails ignored), and a
// --tolerance run in progress shows each unfinished point's estimate from samples.jsonl, checked against statistics
// computed here from the per-sample losses themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplingFor } from './downsample.js';
import { gridPlan, scanGrid } from './grid-scan.js';

const range = (count: number) => ({ from: -1, to: 1, count });

test('points.jsonl is extended tail by tail; duplicates, torn lines and a replaced file are handled', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'terrain-scan-'));
  try {
    const plan = gridPlan([range(7), range(5)], samplingFor([7, 5], 3)); // every 3rd x, every 2nd y: 3×3 shown
    assert.deepEqual(plan.sampling.shown, [3, 3]);
    const rec = (index: number, loss: number): string => JSON.stringify({ index, loss, accuracy: 0.5, lossStderr: 0.1 }) + '\n';
    await writeFile(join(dir, 'points.jsonl'), rec(0, 10) + rec(3, 13) + rec(0, 99) + '{"index": 6, "lo');
    let s = await scanGrid(dir, plan, undefined, []);
    assert.equal(s.done, 2, 'the duplicate and the torn line are not points');
    assert.deepEqual([...s.values.get('loss')!].slice(0, 3), [10, 13, NaN]);
    await appendFile(join(dir, 'points.jsonl'), 'ss": 16}\n' + rec(14, 24) + rec(5, 15));
    s = await scanGrid(dir, plan, undefined, []);
    assert.equal(s.done, 5);
    assert.deepEqual([...s.values.get('loss')!], [10, 13, 16, 24, NaN, NaN, NaN, NaN, NaN]); // index 14 = (0, 2): row 1 shown
    await rm(join(dir, 'points.jsonl'));
    await writeFile(join(dir, 'points.jsonl'), rec(34, 1));
    s = await scanGrid(dir, plan, undefined, []);
    assert.equal(s.done, 1, 'a replaced file is read again from its start');
    assert.equal(s.values.get('loss')![8], 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a --tolerance run in progress: unfinished points show their estimate from samples.jsonl, and the pass reached', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'terrain-scan-'));
  try {
    const N = 40;
    const lossOf = (point: number, k: number): number => 0.5 + point + Math.sin(k * 1.7) * 0.3;
    const hit = (k: number): number => (k % 3 === 0 ? 0 : 1);
    const batch = (point: number, from: number, size: number): number[] => {
      let s = 0, sq = 0, c = 0;
      for (let k = from; k < from + size; k++) { const v = lossOf(point, k); s += v; sq += v * v; c += hit(k); }
      return [s, sq, c, size];
    };
    // Point 0: two blocks (pass 2); point 1: one block; point 2: finished (points.jsonl wins).
    const lines = [
      { index: 0, from: 0, batches: [batch(0, 0, 8)] }, { index: 1, from: 0, batches: [batch(1, 0, 8)] }, { index: 2, from: 0, batches: [batch(2, 0, 8)] },
      { index: 0, from: 1, batches: [batch(0, 8, 8), batch(0, 16, 8)] }, { index: 0, from: 1, batches: [batch(0, 8, 8)] },
    ];
    await writeFile(join(dir, 'samples.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    await writeFile(join(dir, 'points.jsonl'), JSON.stringify({ index: 2, loss: 2.5, samples: 8, lossSampleStderr: 0.01 }) + '\n');
    const plan = gridPlan([range(3)], samplingFor([3], 100));
    const s = await scanGrid(dir, plan, N, []);
    assert.equal(s.pass, 2);
    assert.equal(s.blocks, 4, 'the duplicate block is not counted');
    assert.equal(s.done, 1);
    // Ground truth for point 0 from its 24 per-sample losses (the duplicate block is ignored).
    const v = Array.from({ length: 24 }, (_, k) => lossOf(0, k));
    const mean = v.reduce((a, b) => a + b) / 24;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / 23);
    const se = (sd / Math.sqrt(24)) * Math.sqrt(1 - 24 / N);
    const p = Array.from({ length: 24 }, (_, k) => hit(k)).reduce((a, b) => a + b) / 24;
    const ase = Math.sqrt((p * (1 - p) * 24) / 23 / 24) * Math.sqrt(1 - 24 / N);
    const at = (f: string, i: number): number => s.values.get(f)![i]!;
    assert.ok(Math.abs(at('loss', 0) - mean) < 1e-12);
    assert.ok(Math.abs(at('lossSampleStderr', 0) - se) < 1e-12, `${at('lossSampleStderr', 0)} vs ${se}`);
    assert.ok(Math.abs(at('accuracy', 0) - p) < 1e-12);
    assert.ok(Math.abs(at('accuracyStderr', 0) - ase) < 1e-12);
    assert.equal(at('samples', 0), 24);
    assert.equal(at('samples', 1), 8);
    assert.equal(at('loss', 2), 2.5, 'a finished point shows its record');
    assert.equal(at('lossSampleStderr', 2), 0.01);
    // One sample: no spread to estimate, ∞ as the finished record would say (core/evaluate/sample-stats.ts).
    await writeFile(join(dir, 'samples.jsonl'), JSON.stringify({ index: 1, from: 0, batches: [batch(1, 0, 1)] }) + '\n');
    await writeFile(join(dir, 'points.jsonl'), '');
    const one = await scanGrid(dir, plan, N, []);
    assert.equal(one.values.get('lossSampleStderr')![1], Infinity);
    assert.equal(one.values.get('accuracyStderr')![1], Infinity);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
