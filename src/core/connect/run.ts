// terrain connect as a job: train the bends of a curve between two models (resumable per epoch), then evaluate the
// curve and the straight line at the same t on the train and test splits (resumable per point), barriers included.
import { resolve } from 'node:path';
import { option, worded } from '../../ir/errors.js';
import type { Tensor } from '../../ir/tensor.js';
import { makeBatches, type Dataset } from '../data/index.js';
import type { LoadedModel } from '../model-file.js';
import { RunDir } from '../runs/run-dir.js';
import { barrierReduction } from './barrier.js';
import { ConnectError } from './errors.js';
import { evaluatePaths, pathOf, type PathRecord } from './evaluate.js';
import { curvePoint, initialBends, linePoint, tGrid } from './geometry.js';
import { bendFile, loadState, readBnStats, saveBends, saveState, statsKey, writeBnStats } from './state.js';
import { bendViews, trainCurve, type CurveEpoch, type CurveState, type CurveTrainConfig } from './train.js';

export interface ConnectJob {
  from: LoadedModel;
  to: LoadedModel;
  train: Dataset;
  test: Dataset;
  /** Provenance of the data (source, normalisation, --samples): part of the identity with the splits' hashes. */
  data: Record<string, unknown>;
  config: CurveTrainConfig;
  /** Values of t evaluated along each path (0 and 1 included). */
  points: number;
  evalBatch: number;
  /** BN models: training batches their statistics are re-estimated from at every evaluated point. */
  bnBatches: number;
  outDir: string;
  info: Record<string, unknown>;
  /** Optimizer steps done over the whole run (a resumed run starts past the finished epochs' steps) and their total. */
  onStep?: (step: number, total: number) => void;
  onEpoch?: (e: CurveEpoch) => void;
  onPoint?: (done: number, total: number) => void;
  /** Stops after the epoch (or point) in hand; the run then fails with 'interrupted' and resumes from there. */
  signal?: AbortSignal;
}

export interface ConnectResult {
  kind: 'connect';
  curve: string;
  bends: number;
  from: string;
  to: string;
  /** Per split ('train', 'test') and path ('curve', 'line'): loss, accuracy, errors and barrier along t. */
  paths: PathRecord[];
  /** Barrier heights by '<split> <path>', e.g. 'train curve'. */
  barriers: Record<string, number>;
  /** Per split: 1 − barrier(curve)/barrier(line). */
  barrierReduction: Record<string, number>;
  bn: 'recompute' | 'none';
  history: CurveEpoch[];
  checkpoints: string[];
}

export async function runConnect(job: ConnectJob): Promise<{ result: ConnectResult; resumedEpochs: number; dir: string }> {
  const { from, to, config: cfg } = job;
  const problem = from.theta.layout.mismatch(to.theta.layout);
  if (problem) throw new ConnectError(worded`${option('to', to.path)}${problem} (${option('from', from.path)}); both end points must be the same architecture`);
  const hasBn = from.model.buffers.length > 0;
  const identity = {
    from: { path: resolve(from.path), sha256: from.hash, arch: from.model.spec.arch },
    to: { path: resolve(to.path), sha256: to.hash },
    data: { ...job.data, trainHash: job.train.hash, testHash: job.test.hash },
    curve: cfg.curve, bends: cfg.bends,
    train: { epochs: cfg.epochs, batch: cfg.batch, lr: cfg.lr, optimizer: cfg.optimizer, schedule: cfg.schedule, seed: cfg.seed, threads: cfg.threads ?? 0 },
    points: job.points, evalBatch: job.evalBatch, bn: hasBn ? { mode: 'recompute', batches: job.bnBatches } : 'none',
  };
  const run = await RunDir.open(job.outDir, { kind: 'connect', identity, info: job.info });
  try {
    const p = from.theta.layout.size;
    let state: CurveState = loadState(run.dir, cfg.bends, p) ?? {
      epoch: 0, optimizer: { step: 0 }, history: [],
      bendData: concat(initialBends(from.theta, to.theta, cfg.bends).map((b) => b.data)),
    };
    const resumedEpochs = state.epoch;
    const meta = { connect: { from: identity.from.path, to: identity.to.path, curve: cfg.curve, bends: cfg.bends, dir: resolve(run.dir) } };
    if (state.epoch === 0) saveBends(run.dir, from.model, from.theta, state, meta);
    if (state.epoch < cfg.epochs) {
      state = await trainCurve({
        model: from.model, a: from.theta, b: to.theta, buffers: from.buffers, train: job.train, config: cfg, state,
        onStep: job.onStep,
        onEpoch: async (s) => {
          saveState(run.dir, s, cfg.bends);
          saveBends(run.dir, from.model, from.theta, s, meta);
          job.onEpoch?.(s.history[s.history.length - 1]!);
          return !job.signal?.aborted;
        },
      });
      if (state.epoch < cfg.epochs) throw new Error('interrupted');
    }
    const controls = [from.theta, ...bendViews(from.theta, state.bendData), to.theta];
    const ts = tGrid(job.points);
    const stats = hasBn ? readBnStats(run.dir) : new Map<string, Tensor>();
    const paths = await evaluatePaths({
      model: from.model, curveLabel: cfg.curve, ts, run, threads: cfg.threads ?? 0,
      pointAt: (path, t) => (path === 'curve' ? curvePoint(cfg.curve, controls, t) : linePoint(from.theta, to.theta, t)),
      splits: [{ name: 'train', batches: makeBatches(job.train, job.evalBatch) }, { name: 'test', batches: makeBatches(job.test, job.evalBatch) }],
      ...(hasBn ? { recomputeBatches: makeBatches(job.train, cfg.batch).slice(0, job.bnBatches) } : {}),
      onStats: (t, s) => {
        for (const [name, tensor] of s) stats.set(statsKey(t, name), tensor);
        writeBnStats(run.dir, stats);
      },
      onPoint: job.onPoint, signal: job.signal,
    });
    const result: ConnectResult = {
      kind: 'connect', curve: cfg.curve, bends: cfg.bends, from: from.path, to: to.path, paths,
      barriers: Object.fromEntries(paths.map((p) => [`${p.split} ${p.path}`, p.barrier.height])),
      barrierReduction: Object.fromEntries(['train', 'test'].map((k) => [k, barrierReduction(pathOf(paths, k, 'line').barrier.height, pathOf(paths, k, 'curve').barrier.height)])),
      bn: hasBn ? 'recompute' : 'none', history: state.history,
      checkpoints: Array.from({ length: cfg.bends }, (_, j) => run.path(bendFile(j + 1))),
    };
    await run.writeResult(result);
    return { result, resumedEpochs, dir: run.dir };
  } finally {
    run.close();
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) { out.set(x, o); o += x.length; }
  return out;
}
