// Training the bends of a curve: each step draws t ~ U(0, 1) and a minibatch, and moves every bend along
// −wⱼ(t)·∇L(φ(t)) with terrain's optimizers (PyTorch's SGD/Adam rules, src/core/train). The end points never move.
// Each epoch's shuffle and t samples come from generators seeded by (seed, epoch), so an epoch does not depend on
// the ones before it and a run resumed after epoch e takes the same steps as one that never stopped.
import type { Tensor } from '../../ir/tensor.js';
import type { Model } from '../../ir/model.js';
import { shuffledBatches, type Dataset } from '../data/index.js';
import type { ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { stepInPlace, type OptimizerState } from '../train/optimizer.js';
import { learningRate } from '../train/schedule.js';
import type { TrainConfig } from '../train/train.js';
import type { CurveKind } from './geometry.js';
import { CurveObjective } from './objective.js';

/** The settings of `terrain train` that a curve's training shares, plus the curve's own. */
export interface CurveTrainConfig extends Pick<TrainConfig, 'epochs' | 'batch' | 'lr' | 'optimizer' | 'schedule' | 'seed' | 'threads'> {
  curve: CurveKind;
  bends: number;
}

export interface CurveEpoch {
  epoch: number;
  /** Mean of the steps' minibatch losses / accuracies at their sampled t. */
  loss: number;
  accuracy: number;
  lr: number;
  seconds: number;
}

/** Everything a resumed run needs: the bends (one flat array, k·P entries), the optimizer's state, the history. */
export interface CurveState {
  epoch: number;
  bendData: Float32Array;
  optimizer: OptimizerState;
  history: CurveEpoch[];
}

export interface CurveTrainJob {
  model: Model;
  a: ParamVector;
  b: ParamVector;
  buffers: ReadonlyMap<string, Tensor>;
  train: Dataset;
  config: CurveTrainConfig;
  state: CurveState;
  /** Called after every epoch with the new state (persist it there); training stops early when it returns false. */
  onEpoch: (state: CurveState) => Promise<boolean | void>;
  onStep?: (step: number, totalSteps: number) => void;
}

/** The bends as vectors that share memory with the flat array. */
export function bendViews(a: ParamVector, bendData: Float32Array): ParamVector[] {
  const p = a.layout.size;
  if (bendData.length % p !== 0 || bendData.length === 0) throw new Error(`bend state has ${bendData.length} entries, not a multiple of the model's ${p} parameters`);
  return Array.from({ length: bendData.length / p }, (_, j) => ({ layout: a.layout, data: bendData.subarray(j * p, (j + 1) * p) }));
}

/** Generators of epoch `epoch`: one for the shuffle, one for t, both from (seed, epoch) alone. */
export function epochRngs(seed: number, epoch: number): { shuffle: ReturnType<typeof createRng>; t: ReturnType<typeof createRng> } {
  const base = (seed * 1_000_003 + epoch) >>> 0;
  return { shuffle: createRng(base), t: createRng((base ^ 0x5bd1e995) >>> 0) };
}

export function stepsPerEpoch(count: number, batch: number, dropLast: boolean): number {
  return Math.floor(count / batch) + (!dropLast && count % batch ? 1 : 0);
}

export async function trainCurve(job: CurveTrainJob): Promise<CurveState> {
  const cfg = job.config;
  const objective = await CurveObjective.create(job.model, job.buffers, cfg.threads ?? 0);
  // BN batches of one sample have no variance: the last partial batch is dropped, as `terrain train` does.
  const perEpoch = stepsPerEpoch(job.train.count, cfg.batch, objective.hasBn);
  const totalSteps = perEpoch * cfg.epochs;
  let state = job.state;
  const grad = new Float32Array(state.bendData.length);
  const p = job.a.layout.size;
  try {
    for (let epoch = state.epoch + 1; epoch <= cfg.epochs; epoch++) {
      const t0 = Date.now();
      const bendData = state.bendData.slice();
      const optimizer: OptimizerState = { step: state.optimizer.step, ...(state.optimizer.m ? { m: state.optimizer.m.slice() } : {}), ...(state.optimizer.v ? { v: state.optimizer.v.slice() } : {}) };
      const controls = [job.a, ...bendViews(job.a, bendData), job.b];
      const rngs = epochRngs(cfg.seed, epoch);
      let lossSum = 0, correct = 0, seen = 0, lr = cfg.lr;
      for (const batch of shuffledBatches(job.train, cfg.batch, rngs.shuffle, { dropLast: objective.hasBn })) {
        const t = rngs.t.uniform();
        const s = await objective.step(cfg.curve, controls, t, batch);
        s.bendGrads.forEach((g, j) => grad.set(g, j * p));
        lr = learningRate(cfg.schedule, cfg.lr, optimizer.step, totalSteps);
        stepInPlace(cfg.optimizer, optimizer, bendData, grad, lr);
        lossSum += s.loss * batch.size;
        correct += s.correct;
        seen += batch.size;
        job.onStep?.(optimizer.step, totalSteps);
      }
      const rec: CurveEpoch = { epoch, loss: lossSum / seen, accuracy: correct / seen, lr, seconds: (Date.now() - t0) / 1000 };
      state = { epoch, bendData, optimizer, history: [...state.history, rec] };
      if ((await job.onEpoch(state)) === false) break;
    }
  } finally {
    await objective.dispose();
  }
  return state;
}
