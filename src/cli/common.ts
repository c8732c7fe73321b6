// Options and loading steps shared by the commands: model, data, threads, output.
import type { Command } from 'commander';
import { fitSampleShape, makeBatches, NORMALIZE_FORMS, resolveData, type Dataset, type ResolvedData, type SplitName } from '../core/data/index.js';
import { loadModelFile, type LoadedModel } from '../core/model-file.js';
import type { DataSelection } from '../core/landscape/job.js';
import type { LabeledBatch } from '../core/evaluate/point.js';
import type { HvpMethod } from '../core/hessian/hvp-backends.js';
import { chooseLoss, DEFAULT_LOSS, LOSS_NAMES, type LossChoice } from '../core/loss/choice.js';
import { LOGITS } from '../ir/model.js';
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
    .option('--normalize <how>', NORMALIZE_HELP)
    .option('--loss <name>', `${LOSS_NAMES.join(' | ')} (default ${DEFAULT_LOSS}; docs/pytorch.md)`, choiceOption('--loss', LOSS_NAMES))
    .option('--batch <n>', 'evaluation batch size', intOption('--batch', 1), 256);
}

export const NORMALIZE_HELP = `${NORMALIZE_FORMS}; default per-channel (training statistics) for digits, fashion-mnist, mnist, cifar*, none for npy:/npz:`;

export function addRuntimeOptions(cmd: Command): Command {
  return cmd
    .option('--threads <n>', 'ORT threads (0: all cores)', intOption('--threads'), 0)
    .option('--json', 'print one JSON object as the last line of stdout');
}

/** The options of a command that evaluates one model on data: model and weights, data, threads and --json. */
export function addModelDataOptions(cmd: Command, defaultSplit: SplitName): Command {
  return addRuntimeOptions(addDataOptions(addModelOptions(cmd), defaultSplit));
}

export interface DataOptions {
  data: string;
  split: SplitName;
  samples?: number;
  dataSeed: number;
  normalize?: string;
  loss?: string;
  batch: number;
}

/** The flags of the commands that compute Hessian quantities and write a run directory with figures. */
export interface CurvatureRunFlags {
  hvp: HvpMethod;
  tol: number;
  threads: number;
  out: string;
  json?: boolean;
  plots: boolean;
}

export interface PreparedData {
  selected: Dataset;
  train: Dataset;
  batches: LabeledBatch[];
  selection: DataSelection;
  /** The --loss checked against the model's output and the labels (present when prepareData was given the model). */
  loss?: LossChoice;
}

/**
 * Reads, normalises and batches the data; with a model, samples that differ from its input only by unit axes
 * (npy (N, T, D) loaded as [1, T, D] for a model taking [T, D]) are reshaped to it.
 */
export function prepareData(o: DataOptions, model?: LoadedModel): PreparedData {
  const inputs = model?.model.spec.inputs;
  const d = resolveData(o.data, { split: o.split, samples: o.samples, seed: o.dataSeed, normalize: o.normalize, ...(inputs ? { inputs } : {}) });
  announceNormalization(d);
  const fit = (ds: Dataset) => (model ? fitSampleShape(ds, model.model.spec.inputShape) : ds);
  const selected = fit(d.selected);
  const loss = model ? chooseLoss(o.loss ?? DEFAULT_LOSS, outputShape(model), selected, model.path) : undefined;
  return {
    selected,
    train: fit(d.train),
    batches: makeBatches(selected, o.batch),
    selection: {
      source: d.source, split: o.split, samples: o.samples, seed: o.dataSeed, normalize: d.normalize,
      ...(loss ? { loss: loss.name } : {}), hash: selected.hash, count: selected.count,
    },
    ...(loss ? { loss } : {}),
  };
}

/** Per-sample shape of the model's output (without the batch axis). */
export function outputShape(m: LoadedModel): (number | string)[] {
  const out = m.model.graph.outputs.find((o) => o.name === LOGITS);
  const shape = out ? out.shape.slice(1) : [m.model.spec.classes];
  // A symbolic class axis in the declared output: the model's own class count is what it computes.
  return shape.length === 1 && typeof shape[0] !== 'number' ? [m.model.spec.classes] : shape;
}

/** Says once, on stderr, which normalisation the data got (it changes every number computed from it). */
export function announceNormalization(d: Pick<ResolvedData, 'source' | 'normalize' | 'train'>): void {
  const s = d.train.standardisation;
  const stats = s ? ` (mean ${s.mean.map((v) => +v.toPrecision(5)).join(';')}, std ${s.std.map((v) => +v.toPrecision(5)).join(';')})` : ' (values as given)';
  process.stderr.write(`data ${d.source}: --normalize ${d.normalize}${stats}\n`);
}

export function loadModel(path: string, weights?: string): LoadedModel {
  return loadModelFile(path, { weights });
}

/** The model's input must take the data's samples: same shape, or the same size for a flattening model. */
export function checkCompatible(m: LoadedModel, prepared: Dataset | PreparedData, dataFlag = '--data', lossChecked = false): void {
  const data = 'selected' in prepared ? prepared.selected : prepared;
  const want = m.model.spec.inputShape, got = data.shape;
  if (want.join() !== got.join()) throw new UsageError(`${dataFlag} ${data.name}: samples are [${got}] but the model ${m.path} takes [${want}]; use data of that shape or a model built for it`);
  if (m.model.spec.inputDtype && data.xDtype !== 'int64' && !m.model.spec.inputs) {
    throw new UsageError(`${dataFlag} ${data.name}: the model ${m.path} takes integer token ids (${m.model.spec.inputDtype}) but the samples are floats; save X as an integer array (numpy: x.astype('int64'))`);
  }
  // With a chosen loss the labels were checked against the output by chooseLoss (a bce model has one output for 2 classes).
  const checkedByLoss = lossChecked || ('selected' in prepared && prepared.loss !== undefined);
  if (!checkedByLoss && data.classes > m.model.spec.classes) throw new UsageError(`${dataFlag} ${data.name}: ${data.classes} classes but the model ${m.path} has ${m.model.spec.classes} outputs`);
}

export function commandLine(): string[] {
  return process.argv.slice(2);
}
