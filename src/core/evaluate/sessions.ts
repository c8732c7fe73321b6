// How a point's weights reach ONNX Runtime. Two ways, each the faster one for some models:
//  - 'per-point': a fresh session with the point's weights as initializers. ORT then folds BatchNormalization into
//    the convolutions and pre-packs the weights, which pays off when a point evaluates many samples of a big model.
//  - 'reused': one session per thread whose moving tensors are graph inputs, fed anew at every point. No session to
//    build and warm up per point: the winner for small graphs (an unrolled LSTM spent ~80 % of its point in
//    building and first-running its session) and for points on few samples.
// The two differ in the last bits (BN folding reorders the arithmetic), so a run picks one, records it, and every
// thread and every resume uses the same one.
import { Session } from '../../engine/session.js';
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { parametersAsInputs } from '../../ir/training-graph.js';
import { withInitializers } from '../params.js';

export type SessionMode = 'per-point' | 'reused';
export const SESSION_MODES: readonly SessionMode[] = ['per-point', 'reused'];

/** Runs `model` with given weights; `run` feeds one batch input and returns the requested outputs. */
export interface PointRunner {
  /** Prepares the weights of one point; returns a function that runs one batch at that point. */
  at(weights: ReadonlyMap<string, Tensor>): Promise<(feeds: Record<string, Tensor>, fetch: readonly string[]) => Promise<Record<string, Tensor>>>;
  /** Releases the point's session (per-point) — the reused one stays until dispose(). */
  release(): Promise<void>;
  dispose(): Promise<void>;
}

export function pointRunner(model: Model, mode: SessionMode, threads: number): PointRunner {
  return mode === 'reused' ? new ReusedRunner(model, threads) : new PerPointRunner(model, threads);
}

class PerPointRunner implements PointRunner {
  private session: Session | undefined;
  constructor(private readonly model: Model, private readonly threads: number) {}

  async at(weights: ReadonlyMap<string, Tensor>) {
    await this.release();
    const session = await Session.create(withInitializers(this.model.graph, weights), { threads: this.threads });
    this.session = session;
    return (feeds: Record<string, Tensor>, fetch: readonly string[]) => session.run(feeds, fetch);
  }

  async release(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await s.dispose();
  }

  dispose(): Promise<void> {
    return this.release();
  }
}

class ReusedRunner implements PointRunner {
  private session: Promise<Session> | undefined;
  private names: string | undefined;
  constructor(private readonly model: Model, private readonly threads: number) {}

  async at(weights: ReadonlyMap<string, Tensor>) {
    const names = [...weights.keys()];
    const key = names.join('\n');
    if (this.names !== undefined && this.names !== key) throw new Error('a reused session is fed the same tensors at every point');
    this.names = key;
    this.session ??= Session.create(parametersAsInputs(this.model.graph, names), { threads: this.threads });
    const session = await this.session;
    const moving = Object.fromEntries(weights);
    return (feeds: Record<string, Tensor>, fetch: readonly string[]) => session.run({ ...moving, ...feeds }, fetch);
  }

  async release(): Promise<void> {}

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await (await s).dispose();
  }
}

/**
 * Times both ways on θ itself and one batch (`probe` runs it at a point), the per-point one building its session as
 * every point would, the reused one only feeding: the faster mode for points of `batchesPerPoint` batches.
 */
export async function fasterSessionMode(
  model: Model, weights: ReadonlyMap<string, Tensor>, threads: number, batchesPerPoint: number,
  probe: (run: (feeds: Record<string, Tensor>, fetch: readonly string[]) => Promise<Record<string, Tensor>>) => Promise<unknown>,
): Promise<SessionMode> {
  const cost: Record<SessionMode, number> = { 'per-point': 0, reused: 0 };
  for (const mode of SESSION_MODES) {
    const runner = pointRunner(model, mode, threads);
    try {
      await probe(await runner.at(weights)); // warm-up: the reused session is built here, once per run
      await runner.release();
      // A point costs its set-up, a first batch (ORT plans memory on a session's first run) and the batches after it.
      const t0 = performance.now();
      const run = await runner.at(weights);
      await probe(run);
      const t2 = performance.now();
      await probe(run);
      const t3 = performance.now();
      cost[mode] = (t2 - t0) + (t3 - t2) * (batchesPerPoint - 1);
    } finally {
      await runner.dispose();
    }
  }
  return cost.reused < cost['per-point'] ? 'reused' : 'per-point';
}
