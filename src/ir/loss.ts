// Losses appended to a model's graph, one function per kind. Every loss graph has the scalar outputs "loss" (what
// is differentiated) and "correct" (hits summed over the batch, a float; NaN where accuracy has no meaning), and
// the per-sample outputs "sample_loss" [N] and "sample_correct" [N] for per-sample statistics.
import { checkOpset } from './autodiff.js';
import { attr, cloneGraph, type Dim, type Graph } from './graph.js';
import { LOGITS } from './model.js';
import { inferShapes, type ShapeEnv } from './shapes/index.js';
import { isStatic, showShape } from './shapes/dims.js';
import { ONNX_TYPE_OF } from './shapes/elementwise.js';
import { Emitter } from './grad/emitter.js';
import type { DType } from './tensor.js';

/**
 * softmax-ce: mean softmax cross-entropy against int labels (the CLI's `cross-entropy`, PyTorch F.cross_entropy).
 * mse: mean squared error against one-hot int labels. mse-target: against float targets (regression).
 * bce: binary cross-entropy with logits against 0/1 labels or float targets. nll: the model outputs log-probabilities.
 * token-ce: logits [N, T, V] against int targets [N, T], ignore index −100. model: the output is already the loss.
 */
export type LossKind = 'softmax-ce' | 'mse' | 'mse-target' | 'bce' | 'nll' | 'token-ce' | 'model';
export const LOSS_KINDS: readonly LossKind[] = ['softmax-ce', 'mse', 'mse-target', 'bce', 'nll', 'token-ce', 'model'];

export const LABELS = 'labels';
/** Float targets of mse-target and of bce with `targets: 'float'`: [N, ...targetShape]. */
export const TARGETS = 'targets';
export const LOSS = 'loss';
export const CORRECT = 'correct';
export const SAMPLE_LOSS = 'sample_loss';
export const SAMPLE_CORRECT = 'sample_correct';
/** PyTorch's default ignore_index of CrossEntropyLoss. */
export const IGNORE_INDEX = -100;

export interface LossOptions {
  kind: LossKind;
  /** The model's output the loss reads (default "logits"). */
  logits?: string;
  /** bce only: 'labels' (int64 0/1 labels [N], default) or 'float' (targets input, values in [0, 1]). */
  targets?: 'labels' | 'float';
  /** Shape of one sample's float targets (default: the logits' per-sample shape); same number of entries. */
  targetShape?: readonly number[];
}

/** Which label input a loss graph takes: int64 "labels" ([N], or [N, T] for token-ce), float "targets", or none. */
export function lossInput(opts: Pick<LossOptions, 'kind' | 'targets'>): 'labels' | 'targets' | 'none' {
  if (opts.kind === 'model') return 'none';
  if (opts.kind === 'mse-target' || (opts.kind === 'bce' && opts.targets === 'float')) return 'targets';
  return 'labels';
}

interface Ctx {
  e: Emitter;
  g: Graph;
  env: ShapeEnv;
  logits: string;
  shape: Dim[];
  dtype: DType;
  opts: LossOptions;
}

/** What a kind emits: per-sample loss [N] and hits [N] (undefined: accuracy has no meaning); loss defaults to their mean. */
interface Parts {
  sampleLoss: string;
  sampleCorrect?: string;
  loss?: string;
  correct?: string;
}

/**
 * A copy of `graph` with the loss of `opts.kind` appended: the label input named by lossInput, and the outputs
 * loss, correct, sample_loss, sample_correct. The loss is a mean over samples (over entries for mse/bce, over
 * non-ignored tokens for token-ce), as PyTorch's reduction='mean'. correct / N is the accuracy.
 */
