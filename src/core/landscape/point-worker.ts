// worker_threads entry of the point pool: rebuilds the job from shared memory and evaluates the indices it is sent
// with the same pointEvaluator as the main thread, so a point's value does not depend on which thread computed it.
import { parentPort, workerData } from 'node:worker_threads';
import { ParamLayout } from '../params.js';
import { blockEvaluator, jobRunner, pointEvaluator, type BlockTask, type PointJob } from './job.js';
import type { PointWorkerData } from './point-pool.js';

const d = workerData as PointWorkerData;
const layout = new ParamLayout(d.layout);
const job: PointJob = {
  kind: d.kind,
  model: { model: d.model, theta: { layout, data: d.theta }, buffers: d.buffers, hash: d.modelHash, path: d.modelPath, meta: {} },
  batches: d.batches, recomputeBatches: d.recomputeBatches,
  directions: d.directions.map((x) => ({ spec: x.spec, vector: { layout, data: x.data }, info: {} as never })),
  bufferDeltas: d.bufferDeltas, bn: d.bn, ranges: d.ranges, threads: d.threads, sampleBatches: d.sampleBatches, session: d.session, keepLosses: d.keepLosses,
};
// One runner for both kinds of task: a reused session is built once per worker.
const runner = jobRunner(job);
const evaluate = pointEvaluator(job, runner);
const evaluateBlock = blockEvaluator(job, runner);

parentPort!.on('message', (message: number | BlockTask) => {
  const fail = (index: number) => (e: unknown) => parentPort!.postMessage({ index, error: e instanceof Error ? e.message : String(e) });
  if (typeof message === 'number') {
    evaluate(message).then((record) => parentPort!.postMessage({ index: message, record }), fail(message));
  } else {
    evaluateBlock(message).then((stats) => parentPort!.postMessage({ index: message.index, stats }), fail(message.index));
  }
});
