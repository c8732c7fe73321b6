// A model: an ONNX graph from `input` to `logits`, plus which initializers are trainable.
import type { Graph } from './graph.js';
import { InputError } from './errors.js';

/** Everything needed to rebuild a model from the zoo; stored in checkpoints. */
export interface ModelSpec {
  /** Zoo name, e.g. "mlp", "resnet20"; "onnx" for imported graphs. */
  arch: string;
  /** Architecture options (widths, activation, width multiplier, …), JSON-serialisable. */
  options: Record<string, unknown>;
  /** Per-sample input shape without the batch: [C, H, W] for images, [D] for vectors. */
  inputShape: number[];
  classes: number;
  /** Integer inputs (token ids) of imported models: samples hold ids as exact float32 values, cast in the graph. */
  inputDtype?: 'int64' | 'int32';
  /**
   * Imported graphs with several inputs: their names, sample shapes and types, in the order their values are packed
   * side by side into one float32 sample of `inputShape` [Σ sizes] (the graph slices them apart again).
   */
  inputs?: { name: string; shape: number[]; dtype: 'float32' | 'int64' }[];
}

export interface Model {
  spec: ModelSpec;
  /** Input value "input" [N, ...inputShape] → output "logits" [N, classes]; BatchNormalization nodes in eval form. */
  graph: Graph;
  /** Trainable initializers (PyTorch named_parameters order and names). */
  params: string[];
  /** Non-trainable state that belongs to the model (BN running_mean / running_var), PyTorch buffer names. */
  buffers: string[];
  /**
   * Set on imported models that ONNX Runtime can run forward but terrain cannot differentiate: the message naming the
   * ops that lack a shape or gradient rule. Evaluation works; building a gradient or HVP graph throws it.
   */
  forwardOnly?: string;
}

/** A model that can only be evaluated was asked for derivatives (an input error: the file's ops decide it). */
export class UnsupportedOpError extends InputError {
  override name = 'UnsupportedOpError';
}

/** Throws UnsupportedOpError when `model` cannot be differentiated; `what` names the computation that needs it. */
export function requireDifferentiable(model: Model, what: string): void {
  if (model.forwardOnly === undefined) return;
  throw new UnsupportedOpError(`cannot compute ${what} of this model: ${model.forwardOnly.replace(/^[^:]*: /, '')}\n`
    + 'Forward-only commands (eval, curve and surface along gaussian, to: and file: directions) work on this model.');
}

export const INPUT = 'input';
export const LOGITS = 'logits';