export function withLoss(graph: Graph, opts: LossOptions): Graph {
  checkOpset(graph, 'the loss');
  const logits = opts.logits ?? LOGITS;
  const g = cloneGraph(graph);
  const env = inferShapes(g);
  if (!env.has(logits)) throw new Error(`graph '${graph.name}' has no value '${logits}' to attach a loss to`);
  const e = new Emitter(g, env);
  e.stem = 'loss';
  for (const name of [LOSS, CORRECT, SAMPLE_LOSS, SAMPLE_CORRECT]) e.claim(name);
  const c: Ctx = { e, g, env, logits, shape: env.shape(logits), dtype: env.dtype(logits), opts };
  const kinds: Record<LossKind, (c: Ctx) => Parts> = {
    'softmax-ce': softmaxCrossEntropy, mse: mseOneHot, 'mse-target': mseTarget, bce, nll, 'token-ce': tokenCrossEntropy, model: modelLoss,
  };
  const build = kinds[opts.kind];
  if (!build) throw new Error(`unknown loss '${String(opts.kind)}'; expected one of ${LOSS_KINDS.join(', ')}`);
  const p = build(c);
  const float = { to: attr.int(ONNX_TYPE_OF[c.dtype]) };
  const sampleCorrect = p.sampleCorrect ?? e.op('Mul', [p.sampleLoss, e.scalar(NaN, logits)]);
  e.opTo(LOSS, 'Identity', [p.loss ?? e.op('ReduceMean', [p.sampleLoss], { axes: attr.ints([0]), keepdims: attr.int(0) })]);
  e.opTo(CORRECT, 'Identity', [p.correct ?? e.op('ReduceSum', [sampleCorrect], { keepdims: attr.int(0) })]);
  e.opTo(SAMPLE_LOSS, 'Identity', [p.sampleLoss]);
  e.opTo(SAMPLE_CORRECT, 'Cast', [sampleCorrect], float);
  const n = c.shape[0] ?? 'N';
  g.outputs.push({ name: LOSS, dtype: c.dtype, shape: [] }, { name: CORRECT, dtype: c.dtype, shape: [] },
    { name: SAMPLE_LOSS, dtype: c.dtype, shape: [c.shape.length === 0 ? 1 : n] }, { name: SAMPLE_CORRECT, dtype: c.dtype, shape: [c.shape.length === 0 ? 1 : n] });
  return g;
}

function addInput(c: Ctx, name: string, dtype: DType, shape: Dim[]): string {
  c.e.claim(name);
  c.g.inputs.push({ name, dtype, shape });
  c.env.set(name, { dtype, shape });
  return name;
}

/** [N, C] with static C, or a clear error naming the loss. */
function classColumns(c: Ctx, what: string): number {
  const classes = c.shape[1];
  if (c.shape.length !== 2 || !isStatic(classes)) throw new Error(`${what} needs '${c.logits}' of shape [N, classes] with static classes, got ${showShape(c.shape)}`);
  return classes;
}

/** Cast(Equal(labels[:, None], 0..C−1)) in the logits' dtype: ORT's OneHot has no float64 kernel. */
function oneHot(c: Ctx, labels: string, classes: number): string {
  const { e } = c;
  const ids = e.ints(Array.from({ length: classes }, (_, k) => k));
  return e.op('Cast', [e.op('Equal', [e.op('Unsqueeze', [labels, e.ints([1])]), ids])], { to: attr.int(ONNX_TYPE_OF[c.dtype]) });
}

/** argmax over axis 1 equals the label, as 0/1 in the logits' dtype. */
function argmaxHits(c: Ctx, scores: string, labels: string): string {
  const { e } = c;
  const predicted = e.op('ArgMax', [scores], { axis: attr.int(1), keepdims: attr.int(0) });
  return e.op('Cast', [e.op('Equal', [predicted, labels])], { to: attr.int(ONNX_TYPE_OF[c.dtype]) });
}

const sumAxis1 = (c: Ctx, v: string) => c.e.op('ReduceSum', [v, c.e.ints([1])], { keepdims: attr.int(0) });
const meanAxis1 = (c: Ctx, v: string) => c.e.op('ReduceMean', [v], { axes: attr.ints([1]), keepdims: attr.int(0) });
const labelsInput = (c: Ctx) => addInput(c, LABELS, 'int64', [c.shape[0]!]);

/** −log softmax(logits_n)[label_n] per sample, through LogSoftmax for stability. */
function softmaxCrossEntropy(c: Ctx): Parts {
  const classes = classColumns(c, 'cross-entropy');
  const labels = labelsInput(c);
  const logProb = c.e.op('LogSoftmax', [c.logits], { axis: attr.int(1) });
  return { sampleLoss: c.e.op('Neg', [sumAxis1(c, c.e.op('Mul', [oneHot(c, labels, classes), logProb]))]), sampleCorrect: argmaxHits(c, c.logits, labels) };
}

