// A model: an ONNX graph from `input` to `logits`, plus which initializers are trainable.
import type { Graph } from './graph.js';

/** Everything needed to rebuild a model from the zoo; stored in checkpoints. */
export interface ModelSpec {
  /** Zoo name, e.g. "mlp", "resnet20"; "onnx" for imported graphs. */
  arch: string;
  /** Architecture options (widths, activation, width multiplier, …), JSON-serialisable. */
  options: Record<string, unknown>;
  /** Per-sample input shape without the batch: [C, H, W] for images, [D] for vectors. */
  inputShape: number[];
  classes: number;
}

export interface Model {
  spec: ModelSpec;
  /** Input value "input" [N, ...inputShape] → output "logits" [N, classes]; BatchNormalization nodes in eval form. */
  graph: Graph;
  /** Trainable initializers (PyTorch named_parameters order and names). */
  params: string[];
  /** Non-trainable state that belongs to the model (BN running_mean / running_var), PyTorch buffer names. */
  buffers: string[];
}

export const INPUT = 'input';
export const LOGITS = 'logits';
