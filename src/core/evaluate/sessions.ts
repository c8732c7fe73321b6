// How a point's weights reach ONNX Runtime. Two ways, each the faster one for some models:
//  - 'per-point': a fresh session with the point's weights as initializers. ORT then folds BatchNormalization into
//    the convolutions and pre-packs the weights, which pays off when a point evaluates many samples of a big model.
//  - 'reused': one session per thread whose moving tensors are graph inputs, fed anew at every point. No session to
//    build and warm up per point: the winner for small graphs (an unrolled LSTM spent ~80 % of its point in
//    building and first-running its session) and for points on few samples.
// On convolutional and BN models the two differ in the last bits (BN folding, NCHWc kernels reorder the arithmetic),
// so a run picks one, records it, and every thread and every resume uses the same one.
import { Session } from '../../engine/session.js';
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { parametersAsInputs } from '../../ir/training-graph.js';
import { withInitializers } from '../../ir/graph.js';

export type SessionMode = 'per-point' | 'reused';
export const SESSION_MODES: readonly SessionMode[] = ['per-point', 'reused'];

/** One point's weights, ready to run batches: `run` feeds one batch input and returns the requested outputs. */
export interface PointSession {
  run(feeds: Record<string, Tensor>, fetch: readonly string[]): Promise<Record<string, Tensor>>;
  /** Frees what this point holds (a per-point session); the reused session stays until the runner's dispose(). */
  release(): Promise<void>;
}

/** Makes PointSessions of one model; concurrent points are fine (each per-point session is its own). */
export interface PointRunner {
  at(weights: ReadonlyMap<string, Tensor>): Promise<PointSession>;
  dispose(): Promise<void>;
}

export function pointRunner(model: Model, mode: SessionMode, threads: number): PointRunner {
  return mode === 'reused' ? new ReusedRunner(model, threads) : new PerPointRunner(model, threads);
}

class PerPointRunner implements PointRunner {
  constructor(private readonly model: Model, private readonly threads: number) {}

  async at(weights: ReadonlyMap<string, Tensor>): Promise<PointSession> {
    const session = await Session.create(withInitializers(this.model.graph, weights), { threads: this.threads });
    return { run: (feeds, fetch) => session.run(feeds, fetch), release: () => session.dispose() };
  }

  async dispose(): Promise<void> {}
}

class ReusedRunner implements PointRunner {
  private session: Promise<Session> | undefined;
  private names: string | undefined;
  constructor(private readonly model: Model, private readonly threads: number) {}

  async at(weights: ReadonlyMap<string, Tensor>): Promise<PointSession> {
    const names = [...weights.keys()];
    const key = names.join('\n');
    if (this.names !== undefined && this.names !== key) throw new Error('a reused session is fed the same tensors at every point');
    this.names = key;
    this.session ??= Session.create(parametersAsInputs(this.model.graph, names), { threads: this.threads });
    const session = await this.session;
    const moving = Object.fromEntries(weights);
    return { run: (feeds, fetch) => session.run({ ...moving, ...feeds }, fetch), release: async () => {} };
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await (await s).dispose();
  }
}

/**
 * The mode for points of `batchesPerPoint` batches: per-point, unless the reused session computes the very same bits
 * on θ and one batch (`probe`) and is faster there. Graphs without Conv/BatchNormalization compute identical bits
 * both ways (measured: MLPs, LSTMs, embeddings), so picking by time cannot change a result; where ORT's weight
 * transforms (BN folding, NCHWc convolution) change the last bits, today's per-point values are kept.
 */
export async function fasterSessionMode(
  model: Model, weights: ReadonlyMap<string, Tensor>, threads: number, batchesPerPoint: number,
  probe: (run: PointSession['run']) => Promise<Record<string, Tensor>>,
): Promise<SessionMode> {
  const cost: Record<SessionMode, number> = { 'per-point': 0, reused: 0 };
  const outputs: Partial<Record<SessionMode, Record<string, Tensor>>> = {};
  for (const mode of SESSION_MODES) {
    const runner = pointRunner(model, mode, threads);
    try {
      const warm = await runner.at(weights); // warm-up: the reused session is built here, once per run
      outputs[mode] = await probe(warm.run);
      await warm.release();
      // A point costs its set-up, a first batch (ORT plans memory on a session's first run) and the batches after it.
      const t0 = performance.now();
      const point = await runner.at(weights);
      await probe(point.run);
      const t1 = performance.now();
      await probe(point.run);
      const t2 = performance.now();
      await point.release();
      cost[mode] = (t1 - t0) + (t2 - t1) * (batchesPerPoint - 1);
    } finally {
      await runner.dispose();
    }
  }
  if (!sameBits(outputs['per-point']!, outputs.reused!)) return 'per-point';
  return cost.reused < cost['per-point'] ? 'reused' : 'per-point';
}

function sameBits(a: Record<string, Tensor>, b: Record<string, Tensor>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => {
    const x = a[k]?.data, y = b[k]?.data;
    if (!x || !y || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  });
}
