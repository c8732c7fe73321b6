// A small landscape job for tests: an untrained cnn-small on 8×8 random inputs with random labels (per-sample losses
// spread widely, so sample counts and errors are far from trivial), two filter-normalised Gaussian directions.
import { buildModel } from '../ir/zoo/index.js';
import type { Tensor } from '../ir/tensor.js';
import { gaussianNoise } from '../core/directions/gaussian.js';
import { normalizeDirection } from '../core/directions/normalize.js';
import type { LabeledBatch } from '../core/evaluate/point.js';
import type { LoadedModel } from '../core/model-file.js';
import { paramsOf } from '../core/params.js';
import { createRng } from '../core/rng.js';
import type { LandscapeJob } from '../core/landscape/job.js';

export function randomBatches(seed: number, sizes: readonly number[]): LabeledBatch[] {
  const rng = createRng(seed);
  return sizes.map((n) => ({
    x: { dtype: 'float32', dims: [n, 1, 8, 8], data: Float32Array.from({ length: n * 64 }, () => rng.normal()) } as Tensor,
    y: { dtype: 'int64', dims: [n], data: BigInt64Array.from({ length: n }, () => BigInt(rng.int(10))) } as Tensor,
    size: n,
  }));
}

/** A curve (one direction) or surface job over `samples` samples in batches of `batchSize`, writing to outDir. */
export function smallLandscapeJob(kind: 'curve' | 'surface', outDir: string, samples = 200, batchSize = 16): LandscapeJob {
  const model = buildModel({ arch: 'cnn-small', options: {}, inputShape: [1, 8, 8], classes: 10 }, 5);
  const theta = paramsOf(model);
  const buffers = new Map(model.buffers.map((b) => [b, model.graph.initializers.get(b)!]));
  const loaded: LoadedModel = { model, theta, buffers, hash: 'test', path: '<test>', meta: {} };
  const dir = (s: number) => ({ spec: `gaussian:seed=${s}`, vector: normalizeDirection(gaussianNoise(theta.layout, s), theta, { norm: 'filter', biasBn: 'zero', scale: 1 }), info: {} as never });
  const sizes = Array.from({ length: Math.ceil(samples / batchSize) }, (_, k) => Math.min(batchSize, samples - k * batchSize));
  const ranges = kind === 'curve' ? [{ from: -2, to: 2, count: 7 }] : [{ from: -2, to: 2, count: 4 }, { from: -1, to: 1, count: 3 }];
  return {
    kind, model: loaded, batches: randomBatches(1, sizes), batchSize,
    data: { source: 'random', split: 'all', seed: 0, hash: 'random-1', count: samples },
    directions: kind === 'curve' ? [dir(1)] : [dir(1), dir(2)], bufferDeltas: kind === 'curve' ? [undefined] : [undefined, undefined], bn: 'eval',
    ranges, outDir, threads: 1, workers: 1, info: {},
  };
}
