// terrain worker: pulls chunk jobs from the queue, rebuilds each run's job from its content-addressed bundle (shared
// run directory or Redis), evaluates the points with the same code as the in-process run, returns their records.
// A --tolerance run's jobs are blocks (a point on a run of the shared permutation's batches): their per-batch sums.
// A killed worker's job is recovered by BullMQ's stalled-job check in the other workers (after lockMs).
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { blockEvaluator, pointEvaluator, type BlockTask } from '../core/landscape/job.js';
import { permutedBatches } from '../core/landscape/adaptive.js';
import type { SampleBatchStats } from '../core/landscape/sample-losses.js';
import { encodeBlockResult, isBlockJobData, parseBlockJobData, type BlockResult } from './blocks.js';
import type { PointRecord } from '../core/runs/run-dir.js';
import { loadBundle } from './bundle.js';
import { checkReachable } from './connect.js';
import { encodeRecord, parseChunkJobData, type ChunkResult } from './protocol.js';
import { connectionOptions, DEFAULT_REDIS_WAIT_MS, type QueueUrl } from './queue-url.js';

export interface WorkerOptions {
  url: QueueUrl;
  /** Chunk jobs evaluated at once by this process. */
  concurrency?: number;
  /** Job lock: a worker silent this long is presumed dead and its job is given to another (ms). */
  lockMs?: number;
  /** ORT threads per point; default: the run's own setting (what the in-process run would use). */
  threads?: number;
  /** Redis unreachable this long (ms) counts as gone for good: `onRedisLost` is called (default 5 minutes). */
  redisWaitMs?: number;
  onRedisLost?: (message: string) => void;
  log?: (line: string) => void;
}

export interface TerrainWorker {
  readonly id: string;
  readonly worker: Worker;
  /** Finishes the jobs in hand, then disconnects; `force` abandons them (other workers will pick them up). */
  close(force?: boolean): Promise<void>;
  /**
   * Stops within about `graceMs` whatever Redis does: finishes the jobs in hand if that takes less, else abandons them
   * (their locks expire and other workers take them). BullMQ's own close waits on Redis, which may never answer.
   */
  stop(graceMs: number): Promise<'finished' | 'abandoned'>;
}

export const DEFAULT_LOCK_MS = 30_000;
/** Bundles kept in memory: a worker usually serves one run at a time. */
const CACHED_RUNS = 2;

type Evaluate = (index: number) => Promise<Omit<PointRecord, 'index'>>;
/** A run's evaluators: whole points, and (--tolerance runs) blocks of its shared permutation. */
type Evaluators = { point: Evaluate; block?: (task: BlockTask) => Promise<SampleBatchStats[]> };

export async function startWorker(o: WorkerOptions): Promise<TerrainWorker> {
  await checkReachable(o.url);
  const log = o.log ?? (() => undefined);
  const id = `${hostname()}:${process.pid}`;
  const connection = connectionOptions(o.url);
  const redis = new Redis({ ...connection, maxRetriesPerRequest: null });
  redis.on('error', () => undefined); // the worker's own connection reports outages
  const runs = new Map<string, Promise<Evaluators>>();
  const evaluatorFor = (manifest: string, dir: string, runKey: string): Promise<Evaluators> => {
    let p = runs.get(manifest);
    if (!p) {
      p = loadBundle(manifest, { dir, runKey, redis }).then((loaded) => {
        const job = { ...loaded, threads: o.threads ?? loaded.threads };
        const a = loaded.manifest.adaptive;
        // The permutation every point of the run shares, rebuilt from the bundle's batches and seed.
        const block = a ? blockEvaluator({ ...job, sampleBatches: permutedBatches(job.batches, loaded.manifest.batchSize, a.seed) }) : undefined;
        return { point: pointEvaluator(job), ...(block ? { block } : {}) };
      });
      p.catch(() => runs.delete(manifest)); // a failed load is retried with the next job
      runs.set(manifest, p);
      while (runs.size > CACHED_RUNS) runs.delete(runs.keys().next().value!);
    }
    return p;
  };

  const processChunk = async (job: Job): Promise<ChunkResult> => {
    const data = parseChunkJobData(job.data, String(job.id));
    const t0 = performance.now();
    log(`${id}: job ${job.id} started (${data.indices.length} points)`);
    const evaluate = (await evaluatorFor(data.manifest, data.dir, data.runKey)).point;
    const points: PointRecord[] = [];
    for (const index of data.indices) points.push(encodeRecord({ index, ...(await evaluate(index)) }));
    const ms = performance.now() - t0;
    log(`${id}: job ${job.id} done in ${ms.toFixed(0)} ms`);
    return { points, worker: id, ms };
  };

  const processBlock = async (job: Job): Promise<BlockResult> => {
    const data = parseBlockJobData(job.data, String(job.id));
    const t0 = performance.now();
    log(`${id}: job ${job.id} started (point ${data.task.index}, ${'full' in data.task ? 'whole split' : `${data.task.count} batches`})`);
    const { block } = await evaluatorFor(data.manifest, data.dir, data.runKey);
    if (!block) throw new Error(`job ${job.id}: its run's bundle ${data.manifest.slice(0, 12)}… has no --tolerance options, so it has no blocks`);
    const stats = await block(data.task);
    const ms = performance.now() - t0;
    log(`${id}: job ${job.id} done in ${ms.toFixed(0)} ms`);
    return encodeBlockResult(data.task, stats, id, ms);
  };

  const lockMs = o.lockMs ?? DEFAULT_LOCK_MS;
  const worker = new Worker(o.url.queue, (job: Job) => (isBlockJobData(job.data) ? processBlock(job) : processChunk(job)), {
    connection, concurrency: o.concurrency ?? 1, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 2,
  });
  let said = '';
  worker.on('error', (e) => {
    if (e.message !== said) log(`${id}: ${e.message}`);
    said = e.message;
  });
  worker.on('failed', (job, e) => log(`${id}: job ${job?.id} failed: ${e.message}`));
  await worker.waitUntilReady();

  // Redis gone for good: the clients reconnect forever, so a watchdog decides when to give up.
  const waitMs = o.redisWaitMs ?? DEFAULT_REDIS_WAIT_MS;
  let downSince: number | undefined;
  const watchdog = setInterval(() => {
    if (redis.status === 'ready') { downSince = undefined; return; }
    downSince ??= Date.now();
    if (Date.now() - downSince >= waitMs) {
      clearInterval(watchdog);
      o.onRedisLost?.(`Redis at ${o.url.href} has not answered for ${Math.round(waitMs / 1000)} s`);
    }
  }, Math.min(1000, Math.max(50, waitMs / 4)));
  watchdog.unref();
  void redis.ping().catch(() => undefined); // connects the watchdog's client now, not at the first blob read

  const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
    Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);
  return {
    id, worker,
    async close(force = false) {
      clearInterval(watchdog);
      await worker.close(force);
      redis.disconnect();
    },
    async stop(graceMs) {
      clearInterval(watchdog);
      const finished = await within(worker.close(false).then(() => 'finished' as const, () => 'abandoned' as const), graceMs);
      // close(true) after close(false) would only return the close in progress: drop the connections instead.
      if (finished !== 'finished') await within(worker.disconnect().catch(() => undefined), 1000);
      redis.disconnect();
      return finished === 'finished' ? 'finished' : 'abandoned';
    },
  };
}
