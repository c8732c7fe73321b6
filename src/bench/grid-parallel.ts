// Engine question for grid evaluation: one ORT session with all cores as intra-op threads, or one worker_thread per
// core each running single-threaded sessions on different points? (onnxruntime-node's run() blocks its thread, so
// in-process async concurrency cannot overlap points.) Same points, same data, ResNet-20 on 1,000 images.
import { Worker } from 'node:worker_threads';
import { evaluateWeights } from '../core/evaluate/point.js';
import { combine, toTensors, type ParamVector } from '../core/params.js';
import type { Tensor } from '../ir/tensor.js';
import { gaussianNoise } from '../core/directions/gaussian.js';
import { normalizeDirection } from '../core/directions/normalize.js';
import { batchesOf, CIFAR_SHAPE, randomData, resnet, thetaOf } from './fixtures.js';
import { addMetric } from './metrics.js';
import type { PointWorkerData } from './point-worker.js';
import type { BenchContext } from './suites.js';

const shared = (a: Float32Array | Int32Array): SharedArrayBuffer => {
  const s = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(s).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return s;
};

export async function gridParallelSuite(ctx: BenchContext): Promise<void> {
  const pointsN = ctx.quick ? 2 : 6, batchSize = 256, seed = 1;
  const model = resnet(20, seed);
  const data = randomData(1000, CIFAR_SHAPE, 10, 17);
  const theta = thetaOf(model);
  const dir = (s: number): ParamVector => normalizeDirection(gaussianNoise(theta.layout, s), theta, { norm: 'filter', biasBn: 'zero', scale: 1 });
  const dx = dir(1), dy = dir(2);
  const coordinates = Array.from({ length: pointsN }, (_, i): [number, number] => [-1 + (2 * i) / Math.max(1, pointsN - 1), 0.5]);
  const batches = batchesOf(data, batchSize);
  const buffers = new Map<string, Tensor>(model.buffers.map((b) => [b, model.graph.initializers.get(b)!]));

  const inProcess = async (threads: number): Promise<{ seconds: number; losses: number[] }> => {
    const t0 = performance.now();
    const losses: number[] = [];
    for (const [a, b] of coordinates) {
      const w = toTensors(combine(theta, [[a, dx], [b, dy]]));
      for (const [k, t] of buffers) w.set(k, t);
      losses.push((await evaluateWeights(model, w, batches, { threads })).loss);
    }
    return { seconds: (performance.now() - t0) / 1000, losses };
  };

  const workers = async (count: number): Promise<{ seconds: number; losses: number[] }> => {
    const base = { spec: model.spec, seed, theta: shared(theta.data), dx: shared(dx.data), dy: shared(dy.data), x: shared(data.x), y: shared(data.y), count: data.count, batchSize, threads: 1 };
    const shares = Array.from({ length: count }, (_, w) => coordinates.map((c, i) => [c, i] as const).filter(([, i]) => i % count === w));
    const ws = shares.map((s) => new Worker(new URL('./point-worker.js', import.meta.url), { workerData: { ...base, coordinates: s.map(([c]) => c) } satisfies PointWorkerData }));
    const ready = ws.map((w) => new Promise<void>((res, rej) => { w.once('message', () => res()); w.once('error', rej); }));
    await Promise.all(ready);
    const t0 = performance.now();
    const done = ws.map((w) => new Promise<number[]>((res, rej) => { w.once('message', (m: { losses: number[] }) => res(m.losses)); w.once('error', rej); }));
    ws.forEach((w) => w.postMessage('go'));
    const results = await Promise.all(done);
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(ws.map((w) => w.terminate()));
    const losses = new Array<number>(pointsN);
    shares.forEach((s, w) => s.forEach(([, i], k) => { losses[i] = results[w]![k]!; }));
    return { seconds, losses };
  };

  ctx.log(`grid evaluation, ${pointsN} ResNet-20 points: one session × ${ctx.threads} threads …`);
  const multi = await inProcess(ctx.threads);
  ctx.log(`  ${ctx.threads} workers × 1 thread …`);
  const pool = await workers(ctx.threads);
  ctx.log('  one session × 1 thread …');
  const single = await inProcess(1);

  const worst = Math.max(...pool.losses.map((l, i) => Math.abs(l - multi.losses[i]!) / multi.losses[i]!), ...single.losses.map((l, i) => Math.abs(l - multi.losses[i]!) / multi.losses[i]!));
  if (!(worst < 1e-5)) throw new Error(`grid strategies disagree: losses differ by up to ${worst.toExponential(2)} (relative)`);
  const rate = (r: { seconds: number }): number => pointsN / r.seconds;
  const what = `${pointsN} points, 1,000 random 3x32x32 images, batch ${batchSize}, a fresh session per point; losses agree to ${worst.toExponential(1)}`;
  addMetric({ name: `engine.grid.${ctx.threads}-workers-vs-${ctx.threads}-threads`, unit: 'points/s', terrain: rate(pool), baseline: rate(multi), higherIsBetter: true,
    baselineLabel: `one ORT session with ${ctx.threads} intra-op threads`, note: `terrain = ${ctx.threads} worker_threads × 1-thread sessions, points split round-robin; ${what}` });
  addMetric({ name: 'engine.grid.1-thread', unit: 'points/s', terrain: rate(single), baseline: rate(multi), higherIsBetter: true,
    baselineLabel: `one ORT session with ${ctx.threads} intra-op threads`, note: `one session × 1 thread: ${ctx.threads}-thread speed-up inside ORT is ${(rate(multi) / rate(single)).toFixed(2)}×; ${what}` });
}