/** The model outputs log-probabilities: −logp[label] per sample (PyTorch F.nll_loss). */
function nll(c: Ctx): Parts {
  const classes = classColumns(c, 'nll');
  const labels = labelsInput(c);
  return { sampleLoss: c.e.op('Neg', [sumAxis1(c, c.e.op('Mul', [oneHot(c, labels, classes), c.logits]))]), sampleCorrect: argmaxHits(c, c.logits, labels) };
}

/** Mean over the sample's C entries of (logits − onehot(label))²; the batch mean is PyTorch's MSELoss over N·C. */
function mseOneHot(c: Ctx): Parts {
  const classes = classColumns(c, 'mse against class labels');
  const labels = labelsInput(c);
  const diff = c.e.op('Sub', [c.logits, oneHot(c, labels, classes)]);
  return { sampleLoss: meanAxis1(c, c.e.op('Mul', [diff, diff])), sampleCorrect: argmaxHits(c, c.logits, labels) };
}

/** The float targets reshaped to the logits' shape (checked: same entries per sample). */
function floatTargets(c: Ctx): string {
  const per = c.shape.slice(1);
  if (!per.every(isStatic)) throw new Error(`float targets need '${c.logits}' with a static per-sample shape, got ${showShape(c.shape)}`);
  const want = (per as number[]).reduce((a, b) => a * b, 1);
  const given = [...(c.opts.targetShape ?? per)] as number[];
  if (given.reduce((a, b) => a * b, 1) !== want) {
    throw new Error(`targets of shape [${given}] per sample do not fit '${c.logits}' of shape ${showShape(c.shape)} (${want} entries per sample)`);
  }
  const t = addInput(c, TARGETS, c.dtype, [c.shape[0]!, ...given]);
  return given.join() === per.join() ? t : c.e.op('Reshape', [t, c.e.ints([-1, ...(per as number[])])]);
}

/** Per-sample mean over all but the batch axis (a [N] value stays as it is). */
function perSampleMean(c: Ctx, v: string): string {
  if (c.shape.length === 1) return v;
  const flat = c.shape.length === 2 ? v : c.e.op('Reshape', [v, c.e.ints([0, -1])]);
  return meanAxis1(c, flat);
}

/** Mean over the sample's entries of (output − target)²: PyTorch MSELoss(reduction='mean') for equal-size samples. */
function mseTarget(c: Ctx): Parts {
  if (c.shape.length < 1) throw new Error(`mse needs '${c.logits}' with a batch axis, got ${showShape(c.shape)}`);
  const diff = c.e.op('Sub', [c.logits, floatTargets(c)]);
  return { sampleLoss: perSampleMean(c, c.e.op('Mul', [diff, diff])) };
}

/**
 * BCEWithLogits: max(z, 0) − z·t + log(1 + exp(−|z|)) per entry, averaged per sample; |z| as relu(z) + relu(−z).
 * A hit is sign(z) agreeing with t > 0.5 (threshold 0 on the logit); sample_correct is the share of the sample's
 * entries that hit (0/1 for one output).
 */
function bce(c: Ctx): Parts {
  const { e } = c;
  if (c.shape.length < 1) throw new Error(`bce needs '${c.logits}' with a batch axis, got ${showShape(c.shape)}`);
  let t: string;
  if (c.opts.targets === 'float') t = floatTargets(c);
  else {
    const per = c.shape.slice(1);
    if (!per.every((d) => d === 1)) throw new Error(`bce against class labels needs one output per sample ([N] or [N, 1]), '${c.logits}' is ${showShape(c.shape)}; give float targets of that shape for multi-label bce`);
    const labels = labelsInput(c);
    t = e.op('Cast', [labels], { to: attr.int(ONNX_TYPE_OF[c.dtype]) });
    if (c.shape.length > 1) t = e.op('Reshape', [t, e.ints([-1, ...(per as number[])])]);
  }
  const z = c.logits;
  const abs = e.op('Add', [e.op('Relu', [z]), e.op('Relu', [e.op('Neg', [z])])]);
  const softTail = e.op('Log', [e.op('Add', [e.scalar(1, z), e.op('Exp', [e.op('Neg', [abs])])])]);
  const entry = e.op('Add', [e.op('Sub', [e.op('Relu', [z]), e.op('Mul', [z, t])]), softTail]);
  const toFloat = { to: attr.int(ONNX_TYPE_OF[c.dtype]) };
  const hit = e.op('Cast', [e.op('Equal', [e.op('Greater', [z, e.scalar(0, z)]), e.op('Greater', [t, e.scalar(0.5, z)])])], toFloat);
  return { sampleLoss: perSampleMean(c, entry), sampleCorrect: perSampleMean(c, hit) };
}

