// Options and loading steps shared by the commands: model, data, threads, output.
import type { Command } from 'commander';
import { makeBatches, resolveData, type Dataset, type SplitName } from '../core/data/index.js';
import { loadModelFile, type LoadedModel } from '../core/model-file.js';
import type { DataSelection } from '../core/landscape/job.js';
import type { LabeledBatch } from '../core/evaluate/point.js';
import { UsageError } from './errors.js';

export function intOption(flag: string, min = 0) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} '${value}' must be an integer ≥ ${min}`);
    return n;
  };
}

export function numberOption(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new UsageError(`${flag} '${value}' must be a number`);
    return n;
  };
}

export function choiceOption<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${flag} '${value}' is not one of ${choices.join(', ')}`);
    return value as T;
  };
}

export function addModelOptions(cmd: Command): Command {
  return cmd.requiredOption('--model <file>', 'a terrain checkpoint (.safetensors), an ONNX model (.onnx) or a TF.js model.json')
    .option('--weights <file>', 'a PyTorch state_dict (.pt/.pth from torch.save, or .safetensors) put into the model by name');
}

export function addDataOptions(cmd: Command, defaultSplit: SplitName): Command {
  return cmd
    .requiredOption('--data <spec>', 'digits | fashion-mnist[:DIR] | mnist:DIR | cifar10:DIR | cifar100:DIR | npy:X.npy,Y.npy | npz:FILE')
    .option('--split <split>', 'train | test | all', choiceOption('--split', ['train', 'test', 'all'] as const), defaultSplit)
    .option('--samples <n>', 'a seeded, stratified subset of N samples of the split', intOption('--samples', 1))
    .option('--data-seed <n>', 'seed of the --samples subset', intOption('--data-seed'), 0)
    .option('--batch <n>', 'evaluation batch size', intOption('--batch', 1), 256);
}

export function addRuntimeOptions(cmd: Command): Command {
  return cmd
    .option('--threads <n>', 'ORT threads (0: all cores)', intOption('--threads'), 0)
    .option('--json', 'print one JSON object as the last line of stdout');
}

export interface DataOptions {
  data: string;
  split: SplitName;
  samples?: number;
  dataSeed: number;
  batch: number;
}

export interface PreparedData {
  selected: Dataset;
  train: Dataset;
  batches: LabeledBatch[];
  selection: DataSelection;
}

export function prepareData(o: DataOptions): PreparedData {
  const d = resolveData(o.data, { split: o.split, samples: o.samples, seed: o.dataSeed });
  const selected = d.selected;
  return {
    selected,
    train: d.train,
    batches: makeBatches(selected, o.batch),
    selection: { source: d.source, split: o.split, samples: o.samples, seed: o.dataSeed, hash: selected.hash, count: selected.count },
  };
}

export function loadModel(path: string, weights?: string): LoadedModel {
  return loadModelFile(path, { weights });
}

/** The model's input must take the data's samples: same shape, or the same size for a flattening model. */
export function checkCompatible(m: LoadedModel, data: Dataset, dataFlag = '--data'): void {
  const want = m.model.spec.inputShape, got = data.shape;
  if (want.join() !== got.join()) throw new UsageError(`${dataFlag} ${data.name}: samples are [${got}] but the model ${m.path} takes [${want}]; use data of that shape or a model built for it`);
  if (data.classes > m.model.spec.classes) throw new UsageError(`${dataFlag} ${data.name}: ${data.classes} classes but the model ${m.path} has ${m.model.spec.classes} outputs`);
}

export function commandLine(): string[] {
  return process.argv.slice(2);
}
