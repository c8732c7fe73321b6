// `prepare` for mining: model + mining/held-out data + loss + norm constraint + seeds → a MineJob that runMining
// runs. Shells parse flags (shape, judging grid, tolerance) into MineOptions, call this, print, run the job.
import type { ParamSelection } from '../directions/param-subset.js';
import { selectParams } from '../directions/param-subset.js';
import type { AdaptiveOptions, Tolerance } from '../landscape/adaptive.js';
import type { DataSelection } from '../landscape/job.js';
import type { LossChoice } from '../loss/choice.js';
import { loadModelFile, type LoadedModel } from '../model-file.js';
import type { Range } from '../runs/grid.js';
import { InputError, option, worded } from '../../ir/errors.js';
import { customLoss } from '../jobs/tolerance.js';
import type { ConstraintOptions, MineBiasBn, MineNorm } from './constraint.js';
import { prepareMiningData, type MiningData, type MiningDataOptions } from './data.js';
import type { MineJob } from './job.js';
import type { Objective } from './objectives.js';
import type { OptimizeConfig } from './optimize.js';

/** Mining options that do not fit the model or the data; the message names the value and what would work. */
export class MineOptionsError extends InputError {
  override name = 'MineOptionsError';
}

export interface MineOptions {
  model: string;
  weights?: string;
  objective: Objective;
  objectiveIdentity: Record<string, unknown>;
  judgeRange: Range;
  norm: MineNorm;
  biasBn: MineBiasBn;
  /** Regular expression of the parameter tensors ε may move. */
  params?: string;
  data: MiningDataOptions;
  /** Checks the model against the data as read and chooses the loss (the shell's data and loss options live there). */
  check: (m: LoadedModel, data: MiningData) => LossChoice;
  adaptive?: AdaptiveOptions;
  refine?: Tolerance;
  /** Seeds seed, seed + 1, … seed + restarts − 1. */
  seed: number;
  restarts: number;
  config: OptimizeConfig;
  /** Mining minibatch size, and the batch size of the judging curves. */
  batchSize: number;
  evalBatchSize: number;
  outDir: string;
  threads: number;
  info: Record<string, unknown>;
}

export interface PreparedMine {
  job: Omit<MineJob, 'onStep' | 'onSeed' | 'signal'>;
  /** The tensors ε moves when options.params is set. */
  params?: ParamSelection;
  /** How the held-out data was obtained, in words. */
  protocol: string;
}

export function prepareMine(o: MineOptions): PreparedMine {
  const m = loadModelFile(o.model, { weights: o.weights });
  // The constraint's groups lie inside the subset, so ε is 0 elsewhere and normalised inside (constraint.ts).
  const params = o.params === undefined ? undefined : selectParams(m.theta.layout, o.params);
  const constraint: ConstraintOptions = { norm: o.norm, biasBn: o.biasBn, ...(params ? { params: { pattern: params.pattern, tensors: params.names } } : {}) };
  const data = prepareMiningData(o.data);
  const choice = o.check(m, data);
  const loss = customLoss(choice, o.adaptive, MineOptionsError);
  // The loss is part of every selection, so of the run's identity and of each judged curve's.
  const withLoss = <T extends { selection: DataSelection }>(d: T): T => ({ ...d, selection: { ...d.selection, loss: choice.name } });
  if (data.mining.dataset.count < o.batchSize) throw new MineOptionsError(worded`${option('mine-batch', o.batchSize)}: the mining data has only ${data.mining.dataset.count} samples`);
  const job: PreparedMine['job'] = {
    model: m, objective: o.objective, objectiveIdentity: o.objectiveIdentity, constraint,
    mining: withLoss(data.mining), heldOut: withLoss(data.heldOut), inSample: data.inSample && withLoss(data.inSample),
    seeds: Array.from({ length: o.restarts }, (_, k) => o.seed + k), ...(loss ? { loss } : {}),
    ...(o.adaptive ? { adaptive: o.adaptive } : {}), ...(o.refine ? { refine: o.refine } : {}),
    config: o.config, batchSize: o.batchSize, evalBatchSize: o.evalBatchSize, judgeRange: o.judgeRange, outDir: o.outDir, threads: o.threads,
    info: { ...o.info, protocol: data.protocol },
  };
  return { job, ...(params ? { params } : {}), protocol: data.protocol };
}
