// terrain train: data in, a trained model and its checkpoints out.
import type { Command } from 'commander';
import { trainJob, type TrainJobOptions } from '../../core/jobs/train.js';
import { SCHEDULES, type ScheduleName } from '../../core/train/schedule.js';
import type { TrainResult } from '../../core/train/train.js';
import type { OptimizerOptions } from '../../core/train/optimizer.js';
import { zooNames } from '../../ir/zoo/index.js';
import { announceNormalization, choiceOption, commandLine, intOption, NORMALIZE_HELP, numberOption } from '../common.js';
import { UsageError } from '../errors.js';
import { makeOutput, type Output, type ProgressReporter } from '../output.js';
import { VERSION } from '../version.js';

export interface TrainFlags {
  model: string;
  modelOptions?: string;
  data: string;
  normalize?: string;
  samples?: number;
  epochs: number;
  batch: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  nesterov?: boolean;
  weightDecay: number;
  schedule: ScheduleName;
  seed: number;
  saveEvery: number;
  saveSteps?: number[];
  threads: number;
  out: string;
  json?: boolean;
}

function parseModelOptions(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`--model-options '${text}' must be a JSON object, e.g. '{"widths":[128,64]}' (${(e as Error).message})`);
  }
}

/** The job's options from the flags (checks that need no data first). */
export function trainOptions(flags: TrainFlags): TrainJobOptions {
  const optimizer: OptimizerOptions = flags.optimizer === 'sgd'
    ? { kind: 'sgd', momentum: flags.momentum, nesterov: !!flags.nesterov, weightDecay: flags.weightDecay }
    : { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: flags.weightDecay };
  if (flags.nesterov && (flags.optimizer !== 'sgd' || flags.momentum === 0)) throw new UsageError('--nesterov needs --optimizer sgd with --momentum > 0');
  return {
    arch: flags.model, modelOptions: parseModelOptions(flags.modelOptions), data: flags.data, normalize: flags.normalize, samples: flags.samples,
    epochs: flags.epochs, batch: flags.batch, lr: flags.lr, optimizer, schedule: flags.schedule, seed: flags.seed, saveEvery: flags.saveEvery,
    saveSteps: flags.saveSteps, threads: flags.threads, outDir: flags.out, command: ['terrain', ...commandLine()], version: VERSION,
  };
}

/** Trains as the flags say, with a progress bar and one line per epoch on `out` (also demo's and reproduce's step). */
export async function runTrain(flags: TrainFlags, out: Output): Promise<TrainResult> {
  let bar: ProgressReporter | undefined;
  let total = 0;
  const t0 = Date.now();
  try {
    return await trainJob({
      ...trainOptions(flags),
      onData: (data, steps) => {
        announceNormalization(data);
        bar = out.progress('train', steps);
        total = steps;
      },
      onStep: (s) => bar?.update(s, s > 0 ? ((Date.now() - t0) / s) * (total - s) : undefined),
      onEpoch: (r) => {
        bar?.stop();
        out.say(`epoch ${r.epoch}/${flags.epochs}: train loss ${r.trainLoss.toFixed(4)} acc ${(100 * r.trainAccuracy).toFixed(2)}% | test loss ${r.testLoss.toFixed(4)} acc ${(100 * r.testAccuracy).toFixed(2)}% (${r.seconds.toFixed(1)} s)`);
      },
    });
  } finally {
    bar?.stop();
  }
}

/** The lines printed once training is over. */
export function sayTrained(out: Output, flags: Pick<TrainFlags, 'out'>, result: TrainResult): void {
  out.say(`final: test loss ${result.testLoss.toFixed(4)}, test accuracy ${(100 * result.testAccuracy).toFixed(2)}%`);
  out.say(`checkpoints in ${flags.out}: ${result.checkpoints.map((p) => p.split('/').pop()).join(', ')}`);
}

export async function trainCommand(flags: TrainFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const result = await runTrain(flags, out);
  sayTrained(out, flags, result);
  out.result({ out: flags.out, testLoss: result.testLoss, testAccuracy: result.testAccuracy, epochs: result.epochs, checkpoints: result.checkpoints });
}

function stepListOption(value: string): number[] {
  const steps = value.split(',').map(Number);
  if (!value || steps.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--save-steps '${value}' must be a comma-separated list of step numbers ≥ 1, e.g. 10,40`);
  return steps;
}

export function registerTrain(program: Command): void {
  program.command('train').description('train a zoo model, saving init, per-epoch and final checkpoints')
    .requiredOption('--model <arch>', `zoo architecture: ${zooNames().join(', ')}`)
    .option('--model-options <json>', 'architecture options as JSON, e.g. \'{"widths":[128,64],"activation":"tanh"}\'')
    .requiredOption('--data <spec>', 'digits | fashion-mnist[:DIR] | mnist:DIR | cifar10:DIR | cifar100:DIR | npy:X.npy,Y.npy')
    .option('--normalize <how>', NORMALIZE_HELP)
    .option('--samples <n>', 'train on a seeded, stratified subset of N training samples', intOption('--samples', 1))
    .option('--epochs <n>', 'epochs', intOption('--epochs', 1), 10)
    .option('--batch <n>', 'batch size', intOption('--batch', 2), 128)
    .option('--lr <x>', 'learning rate', numberOption('--lr'), 0.1)
    .option('--optimizer <name>', 'sgd | adam', choiceOption('--optimizer', ['sgd', 'adam'] as const), 'sgd')
    .option('--momentum <x>', 'SGD momentum', numberOption('--momentum'), 0.9)
    .option('--nesterov', 'Nesterov momentum')
    .option('--weight-decay <x>', 'L2 weight decay (PyTorch style, added to the gradient)', numberOption('--weight-decay'), 5e-4)
    .option('--schedule <name>', SCHEDULES.join(' | '), choiceOption('--schedule', SCHEDULES), 'cosine')
    .option('--seed <n>', 'seed of the initial weights, the shuffles and the --samples subset', intOption('--seed'), 0)
    .option('--save-every <n>', 'save epoch-NNN.safetensors every N epochs (0: only init and final)', intOption('--save-every'), 1)
    .option('--save-steps <list>', 'also save step-NNNNNN.safetensors after these optimizer steps, e.g. 10,40 (checkpoints inside an epoch)', stepListOption)
    .option('--threads <n>', 'ORT threads (0: all cores)', intOption('--threads'), 0)
    .option('--json', 'print one JSON object as the last line of stdout')
    .requiredOption('--out <dir>', 'output directory for checkpoints and train.json')
    .action(trainCommand);
}
