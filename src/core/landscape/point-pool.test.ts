import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../ir/zoo/index.js';
import type { Tensor } from '../../ir/tensor.js';
import { gaussianNoise } from '../directions/gaussian.js';
import { normalizeDirection } from '../directions/normalize.js';
import type { LabeledBatch } from '../evaluate/point.js';
import type { LoadedModel } from '../model-file.js';
import { paramsOf } from '../params.js';
import { createRng } from '../rng.js';
import type { BnMode } from './bn.js';
import { pointEvaluator, type PointJob } from './job.js';
import { pointWorkerData, startPointWorkers } from './point-pool.js';

function batchesOf(seed: number, sizes: number[]): LabeledBatch[] {
  const rng = createRng(seed);
  return sizes.map((n) => ({
    x: { dtype: 'float32', dims: [n, 1, 8, 8], data: Float32Array.from({ length: n * 64 }, () => rng.normal()) } as Tensor,
    y: { dtype: 'int64', dims: [n], data: BigInt64Array.from({ length: n }, () => BigInt(rng.int(10))) } as Tensor,
    size: n,
  }));
}

function smallJob(bn: BnMode): PointJob {
  const model = buildModel({ arch: 'cnn-small', options: {}, inputShape: [1, 8, 8], classes: 10 }, 5);
  const theta = paramsOf(model);
  const buffers = new Map(model.buffers.map((b) => [b, model.graph.initializers.get(b)!]));
  const loaded: LoadedModel = { model, theta, buffers, hash: 'test', path: '<test>', meta: {} };
  const dir = (s: number) => ({ spec: `gaussian:seed=${s}`, vector: normalizeDirection(gaussianNoise(theta.layout, s), theta, { norm: 'filter', biasBn: 'zero', scale: 1 }), info: {} as never });
  // A made-up move of the running statistics along x, so that --bn perturb has something to move.
  const delta = new Map([...buffers].map(([k, t]) => [k, { ...t, data: Float32Array.from(t.data as Float32Array, (_, i) => 0.1 * Math.sin(i + 1)) } as Tensor]));
  return {
    kind: 'surface', model: loaded, batches: batchesOf(1, [16, 16, 7]), recomputeBatches: batchesOf(2, [16, 16]),
    directions: [dir(1), dir(2)], bufferDeltas: [delta, undefined], bn,
    ranges: [{ from: -1, to: 1, count: 3 }, { from: -0.5, to: 0.5, count: 2 }], threads: 1,
  };
}

const SETTINGS = [
  ...(['eval', 'perturb', 'recompute'] as const).map((bn) => ({ bn, session: 'per-point' as const })),
  { bn: 'perturb' as const, session: 'reused' as const },
];

for (const { bn, session } of SETTINGS) {
  test(`worker threads compute every grid point bit-identically to the main thread (--bn ${bn}, ${session} sessions)`, async () => {
    const job = { ...smallJob(bn), session };
    const local = pointEvaluator(job);
    const pool = await startPointWorkers(job, 2, 1);
    try {
      const total = 6;
      const ours = await Promise.all(Array.from({ length: total }, (_, i) => pool.evaluators[i % 2]!(i)));
      for (let i = 0; i < total; i++) {
        const want = await local(i);
        assert.deepEqual(ours[i], want, `point ${i}`);
      }
      // The points differ from one another, so equality above is not of constants.
      assert.ok(new Set(ours.map((r) => r['loss'])).size === total);
    } finally {
      await pool.close();
    }
  });
}

test('worker data lives in shared memory: workers hold one copy of the model, directions and batches', () => {
  const d = pointWorkerData(smallJob('recompute'), 1);
  const arrays = [d.theta, ...d.directions.map((x) => x.data), ...[...d.model.graph.initializers.values()].map((t) => t.data),
    ...d.batches.flatMap((b) => [b.x.data, b.y.data]), ...d.recomputeBatches!.map((b) => b.x.data)];
  for (const a of arrays) assert.ok(a.buffer instanceof SharedArrayBuffer);
});

test('a point that fails in a worker rejects with the worker\'s message', async () => {
  const job = smallJob('recompute');
  const pool = await startPointWorkers({ ...job, recomputeBatches: batchesOf(3, [1]) }, 1, 1);
  try {
    await assert.rejects(pool.evaluators[0]!(0), /fewer than 2 samples/);
  } finally {
    await pool.close();
  }
});
