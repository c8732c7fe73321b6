// Grid points evaluated on worker threads beside the main one. onnxruntime-node's run() holds the thread that calls
// it, so concurrent points need threads of their own; on ResNet-20, two workers with single-threaded sessions match
// one session with two threads on a quiet machine and beat it by 1.4× under load (docs/benchmarks.md). Everything a point reads (graph initializers, θ, the
// directions, the batches) goes to the workers once, in shared memory: N workers hold one copy, not N.
import { Worker } from 'node:worker_threads';
import type { Graph } from '../../ir/graph.js';
import type { Tensor } from '../../ir/tensor.js';
import type { LabeledBatch } from '../evaluate/point.js';
import type { PointEvaluate } from '../runs/execute.js';
import type { BatchStats } from '../evaluate/metrics.js';
import type { BlockTask, PointJob } from './job.js';

/** What a worker rebuilds its PointJob from (structured-cloned; every array lives in a SharedArrayBuffer). */
export interface PointWorkerData {
  kind: PointJob['kind'];
  model: { spec: PointJob['model']['model']['spec']; graph: Graph; params: string[]; buffers: string[] };
  modelHash: string;
  modelPath: string;
  layout: { name: string; shape: number[] }[];
  theta: Float32Array;
  buffers: Map<string, Tensor>;
  directions: { spec: string; data: Float32Array }[];
  bufferDeltas: (Map<string, Tensor> | undefined)[];
  bn: PointJob['bn'];
  batches: LabeledBatch[];
  recomputeBatches?: LabeledBatch[];
  sampleBatches?: LabeledBatch[];
  keepLosses?: boolean;
  ranges: PointJob['ranges'];
  threads: number;
  session?: PointJob['session'];
}

/** A worker is sent a point index (its whole record) or a block task (its per-batch statistics). */
export type Reply = { index: number; record?: Awaited<ReturnType<PointEvaluate>>; stats?: BatchStats[]; error?: string };
export type BlockEvaluate = (task: BlockTask) => Promise<BatchStats[]>;

function shared<T extends Float32Array | Int32Array | BigInt64Array | Uint8Array | Float64Array>(a: T): T {
  const ctor = a.constructor as { new (b: SharedArrayBuffer, o: number, n: number): T };
  const out = new ctor(new SharedArrayBuffer(a.byteLength), 0, a.length);
  out.set(a as never);
  return out;
}

function sharedTensor(t: Tensor): Tensor {
  return { ...t, data: shared(t.data as Float32Array) } as Tensor;
}

const sharedMap = (m: ReadonlyMap<string, Tensor>): Map<string, Tensor> => new Map([...m].map(([k, t]) => [k, sharedTensor(t)]));
const sharedBatches = (bs: readonly LabeledBatch[]): LabeledBatch[] => bs.map((b) => ({ x: sharedTensor(b.x), y: sharedTensor(b.y), size: b.size }));

export function pointWorkerData(job: PointJob, threads: number): PointWorkerData {
  const m = job.model;
  return {
    kind: job.kind,
    model: { spec: m.model.spec, graph: { ...m.model.graph, initializers: sharedMap(m.model.graph.initializers) }, params: m.model.params, buffers: m.model.buffers },
    modelHash: m.hash, modelPath: m.path,
    layout: m.theta.layout.slots.map((s) => ({ name: s.name, shape: [...s.shape] })),
    theta: shared(m.theta.data),
    buffers: sharedMap(m.buffers),
    directions: job.directions.map((d) => ({ spec: d.spec, data: shared(d.vector.data) })),
    bufferDeltas: job.bufferDeltas.map((d) => (d ? sharedMap(d) : undefined)),
    bn: job.bn,
    batches: sharedBatches(job.batches),
    recomputeBatches: job.recomputeBatches ? sharedBatches(job.recomputeBatches) : undefined,
    sampleBatches: job.sampleBatches ? sharedBatches(job.sampleBatches) : undefined,
    keepLosses: job.keepLosses,
    ranges: job.ranges,
    threads,
    session: job.session,
  };
}

/** Starts `count` worker threads evaluating points (or block tasks) of `job`; each is one evaluator. */
export async function startPointWorkers(job: PointJob, count: number, threads: number): Promise<{ evaluators: PointEvaluate[]; blockEvaluators: BlockEvaluate[]; close: () => Promise<void> }> {
  const data = pointWorkerData(job, threads);
  const workers = Array.from({ length: count }, () => new Worker(new URL('./point-worker.js', import.meta.url), { workerData: data }));
  const senders = workers.map((w, k) => {
    const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
    let dead: Error | undefined;
    const failAll = (e: Error): void => {
      dead ??= e;
      for (const p of waiting.values()) p.reject(dead);
      waiting.clear();
    };
    w.on('message', (m: Reply) => {
      const p = waiting.get(m.index);
      waiting.delete(m.index);
      if (!p) return;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m);
    });
    w.on('error', (e) => failAll(new Error(`point worker ${k + 1}: ${e.message}`)));
    w.on('exit', (code) => failAll(new Error(`point worker ${k + 1} exited (code ${code})`)));
    return (index: number, message: number | BlockTask) => new Promise<Reply>((resolve, reject) => {
      if (dead) return reject(dead);
      waiting.set(index, { resolve, reject });
      w.postMessage(message);
    });
  });
  return {
    evaluators: senders.map((send): PointEvaluate => async (index) => (await send(index, index)).record!),
    blockEvaluators: senders.map((send): BlockEvaluate => async (task) => (await send(task.index, task)).stats!),
    close: async () => { await Promise.all(workers.map((w) => w.terminate())); },
  };
}
