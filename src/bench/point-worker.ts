// worker_threads entry for the grid-parallel suite: evaluates its share of surface points with single-threaded ORT
// sessions, exactly as evaluateWeights does in the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateWeights } from '../core/evaluate/point.js';
import { combine, ParamLayout, toTensors } from '../core/params.js';
import type { ModelSpec } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { buildModel } from '../ir/zoo/index.js';
import { batchesOf } from './fixtures.js';

export interface PointWorkerData {
  spec: ModelSpec;
  seed: number;
  /** Float32 θ, x-direction, y-direction (SharedArrayBuffers, not copied). */
  theta: SharedArrayBuffer;
  dx: SharedArrayBuffer;
  dy: SharedArrayBuffer;
  /** Float32 images and int32 labels. */
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  count: number;
  batchSize: number;
  threads: number;
  coordinates: [number, number][];
}

async function main(): Promise<void> {
  const d = workerData as PointWorkerData;
  const port = parentPort!;
  const model = buildModel(d.spec, d.seed);
  const layout = ParamLayout.ofModel(model);
  const vec = (b: SharedArrayBuffer) => ({ layout, data: new Float32Array(b) });
  const theta = vec(d.theta), dx = vec(d.dx), dy = vec(d.dy);
  // ORT cannot wrap memory of a SharedArrayBuffer ("Invalid argument"): one private copy of the data per worker.
  const batches = batchesOf({ x: new Float32Array(new Float32Array(d.x)), y: new Int32Array(d.y), count: d.count, shape: d.spec.inputShape }, d.batchSize);
  const buffers = new Map<string, Tensor>(model.buffers.map((b) => [b, model.graph.initializers.get(b)!]));
  await new Promise<void>((resolve) => { port.once('message', () => resolve()); port.postMessage({ ready: true }); });
  const losses: number[] = [];
  for (const [a, b] of d.coordinates) {
    const weights = toTensors(combine(theta, [[a, dx], [b, dy]]));
    for (const [k, t] of buffers) weights.set(k, t);
    losses.push((await evaluateWeights(model, weights, batches, { threads: d.threads })).loss);
  }
  port.postMessage({ losses });
}

void main();