/**
 * Token-level cross-entropy: logits [N, T, V] against int64 targets [N, T]; targets equal to −100 are ignored. The
 * loss is the mean over non-ignored tokens (PyTorch CrossEntropyLoss); sample_loss the mean over each sample's
 * non-ignored tokens and sample_correct the share of them predicted by argmax; correct = N × token accuracy.
 */
function tokenCrossEntropy(c: Ctx): Parts {
  const { e } = c;
  const vocab = c.shape[2];
  if (c.shape.length !== 3 || !isStatic(vocab)) throw new Error(`token-cross-entropy needs '${c.logits}' of shape [N, T, vocab] with a static vocabulary, got ${showShape(c.shape)}`);
  const labels = addInput(c, LABELS, 'int64', [c.shape[0]!, c.shape[1]!]);
  const toFloat = { to: attr.int(ONNX_TYPE_OF[c.dtype]) };
  const flatLabels = e.op('Reshape', [labels, e.ints([-1])]);
  const flatLogits = e.op('Reshape', [c.logits, e.ints([-1, vocab])]);
  const logProb = e.op('LogSoftmax', [flatLogits], { axis: attr.int(1) });
  // An ignored target (−100) matches no class, so its one-hot row and its loss are zero.
  const tokenLoss = e.op('Neg', [sumAxis1(c, e.op('Mul', [oneHot(c, flatLabels, vocab), logProb]))]);
  const kept = e.op('Cast', [e.op('Not', [e.op('Equal', [flatLabels, e.ints([IGNORE_INDEX])])])], toFloat);
  const hits = e.op('Cast', [e.op('Equal', [e.op('ArgMax', [flatLogits], { axis: attr.int(1), keepdims: attr.int(0) }), flatLabels])], toFloat);
  const asSamples = (v: string) => e.op('Reshape', [v, e.op('Shape', [labels])]);
  const lossSum = sumAxis1(c, asSamples(tokenLoss));
  const keptSum = sumAxis1(c, asSamples(kept));
  const hitSum = sumAxis1(c, asSamples(hits));
  const atLeastOne = e.op('Max', [keptSum, e.scalar(1, c.logits)]);
  const total = (v: string) => e.op('ReduceSum', [v], { keepdims: attr.int(0) });
  const samples = e.op('Cast', [e.op('Gather', [e.op('Shape', [labels]), e.ints([0])])], toFloat);
  return {
    sampleLoss: e.op('Div', [lossSum, atLeastOne]),
    sampleCorrect: e.op('Div', [hitSum, atLeastOne]),
    loss: e.op('Div', [total(lossSum), total(keptSum)]),
    correct: e.op('Div', [e.op('Mul', [total(hitSum), total(samples)]), total(keptSum)]),
  };
}

/** The model's output already is the loss: per sample [N] (or [N, 1]), whose mean is the loss, or a scalar. */
function modelLoss(c: Ctx): Parts {
  const { e } = c;
  if (c.shape.length === 0) return { sampleLoss: e.op('Reshape', [c.logits, e.ints([1])]), loss: c.logits };
  if (c.shape.length === 2 && c.shape[1] === 1) return { sampleLoss: e.op('Reshape', [c.logits, e.ints([-1])]) };
  if (c.shape.length !== 1) throw new Error(`loss 'model' needs '${c.logits}' to be the per-sample loss [N] (or [N, 1]) or a scalar, got ${showShape(c.shape)}`);
  return { sampleLoss: c.logits };
}
