// Benchmark of the queue: points/s of one surface in process, with 1 and with 2 local `terrain worker` processes
// (ORT threads 1 everywhere), and the wall time each queue job adds. The bench harness adds the returned metrics.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLandscape } from '../core/landscape/job.js';
import { runLandscapeOnQueue } from '../distributed/coordinator.js';
import { makeTestJob, writeTestModel } from '../testing/distributed-fixture.js';
import { localRedis, NO_REDIS } from '../testing/local-redis.js';
import { startTerrain, type TerrainProcess } from '../testing/processes.js';
import type { QueueUrl } from '../distributed/queue-url.js';

/** Same fields as the harness's MetricInput (src/bench/metrics.ts), without importing it. */
export interface DistributedMetric {
  name: string;
  unit: string;
  terrain: number | null;
  baseline: number | null;
  higherIsBetter: boolean;
  baselineLabel?: string;
  note?: string;
}

export interface DistributedBench {
  metrics: DistributedMetric[];
  /** Why nothing was measured (no Redis), if so. */
  skipped?: string;
  /** Seconds per run, for the log. */
  seconds: { inProcess: number; oneWorker: number; twoWorkers: number; oneWorkerChunk1: number };
}

export interface BenchOptions {
  /** Grid of the surface (points = nx · ny). */
  grid?: [number, number];
  /** Samples evaluated per point (digits train subset). */
  samples?: number;
  chunk?: number;
}

async function startWorker(url: QueueUrl): Promise<TerrainProcess> {
  const w = startTerrain(['worker', '--queue', url.href]);
  await w.waitFor(/waiting for jobs/, 60_000);
  return w;
}

export async function distributedBench(o: BenchOptions = {}): Promise<DistributedBench> {
  const grid = o.grid ?? [12, 10];
  const chunk = o.chunk ?? 4;
  const points = grid[0] * grid[1];
  const seconds = { inProcess: 0, oneWorker: 0, twoWorkers: 0, oneWorkerChunk1: 0 };
  const redis = await localRedis();
  if (!redis) return { metrics: [], skipped: NO_REDIS, seconds };
  const work = mkdtempSync(join(tmpdir(), 'terrain-bench-queue-'));
  try {
    const model = writeTestModel(work, 'mlp', 1);
    const samples = o.samples ?? 1200;
    const job = (name: string, g = grid) => makeTestJob({ model, outDir: join(work, name), samples, grid: g, threads: 1 });
    const timed = async (f: () => Promise<{ result: unknown }>): Promise<{ s: number; result: string }> => {
      const t0 = performance.now();
      const { result } = await f();
      return { s: (performance.now() - t0) / 1000, result: JSON.stringify(result) };
    };
    await runLandscape(await job('warm-up', [2, 2])); // ORT and JIT warm-up, so that the in-process time is not inflated
    const inProcess = await timed(async () => runLandscape(await job('in-process')));
    const url = redis.url(`terrain-bench-${process.pid}`);
    const onQueue = async (name: string, c: number): Promise<number> => {
      const r = await timed(async () => runLandscapeOnQueue(await job(name), { url, chunk: c, pollMs: 500 }));
      if (r.result !== inProcess.result) throw new Error(`queue run '${name}' differs from the in-process run`);
      return r.s;
    };
    seconds.inProcess = inProcess.s;
    const workers = [await startWorker(url)];
    try {
      // Each run is a new bundle: its first job includes loading model and data, as in real use.
      seconds.oneWorkerChunk1 = await onQueue('chunk1', 1);
      seconds.oneWorker = await onQueue('one', chunk);
      workers.push(await startWorker(url));
      seconds.twoWorkers = await onQueue('two', chunk);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const rate = (s: number): number => points / s;
    const setup = `${grid[0]}×${grid[1]} surface, mlp [32] on ${samples} digits samples, ORT threads 1, workers already running`;
    return {
      seconds,
      metrics: [
        { name: 'queue: points/s with 1 worker', unit: 'points/s', terrain: rate(seconds.oneWorker), baseline: rate(seconds.inProcess), higherIsBetter: true,
          baselineLabel: 'the same surface in process (terrain surface without --queue)', note: `${setup}; chunk ${chunk}` },
        { name: 'queue: points/s with 2 workers', unit: 'points/s', terrain: rate(seconds.twoWorkers), baseline: rate(seconds.oneWorker), higherIsBetter: true,
          baselineLabel: '1 worker (ratio = speed-up of the second worker)', note: `${setup}; chunk ${chunk}` },
        { name: 'queue: overhead per job', unit: 'ms', terrain: ((seconds.oneWorkerChunk1 - seconds.inProcess) * 1000) / points, baseline: null, higherIsBetter: false,
          note: `${setup}; chunk 1 (one point per job) with 1 worker minus the in-process time, per job; includes bundle write/load and Redis round trips` },
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    await redis.close();
  }
}
