import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockJobId, decodeBlockResult, encodeBlockResult, parseBlockJobData } from './blocks.js';
import { blockShape } from './adaptive-queue.js';
import type { LabeledBatch } from '../core/evaluate/point.js';
import type { BlockTask } from '../core/landscape/job.js';

const task: BlockTask = { index: 4, from: 2, count: 2 };
const stats = [
  { lossSum: Infinity, lossSqSum: NaN, correct: 3, size: 4, losses: Float64Array.of(1, 2, Infinity, 0.5) },
  { lossSum: 1.25, lossSqSum: 2.5, correct: 0, size: 2, losses: Float64Array.of(-0, 1.25) },
];

test('a block answer survives JSON (non-finite sums and per-sample losses exactly) and is accepted for its own task only', () => {
  const wire = JSON.parse(JSON.stringify(encodeBlockResult(task, stats, 'h:1', 5))) as unknown;
  const back = decodeBlockResult(wire, task, { sizes: [4, 2], losses: true });
  assert.ok(Array.isArray(back), String(back));
  assert.deepEqual(back, stats);
  assert.ok(Object.is(back[1]!.losses![0], -0));
  const reason = (r: unknown, t: BlockTask = task, shape = { sizes: [4, 2], losses: true }): string => {
    const v = decodeBlockResult(r, t, shape);
    assert.equal(typeof v, 'string', 'must be refused');
    return v as string;
  };
  assert.match(reason(wire, { index: 5, from: 2, count: 2 }), /another task/);
  assert.match(reason(wire, { index: 4, full: true }), /another task/);
  assert.match(reason(wire, task, { sizes: [4, 2, 2], losses: true }), /expected 3 batches/);
  assert.match(reason(wire, task, { sizes: [4, 3], losses: true }), /batch 1 .*size 3/);
  assert.match(reason(wire, task, { sizes: [4, 2], losses: false }), /losses where the run keeps none/);
  const w = wire as { batches: unknown[][]; losses: string };
  assert.match(reason({ ...w, losses: undefined }), /losses missing/);
  assert.match(reason({ ...w, losses: w.losses.slice(0, 8) }), /per-sample losses for 6 samples|not float64/);
  assert.match(reason({ ...w, batches: [w.batches[0], ['x', 1, 0, 2]] }), /batch 1 is malformed/);
  assert.match(reason({ ...w, batches: [w.batches[0], [1, 1, 3, 2]] }), /batch 1 is malformed/); // 3 hits of 2 samples
  assert.match(reason(null), /no result object/);
});

test('block job ids are deterministic in the task; payloads that are not block jobs are refused by name', () => {
  assert.equal(blockJobId('0123456789abcdef', task), '0123456789abcdef-b4-2-2');
  assert.equal(blockJobId('0123456789abcdef', { index: 4, full: true }), '0123456789abcdef-b4-full');
  const ok = { manifest: 'a'.repeat(64), dir: '/d', runKey: '0123456789abcdef', task };
  assert.deepEqual(parseBlockJobData(ok, 'j'), ok);
  for (const bad of [{ ...ok, task: { index: 1, from: 0, count: 0 } }, { ...ok, task: { index: 1, full: true, from: 0 } }, { ...ok, runKey: 'x' }, null]) {
    assert.throws(() => parseBlockJobData(bad, 'j'), /job j: payload is not a terrain block job/);
  }
});

test('a task\'s expected batch sizes: whole batches of the permutation, the last the remainder; the split\'s own batches when full', () => {
  const batch = (size: number): LabeledBatch => ({ size } as LabeledBatch);
  const shape = blockShape({ kind: 'curve', batches: [batch(64), batch(64), batch(22)] }, 32);
  assert.deepEqual(shape({ index: 0, from: 3, count: 2 }), { sizes: [32, 22], losses: true }); // 150 = 4 × 32 + 22
  assert.deepEqual(shape({ index: 0, full: true }), { sizes: [64, 64, 22], losses: false });
  assert.equal(blockShape({ kind: 'surface', batches: [batch(10)] }, 4)({ index: 0, from: 0, count: 1 }).losses, false);
});
