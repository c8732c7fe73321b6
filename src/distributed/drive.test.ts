import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import { RunDir } from '../core/runs/run-dir.js';
import { connect } from './connect.js';
import { driveRun } from './drive.js';
import { encodeRecord, type ChunkJobData, type QueueRecord } from './protocol.js';
import { connectionOptions } from './queue-url.js';
import { NO_REDIS, localRedis, uniqueQueue } from '../testing/local-redis.js';

const work = mkdtempSync(join(tmpdir(), 'terrain-drive-'));
after(async () => (await localRedis())?.close());

function record(runKey: string, total: number, chunk: number): QueueRecord {
  return { format: 'terrain-queue/1', url: 'redis://test', runKey, manifest: 'f'.repeat(64), chunk, total, shipped: false, keys: [] };
}

/** Runs driveRun against an in-process BullMQ worker whose answers the test chooses. */
async function drive(tag: string, total: number, chunk: number, answer: (job: Job<ChunkJobData>) => unknown, prefill: number[] = []) {
  const redis = await localRedis();
  if (!redis) return undefined;
  const url = redis.url(uniqueQueue(tag));
  const run = await RunDir.open(join(work, tag), { kind: 'curve', identity: { tag }, info: {} });
  for (const i of prefill) await run.append({ index: i, loss: -1, accuracy: -1, lossStderr: -1 });
  const worker = new Worker(url.queue, async (job: Job<ChunkJobData>) => answer(job), { connection: connectionOptions(url) });
  const conn = await connect(url);
  const progress: number[] = [];
  try {
    const runKey = '00000000000000aa';
    const out = await driveRun({ queue: conn.queue, events: conn.events, run, record: record(runKey, total, chunk), dir: run.dir, onProgress: (p) => progress.push(p.done), pollMs: 300 });
    const counts = await conn.queue.getJobCounts('completed', 'waiting', 'active', 'failed');
    return { run, out, progress, counts, lines: readFileSync(run.path('points.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { index: number; loss: unknown }) };
  } finally {
    await worker.close();
    await conn.queue.obliterate({ force: true }).catch(() => undefined);
    await conn.close();
  }
}

test('every point is written once: duplicates, foreign indices and finished points are ignored, NaN kept', async (t) => {
  const res = await drive('dup', 10, 3, (job) => ({
    points: [...job.data.indices, 0, 999].map((index) => encodeRecord({ index, loss: index === 5 ? NaN : index / 10, accuracy: 0.5, lossStderr: 0 })),
    worker: 'test', ms: 0,
  }), [0, 1]);
  if (!res) return t.skip(NO_REDIS);
  assert.deepEqual(res.lines.map((l) => l.index).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(res.lines.find((l) => l.index === 0)!.loss, -1, 'a finished point is never overwritten');
  assert.ok(Number.isNaN(res.run.finished.get(5)!['loss']), 'NaN arrives as NaN, as in the in-process run');
  assert.equal(res.run.finished.get(7)!['loss'], 0.7);
  assert.equal(res.out.computedNow, 8);
  assert.equal(res.counts['completed'], 0, 'collected jobs are removed from Redis');
  assert.equal(res.progress.at(-1), 10);
});

test('a chunk that fails on every attempt stops the run with the worker\'s reason', async (t) => {
  const redis = await localRedis();
  if (!redis) return t.skip(NO_REDIS);
  await assert.rejects(drive('fail', 6, 2, (job) => {
    if (job.data.chunk === 1) throw new Error('model blob missing on this worker');
    return { points: job.data.indices.map((index) => ({ index, loss: 1, accuracy: 1, lossStderr: 0 })), worker: 'test', ms: 0 };
  }), /chunk 1 \(points 2…3\) failed on every attempt: model blob missing on this worker/);
});
