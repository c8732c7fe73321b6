// The job of `terrain train`: data → a zoo model → SGD/Adam training → checkpoints and train.json in the output
// folder. Shells parse flags into TrainJobOptions, call trainJob and print what its hooks and result tell them.
import { resolveData, type ResolvedData } from '../data/index.js';
import { train, type EpochRecord, type TrainConfig, type TrainResult } from '../train/train.js';
import { buildModel, zooNames } from '../../ir/zoo/index.js';
import { InputError, option, worded } from '../../ir/errors.js';

/** A model or data set that terrain train cannot fit; the message names the value and what would work. */
export class TrainOptionsError extends InputError {
  override name = 'TrainOptionsError';
}

/** The training settings (core/train's TrainConfig) plus what the job reads and writes. */
export interface TrainJobOptions extends TrainConfig {
  arch: string;
  modelOptions: Record<string, unknown>;
  data: string;
  normalize?: string;
  samples?: number;
  threads: number;
  outDir: string;
  /** The command line and version recorded in train.json. */
  command: string[];
  version: string;
  /** Hears the data once read (the shell announces its normalisation) and the number of optimizer steps planned. */
  onData?: (d: ResolvedData, totalSteps: number) => void;
  onStep?: (step: number) => void;
  onEpoch?: (r: EpochRecord) => void;
}

export async function trainJob(o: TrainJobOptions): Promise<TrainResult> {
  if (!zooNames().includes(o.arch)) throw new TrainOptionsError(worded`${option('model', `'${o.arch}'`)} is not in the zoo; choose one of ${zooNames().join(', ')}`);
  const data = resolveData(o.data, { split: 'train', samples: o.samples, seed: o.seed, normalize: o.normalize });
  const trainSet = data.selected;
  const steps = Math.ceil(trainSet.count / o.batch) * o.epochs;
  o.onData?.(data, steps);
  // train fits classifiers with cross-entropy: data without ≥ 2 classes of labels (float targets, label sequences) is refused.
  const why = trainSet.labelShape ? `labels of shape [${trainSet.labelShape}] per sample`
    : trainSet.targets && trainSet.classes === 1 ? 'float targets (regression), not class labels'
      : trainSet.classes < 2 ? 'a single class' : undefined;
  if (why) throw new TrainOptionsError(worded`${option('data', o.data)}: terrain train fits classifiers with cross-entropy and needs integer class labels of at least 2 classes; the data has ${why}`);
  let model;
  try {
    model = buildModel({ arch: o.arch, options: o.modelOptions, inputShape: [...trainSet.shape], classes: trainSet.classes }, o.seed);
  } catch (e) {
    throw new TrainOptionsError(worded`${option('model', o.arch)}: ${(e as Error).message}`);
  }
  return train({
    model, train: trainSet, test: data.test, outDir: o.outDir,
    config: { epochs: o.epochs, batch: o.batch, lr: o.lr, optimizer: o.optimizer, schedule: o.schedule, seed: o.seed, saveEvery: o.saveEvery, saveSteps: o.saveSteps, threads: o.threads },
    meta: {
      dataset: data.source, normalize: data.normalize, datasetHash: data.hash, trainHash: trainSet.hash, testHash: data.test.hash, samples: o.samples ?? null,
      command: o.command, version: o.version,
    },
    onStep: (s) => o.onStep?.(s),
    onEpoch: (r) => o.onEpoch?.(r),
  });
}
