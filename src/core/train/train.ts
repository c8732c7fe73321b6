// The training loop: one ORT session of the gradient graph (weights and BN statistics fed as inputs every step),
// PyTorch's optimizer rules in JS, seeded per-epoch shuffles, checkpoints before the first step and per epoch.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointOf, saveCheckpoint } from '../../ir/checkpoint.js';
import type { Model } from '../../ir/model.js';
import { INPUT } from '../../ir/model.js';
import { LABELS } from '../../ir/loss.js';
import type { Tensor } from '../../ir/tensor.js';
import { buildGradientGraph, parametersAsInputs } from '../../ir/training-graph.js';
import { Session } from '../../engine/session.js';
import { makeBatches, shuffledBatches, type Dataset } from '../data/index.js';
import { evaluateWeights } from '../evaluate/point.js';
import { ParamLayout, paramsOf, toTensors, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { stepInPlace, type OptimizerOptions, type OptimizerState } from './optimizer.js';
import { learningRate, type ScheduleName } from './schedule.js';
import { writeJsonAtomic } from '../runs/run-dir.js';

export interface TrainConfig {
  epochs: number;
  batch: number;
  lr: number;
  optimizer: OptimizerOptions;
  schedule: ScheduleName;
  seed: number;
  /** Save epoch-NNN.safetensors every this many epochs (0: only init and final). */
  saveEvery: number;
  /** Also save step-NNNNNN.safetensors after these optimizer steps (counted from 1 over the whole run): checkpoints
   * inside an epoch, e.g. early in a one-epoch run. */
  saveSteps?: readonly number[];
  threads?: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean loss / accuracy over the epoch's steps, with the weights as they were at each step (train-mode BN). */
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  lr: number;
  seconds: number;
}

export interface TrainResult {
  model: Model;
  epochs: EpochRecord[];
  testLoss: number;
  testAccuracy: number;
  checkpoints: string[];
}

export interface TrainJob {
  model: Model;
  train: Dataset;
  test: Dataset;
  config: TrainConfig;
  outDir: string;
  /** Stored in every checkpoint's metadata (dataset name and hash, command, …). */
  meta: Record<string, unknown>;
  onStep?: (step: number, totalSteps: number) => void;
  onEpoch?: (r: EpochRecord) => void;
}

export async function train(job: TrainJob): Promise<TrainResult> {
  const { config: cfg, outDir } = job;
  mkdirSync(outDir, { recursive: true });
  const model = job.model;
  const hasBn = model.buffers.length > 0;
  const gg = buildGradientGraph(model, { loss: 'softmax-ce', bn: hasBn ? 'train' : 'eval', weights: 'inputs' });
  const graph = hasBn ? parametersAsInputs(gg.graph, model.buffers) : gg.graph;
  const session = await Session.create(graph, { threads: cfg.threads ?? 0 });
  const layout = ParamLayout.ofModel(model);
  const theta = paramsOf(model, layout);
  const buffers = new Map(model.buffers.map((b) => [b, model.graph.initializers.get(b)!]));
  const grad = new Float32Array(layout.size);
  const fetch = [gg.lossName, gg.correctName, ...layout.slots.map((s) => gg.gradOf.get(s.name)!), ...model.buffers.map((b) => gg.runningStatOutputs.get(b)!)];
  const state: OptimizerState = { step: 0 };
  const stepsPerEpoch = Math.floor(job.train.count / cfg.batch) + (!hasBn && job.train.count % cfg.batch ? 1 : 0);
  const totalSteps = stepsPerEpoch * cfg.epochs;
  const testBatches = makeBatches(job.test, 500);
  const checkpoints: string[] = [];
  const saveSteps = new Set(cfg.saveSteps ?? []);
  const save = (name: string, epoch: number, metrics: Record<string, number>): void => {
    const path = join(outDir, name);
    saveCheckpoint(path, checkpointOf(current(model, theta, buffers), { ...job.meta, seed: cfg.seed, epoch, metrics, train: cfg }));
    checkpoints.push(path);
  };
  save('init.safetensors', 0, {});
  const epochs: EpochRecord[] = [];
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const t0 = Date.now();
      // One generator per epoch, seeded by (seed, epoch): an epoch's order does not depend on the ones before it.
      const rng = createRng((cfg.seed * 1_000_003 + epoch) >>> 0);
      let lossSum = 0, correct = 0, seen = 0, lr = cfg.lr;
      for (const b of shuffledBatches(job.train, cfg.batch, rng, { dropLast: hasBn })) {
        const feeds: Record<string, Tensor> = { [INPUT]: b.x, [LABELS]: b.y };
        for (const [k, t] of toTensors(theta)) feeds[k] = t;
        for (const [k, t] of buffers) feeds[k] = t;
        const out = await session.run(feeds, fetch);
        layout.slots.forEach((s) => grad.set(out[gg.gradOf.get(s.name)!]!.data as Float32Array, s.offset));
        for (const bname of model.buffers) buffers.set(bname, out[gg.runningStatOutputs.get(bname)!]!);
        lr = learningRate(cfg.schedule, cfg.lr, state.step, totalSteps);
        stepInPlace(cfg.optimizer, state, theta.data, grad, lr);
        lossSum += Number((out[gg.lossName]!.data as Float32Array)[0]) * b.size;
        correct += Number((out[gg.correctName]!.data as Float32Array)[0]);
        seen += b.size;
        job.onStep?.(state.step, totalSteps);
        // Fractional epoch in the metadata, so that curvature-over-training orders step and epoch checkpoints.
        if (saveSteps.has(state.step)) save(`step-${String(state.step).padStart(6, '0')}.safetensors`, state.step / stepsPerEpoch, { step: state.step });
      }
      const weights = new Map([...toTensors(theta), ...buffers]);
      const test = await evaluateWeights(model, weights, testBatches, { threads: cfg.threads ?? 0 });
      const rec: EpochRecord = {
        epoch, trainLoss: lossSum / seen, trainAccuracy: correct / seen, testLoss: test.loss, testAccuracy: test.accuracy,
        lr, seconds: (Date.now() - t0) / 1000,
      };
      epochs.push(rec);
      job.onEpoch?.(rec);
      if (cfg.saveEvery > 0 && epoch % cfg.saveEvery === 0) save(`epoch-${String(epoch).padStart(3, '0')}.safetensors`, epoch, metricsOf(rec));
      await writeJsonAtomic(join(outDir, 'train.json'), { config: cfg, meta: job.meta, epochs, done: false });
    }
  } finally {
    await session.dispose();
  }
  const last = epochs[epochs.length - 1];
  save('final.safetensors', cfg.epochs, last ? metricsOf(last) : {});
  const finalModel = current(model, theta, buffers);
  const finalTest = await evaluateWeights(finalModel, new Map([...toTensors(theta), ...buffers]), testBatches, { threads: cfg.threads ?? 0 });
  await writeJsonAtomic(join(outDir, 'train.json'), {
    config: cfg, meta: job.meta, epochs, done: true, testLoss: finalTest.loss, testAccuracy: finalTest.accuracy, checkpoints,
  });
  return { model: finalModel, epochs, testLoss: finalTest.loss, testAccuracy: finalTest.accuracy, checkpoints };
}

function metricsOf(r: EpochRecord): Record<string, number> {
  return { trainLoss: r.trainLoss, trainAccuracy: r.trainAccuracy, testLoss: r.testLoss, testAccuracy: r.testAccuracy };
}

/** The model with the current weights as initializers (copies, so later steps do not change it). */
function current(model: Model, theta: ParamVector, buffers: Map<string, Tensor>): Model {
  const init = new Map(model.graph.initializers);
  for (const [k, t] of toTensors(theta)) init.set(k, { ...t, data: (t.data as Float32Array).slice() });
  for (const [k, t] of buffers) init.set(k, { ...t, data: (t.data as Float32Array).slice() });
  return { ...model, graph: { ...model.graph, initializers: init } };
}
