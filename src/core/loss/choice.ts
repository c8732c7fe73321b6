// The loss option: which loss graph fits a model's output and a data set's labels, or a LossError saying which to use.
// A loss that does not fit is refused before anything runs: a one-output model with class labels under
// cross-entropy would otherwise give "loss 0, accuracy 100 %" (log softmax of one logit is 0).
import type { LossOptions } from '../../ir/loss.js';
import type { Dim } from '../../ir/graph.js';
import type { Dataset } from '../data/dataset.js';
import { InputError, option, worded } from '../../ir/errors.js';

export const LOSS_NAMES = ['cross-entropy', 'mse', 'bce', 'nll', 'token-cross-entropy', 'model'] as const;
export type LossName = (typeof LOSS_NAMES)[number];
export const DEFAULT_LOSS: LossName = 'cross-entropy';

/** Bad input: the loss does not fit the model's output or the data's labels. */
export class LossError extends InputError {
  override name = 'LossError';
}

export interface LossChoice {
  /** The loss's name, recorded with results and in run.json. */
  name: LossName;
  /** The loss graph to build (ir/loss.ts withLoss). */
  options: LossOptions;
  /** What the loss graph is fed besides the input: int64 labels, float targets, or nothing. */
  feeds: 'labels' | 'targets' | 'none';
  /** Why accuracy has no meaning (reported as null); absent when it has one. */
  noAccuracy?: string;
}

const entries = (shape: readonly Dim[]): number => shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : NaN), 1);
const show = (shape: readonly Dim[]): string => `[${['N', ...shape].join(', ')}]`;

/**
 * The loss `name` for a model whose output has per-sample shape `output` (without the batch axis) on `data`.
 * `what` names the model in messages.
 */
export function chooseLoss(name: string, output: readonly Dim[], data: Dataset, what = 'the model'): LossChoice {
  if (!(LOSS_NAMES as readonly string[]).includes(name)) throw new LossError(worded`${option('loss', `'${name}'`)} is not one of ${LOSS_NAMES.join(', ')}`);
  const out = `${what} outputs ${show(output)}`;
  const tokens = output.length === 2 ? worded` (a sequence model: use ${option('loss', 'token-cross-entropy')})` : '';
  const floatOnly = data.targets !== undefined && data.classes === 1 && !data.labelShape;
  const classLabels = (loss: string): void => {
    if (data.labelShape) throw new LossError(worded`${option('loss', loss)} needs one class label per sample, but ${data.name} has labels of shape [${data.labelShape}] per sample; use ${option('loss', 'token-cross-entropy')} for [N, T] targets`);
    if (floatOnly) throw new LossError(worded`${option('loss', loss)} needs integer class labels, but ${data.name} holds float targets of shape [${data.targetShape ?? []}] per sample; use ${option('loss', 'mse')} (regression) or ${option('loss', 'bce')} (0/1 targets), or save class indices (y.argmax(1)) as integers`);
  };
  const classes = (loss: string): number => {
    const c = output[0];
    if (output.length !== 1 || typeof c !== 'number') throw new LossError(worded`${option('loss', loss)} needs an output [N, classes], but ${out}${tokens}`);
    if (c < 2) throw new LossError(worded`${option('loss', loss)} needs at least 2 classes, but ${out}: one column (softmax of one logit is 1, so the loss would be 0 and the accuracy 100 %); for a binary classifier with one logit use ${option('loss', 'bce')}, for regression ${option('loss', 'mse')}`);
    if (data.classes > c) throw new LossError(worded`${option('loss', loss)}: ${data.name} has labels up to ${data.classes - 1}, but ${out}: labels must be below the number of outputs`);
    return c;
  };
  switch (name as LossName) {
    case 'cross-entropy': case 'nll': {
      classLabels(name);
      classes(name);
      return { name: name as LossName, options: { kind: name === 'nll' ? 'nll' : 'softmax-ce' }, feeds: 'labels' };
    }
    case 'mse': {
      if (data.targets && entries(data.targetShape ?? []) === entries(output)) {
        return { name: 'mse', options: { kind: 'mse-target', targetShape: [...(data.targetShape ?? [])] }, feeds: 'targets', noAccuracy: 'mse against float targets (regression) has no accuracy' };
      }
      if (floatOnly) throw new LossError(worded`${option('loss', 'mse')}: ${data.name} has targets of shape [${data.targetShape ?? []}] per sample (${entries(data.targetShape ?? [])} values), but ${out} (${entries(output)} values per sample)`);
      classLabels('mse');
      const c = output[0];
      if (output.length !== 1 || typeof c !== 'number') throw new LossError(worded`${option('loss', 'mse')} against class labels needs an output [N, classes], but ${out}`);
      if (data.classes > c) throw new LossError(worded`${option('loss', 'mse')}: ${data.name} has labels up to ${data.classes - 1}, but ${out}: one-hot targets need an output per class`);
      return { name: 'mse', options: { kind: 'mse' }, feeds: 'labels' };
    }
    case 'bce': {
      if (data.targets && entries(data.targetShape ?? []) === entries(output) && (floatOnly || entries(output) > 1)) {
        return { name: 'bce', options: { kind: 'bce', targets: 'float', targetShape: [...(data.targetShape ?? [])] }, feeds: 'targets' };
      }
      classLabels('bce');
      if (entries(output) !== 1) throw new LossError(worded`${option('loss', 'bce')} with class labels needs one logit per sample ([N] or [N, 1]), but ${out}; for ${output[0]} classes use ${option('loss', 'cross-entropy')}, for multi-label targets save them as a float (N, K) array`);
      if (data.classes > 2) throw new LossError(worded`${option('loss', 'bce')} needs 0/1 labels, but ${data.name} has labels up to ${data.classes - 1}`);
      return { name: 'bce', options: { kind: 'bce', targets: 'labels' }, feeds: 'labels' };
    }
    case 'token-cross-entropy': {
      const [steps, vocab] = output;
      if (output.length !== 2 || typeof vocab !== 'number') throw new LossError(worded`${option('loss', 'token-cross-entropy')} needs an output [N, T, vocab], but ${out}`);
      if (!data.labelShape || data.labelShape.length !== 1) throw new LossError(worded`${option('loss', 'token-cross-entropy')} needs integer targets [N, T] (one per position, -100 ignored), but ${data.name} has ${data.labelShape ? `[N, ${data.labelShape.join(', ')}]` : 'one label per sample'}`);
      if (typeof steps === 'number' && data.labelShape[0] !== steps) throw new LossError(worded`${option('loss', 'token-cross-entropy')}: ${data.name} has ${data.labelShape[0]} targets per sample, but ${out}`);
      if (data.classes > vocab) throw new LossError(worded`${option('loss', 'token-cross-entropy')}: ${data.name} has token ids up to ${data.classes - 1}, but ${out}: ids must be below the vocabulary size`);
      return { name: 'token-cross-entropy', options: { kind: 'token-ce' }, feeds: 'labels' };
    }
    case 'model': {
      if (!(output.length === 0 || (output.length === 1 && output[0] === 1))) throw new LossError(worded`${option('loss', 'model')} needs the model's output to be the per-sample loss [N] (or [N, 1]), but ${out}`);
      return { name: 'model', options: { kind: 'model' }, feeds: 'none', noAccuracy: 'the model computes its own loss: no predictions to score' };
    }
  }
}
