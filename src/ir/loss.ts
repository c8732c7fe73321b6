// Losses appended to a model's graph: softmax cross-entropy (mean over the batch, through LogSoftmax for
// stability) or mean squared error against one-hot labels; both also count correct predictions.
import { checkOpset } from './autodiff.js';
import { attr, cloneGraph, type Graph } from './graph.js';
import { LOGITS } from './model.js';
import { inferShapes } from './shapes.js';
import { isStatic, showShape } from './shapes/dims.js';
import { ONNX_TYPE_OF } from './shapes/elementwise.js';
import { Emitter } from './grad/emitter.js';

export type LossKind = 'softmax-ce' | 'mse';

export const LABELS = 'labels';
export const LOSS = 'loss';
export const CORRECT = 'correct';

export interface LossOptions {
  kind: LossKind;
  /** The logits value, [N, classes] (default "logits"). */
  logits?: string;
}

/**
 * A copy of `graph` with int64 input "labels" [N] and scalar outputs "loss" and "correct" (the number of samples
 * whose argmax equals the label, as a float). softmax-ce: −mean_n log softmax(logits_n)[label_n].
 * mse: mean over all N·classes entries of (logits − onehot(label))², PyTorch's MSELoss(reduction='mean').
 */
export function withLoss(graph: Graph, opts: LossOptions): Graph {
  checkOpset(graph, 'the loss');
  const logits = opts.logits ?? LOGITS;
  const g = cloneGraph(graph);
  const env = inferShapes(g);
  if (!env.has(logits)) throw new Error(`graph '${graph.name}' has no value '${logits}' to attach a loss to`);
  const shape = env.shape(logits), dtype = env.dtype(logits);
  const classes = shape[1];
  if (shape.length !== 2 || !isStatic(classes)) throw new Error(`'${logits}' should be [N, classes] with static classes, got ${showShape(shape)}`);
  const e = new Emitter(g, env);
  e.stem = 'loss';
  for (const name of [LABELS, LOSS, CORRECT]) e.claim(name);
  g.inputs.push({ name: LABELS, dtype: 'int64', shape: [shape[0]!] });
  env.set(LABELS, { dtype: 'int64', shape: [shape[0]!] });

  // One-hot as Equal(labels[:, None], 0..C−1): ORT's OneHot has no float64 kernel.
  const classIds = e.ints(Array.from({ length: classes }, (_, k) => k));
  const oneHot = e.op('Cast', [e.op('Equal', [e.op('Unsqueeze', [LABELS, e.ints([1])]), classIds])], { to: attr.int(ONNX_TYPE_OF[dtype]) });
  if (opts.kind === 'softmax-ce') {
    const logProb = e.op('LogSoftmax', [logits], { axis: attr.int(1) });
    const picked = e.op('ReduceSum', [e.op('Mul', [oneHot, logProb]), e.ints([1])], { keepdims: attr.int(0) });
    e.opTo(LOSS, 'Neg', [e.op('ReduceMean', [picked], { axes: attr.ints([0]), keepdims: attr.int(0) })]);
  } else if (opts.kind === 'mse') {
    const diff = e.op('Sub', [logits, oneHot]);
    e.opTo(LOSS, 'ReduceMean', [e.op('Mul', [diff, diff])], { keepdims: attr.int(0) });
  } else {
    throw new Error(`unknown loss '${String(opts.kind)}'; expected 'softmax-ce' or 'mse'`);
  }
  const predicted = e.op('ArgMax', [logits], { axis: attr.int(1), keepdims: attr.int(0) });
  const hits = e.op('Cast', [e.op('Equal', [predicted, LABELS])], { to: attr.int(ONNX_TYPE_OF[dtype]) });
  e.opTo(CORRECT, 'ReduceSum', [hits], { keepdims: attr.int(0) });
  g.outputs.push({ name: LOSS, dtype, shape: [] }, { name: CORRECT, dtype, shape: [] });
  return g;
}
