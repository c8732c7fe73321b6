import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, type Job } from 'bullmq';
import type { BlockTask } from '../core/landscape/job.js';
import type { BlockAnswer } from '../core/landscape/adaptive-run.js';
import { connect } from './connect.js';
import { BlockDriver } from './drive-blocks.js';
import { blockJobId, encodeBlockResult, type BlockJobData } from './blocks.js';
import type { QueueRecord } from './protocol.js';
import { connectionOptions } from './queue-url.js';
import { NO_REDIS, localRedis, uniqueQueue } from '../testing/local-redis.js';

after(async () => (await localRedis())?.close());

const runKey = '00000000000000bb';
const record: QueueRecord = { format: 'terrain-queue/1', url: 'redis://test', runKey, manifest: 'e'.repeat(64), chunk: 1, total: 8, shipped: false, keys: [] };
const shape = (t: BlockTask) => ({ sizes: 'full' in t ? [3, 3] : Array.from({ length: t.count }, () => 4), losses: false });
const stats = (t: BlockTask) => shape(t).sizes.map((size) => ({ lossSum: t.index + size, lossSqSum: NaN, correct: 1, size }));

/** One pass of `tasks` through an in-process BullMQ worker whose answers the test chooses. */
async function pass(tag: string, tasks: BlockTask[], answer: (job: Job<BlockJobData>) => unknown) {
  const redis = await localRedis();
  if (!redis) return undefined;
  const url = redis.url(uniqueQueue(tag));
  const worker = new Worker(url.queue, async (job: Job<BlockJobData>) => answer(job), { connection: connectionOptions(url), concurrency: 4 });
  const conn = await connect(url);
  const applied: BlockAnswer[][] = [];
  try {
    const driver = new BlockDriver({ queue: conn.queue, events: conn.events, record, dir: '/nowhere', shape, pollMs: 300, redisWaitMs: 20_000 });
    await driver.runPass(tasks, async (answers) => { applied.push([...answers]); });
    return { applied, completed: (await conn.queue.getJobCounts('completed'))['completed'] };
  } finally {
    await worker.close();
    await conn.queue.obliterate({ force: true }).catch(() => undefined);
    await conn.close();
  }
}

const tasks: BlockTask[] = [...Array.from({ length: 7 }, (_, i): BlockTask => ({ index: i, from: 1, count: 2 })), { index: 7, full: true }];

test('a pass hands every block to the writer exactly once, with its statistics, and removes the collected jobs', { timeout: 60_000 }, async (t) => {
  const res = await pass('pass', tasks, (job) => encodeBlockResult(job.data.task, stats(job.data.task), 'test', 0));
  if (!res) return t.skip(NO_REDIS);
  const got = res.applied.flat();
  assert.deepEqual(got.map((a) => blockJobId(runKey, a.task)).sort(), tasks.map((k) => blockJobId(runKey, k)).sort());
  for (const a of got) assert.deepEqual(a.batches, stats(a.task));
  assert.equal(res.completed, 0);
});

test('a block that fails on every attempt stops the pass, naming the point and its batches', { timeout: 60_000 }, async (t) => {
  if (!(await localRedis())) return t.skip(NO_REDIS);
  await assert.rejects(pass('fail', tasks.slice(0, 3), (job) => {
    if (job.data.task.index === 2) throw new Error('model blob missing on this worker');
    return encodeBlockResult(job.data.task, stats(job.data.task), 'test', 0);
  }), /block point 2, batches 1…2 failed on every attempt: model blob missing on this worker/);
});
