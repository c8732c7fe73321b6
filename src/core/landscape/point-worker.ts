// worker_threads entry of the point pool: rebuilds the job from shared memory and evaluates the indices it is sent
// with the same pointEvaluator as the main thread, so a point's value does not depend on which thread computed it.
import { parentPort, workerData } from 'node:worker_threads';
import { ParamLayout } from '../params.js';
import { pointEvaluator } from './job.js';
import type { PointWorkerData } from './point-pool.js';

const d = workerData as PointWorkerData;
const layout = new ParamLayout(d.layout);
const evaluate = pointEvaluator({
  kind: d.kind,
  model: { model: d.model, theta: { layout, data: d.theta }, buffers: d.buffers, hash: d.modelHash, path: d.modelPath, meta: {} },
  batches: d.batches, recomputeBatches: d.recomputeBatches,
  directions: d.directions.map((x) => ({ spec: x.spec, vector: { layout, data: x.data }, info: {} as never })),
  bufferDeltas: d.bufferDeltas, bn: d.bn, ranges: d.ranges, threads: d.threads,
});

parentPort!.on('message', (index: number) => {
  evaluate(index).then(
    (record) => parentPort!.postMessage({ index, record }),
    (e: unknown) => parentPort!.postMessage({ index, error: e instanceof Error ? e.message : String(e) }),
  );
});
