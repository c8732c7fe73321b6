// A 2-D surface run through terrain's own runLandscape, stopped after a given number of points: the benchmark times
// the real per-point path (fresh ORT session with the point's weights as initializers, the same pre-built batches,
// one appended record per point) without paying for the whole grid.
import { createHash } from 'node:crypto';
import { resolveDirections } from '../core/directions/resolve.js';
import type { ResolvedDirection } from '../core/directions/resolve.js';
import { runLandscape } from '../core/landscape/job.js';
import type { LoadedModel } from '../core/model-file.js';
import { linspace } from '../core/runs/grid.js';
import { RunDir, type PointRecord } from '../core/runs/run-dir.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { batchesOf, thetaOf, type RandomData } from './fixtures.js';

export interface SurfaceRunOptions {
  model: Model;
  data: RandomData;
  batchSize: number;
  /** Points per axis (the grid is side × side over [-1, 1]²). */
  side: number;
  /** Stop after this many points (row-major, x fastest). */
  stopAfter: number;
  /** ORT threads per point session and points at once (runLandscape's defaults when left out). */
  threads?: number;
  workers?: number;
  outDir: string;
  /** Called after each finished point with the seconds since the run started. */
  onPoint?: (done: number, seconds: number) => void;
}

export interface SurfaceRun {
  directions: ResolvedDirection[];
  /** Seconds between consecutive finished points (the first includes opening the run). */
  pointSeconds: number[];
  /**
   * Wall time the whole grid would take: the time to the second finished point (the run opens, the first two points
   * run alone in the main thread) plus the rest at the rate measured from there to the last finished point, which
   * includes the start of the worker threads. (With parallel lanes points finish in bursts, so a median of the gaps
   * would not be the rate.)
   */
  extrapolatedSeconds: (points: number) => number;
  /** Points evaluated at once. */
  lanes: number;
  records: PointRecord[];
  /** (α, β) of each finished point, in index order. */
  coordinates: [number, number][];
}

export async function partialSurface(o: SurfaceRunOptions): Promise<SurfaceRun> {
  const theta = thetaOf(o.model);
  const buffers = new Map<string, Tensor>(o.model.buffers.map((b) => [b, o.model.graph.initializers.get(b)!]));
  const loaded: LoadedModel = { model: o.model, theta, buffers, hash: `bench:${o.model.spec.arch}`, path: `<bench ${o.model.spec.arch}>`, meta: {} };
  const directions = await resolveDirections(['gaussian:seed=1', 'gaussian:seed=2'], {
    theta, loadParams: () => Promise.reject(new Error('the benchmark uses Gaussian directions only')),
  });
  const dataHash = createHash('sha256').update(new Uint8Array(o.data.x.buffer, o.data.x.byteOffset, o.data.x.byteLength)).digest('hex');
  const controller = new AbortController();
  const stamps: number[] = [];
  let lanes = 1;
  const start = performance.now();
  const range = { from: -1, to: 1, count: o.side };
  try {
    await runLandscape({
      kind: 'surface', model: loaded,
      data: { source: 'random-normal', split: 'test', seed: 0, hash: dataHash, count: o.data.count },
      batches: batchesOf(o.data, o.batchSize), batchSize: o.batchSize,
      directions, bufferDeltas: [undefined, undefined], bn: 'eval', ranges: [range, range],
      outDir: o.outDir, threads: o.threads, workers: o.workers, info: { bench: true }, signal: controller.signal,
      onProgress: (p) => {
        if (p.computedNow === 0) return;
        lanes = Math.max(lanes, p.lanes ?? 1);
        stamps.push(performance.now());
        o.onPoint?.(p.computedNow, (performance.now() - start) / 1000);
        if (p.computedNow >= o.stopAfter) controller.abort();
      },
    });
  } catch (e) {
    if (!(e instanceof Error && e.message === 'interrupted')) throw e;
  }
  const pointSeconds = stamps.map((t, i) => (t - (i === 0 ? start : stamps[i - 1]!)) / 1000);
  const records = [...(await RunDir.load(o.outDir)).points.values()].sort((a, b) => a.index - b.index);
  const axis = linspace(range);
  const coordinates = records.map((r): [number, number] => [axis[r.index % o.side]!, axis[Math.floor(r.index / o.side)]!]);
  if (stamps.length < 3) throw new Error(`the surface benchmark needs at least 3 finished points, got ${stamps.length}`);
  const head = (stamps[1]! - start) / 1000;
  const rate = (stamps[stamps.length - 1]! - stamps[1]!) / 1000 / (stamps.length - 2);
  return { directions, pointSeconds, extrapolatedSeconds: (points) => head + (points - 2) * rate, lanes, records, coordinates };
}
