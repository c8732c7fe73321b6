// terrain eval: loss and accuracy of a model on a split (eval-mode BN).
import type { Command } from 'commander';
import { evaluateWeights } from '../../core/evaluate/point.js';
import { evaluateLoss } from '../../core/loss/evaluate.js';
import { toTensors } from '../../core/params.js';
import { firstNonFiniteSample, firstNonFiniteTensor } from '../../core/evaluate/non-finite-inputs.js';
import type { PreparedData } from '../common.js';
import type { Tensor } from '../../ir/tensor.js';
import { UsageError } from '../errors.js';
import { addModelDataOptions, checkCompatible, loadModel, prepareData, type DataOptions } from '../common.js';
import { makeOutput } from '../output.js';

interface EvalFlags extends DataOptions {
  weights?: string;
  model: string;
  threads: number;
  json?: boolean;
}

export function registerEval(program: Command): void {
  const cmd = program.command('eval').description('mean loss (--loss, default softmax cross-entropy) and accuracy on a split (BatchNorm: running statistics)');
  addModelDataOptions(cmd, 'test').action(async (flags: EvalFlags) => {
    const out = makeOutput(!!flags.json);
    const m = loadModel(flags.model, flags.weights);
    const data = prepareData(flags, m);
    checkCompatible(m, data);
    const weights = new Map([...toTensors(m.theta), ...m.buffers]);
    checkFinite(flags, weights, data);
    const loss = data.loss!;
    // Cross-entropy keeps the logits path (bit-identical results); every other loss runs its loss graph.
    const s = loss.name === 'cross-entropy'
      ? await evaluateWeights(m.model, weights, data.batches, { threads: flags.threads })
      : await evaluateLoss(m.model, weights, data.batches, loss, { threads: flags.threads });
    const accuracy = loss.noAccuracy ? `accuracy n/a (${loss.noAccuracy})` : `accuracy ${(100 * s.accuracy).toFixed(2)}%`;
    out.say(`${flags.model} on ${data.selection.source} (${flags.split}, ${s.samples} samples): ${loss.name === 'cross-entropy' ? '' : `${loss.name} `}loss ${s.loss.toFixed(6)} ± ${s.lossStderr.toFixed(6)}, ${accuracy}`);
    if (!Number.isFinite(s.loss)) out.say(`the loss is ${s.loss} although every weight and input is finite: the model's outputs overflow float32 on some samples`);
    out.result({
      loss: s.loss, accuracy: loss.noAccuracy ? null : s.accuracy, ...(loss.noAccuracy ? { accuracyNote: loss.noAccuracy } : {}),
      lossStderr: s.lossStderr, samples: s.samples, lossKind: loss.name, model: { path: m.path, sha256: m.hash }, data: data.selection,
    });
  });
}

const at = (p: number[]): string => `[${p.join(', ')}]`;

/** NaN or ±∞ in a weight or a sample is bad input: named, with its first position, instead of "loss NaN ± 0". */
function checkFinite(flags: EvalFlags, weights: ReadonlyMap<string, Tensor>, data: PreparedData): void {
  const w = firstNonFiniteTensor(weights);
  if (w) {
    const file = flags.weights ? `--weights ${flags.weights}` : `--model ${flags.model}`;
    throw new UsageError(`${file}: tensor '${w.where}' holds ${w.count.toLocaleString('en')} non-finite value(s), the first ${w.value} at ${at(w.position)}; the weights diverged or the file is damaged (evaluate an earlier checkpoint)`);
  }
  const std = data.selected.standardisation;
  if (std && ![...std.mean, ...std.std].every(Number.isFinite)) {
    throw new UsageError(`--data ${flags.data}: the per-channel statistics of the training split are not finite (it holds NaN or ±Infinity); run with --normalize none to name the sample, or fix the data`);
  }
  const x = firstNonFiniteSample(data.selected);
  if (x) {
    const which = flags.samples ? 'selected samples' : `${flags.split} split`;
    throw new UsageError(`--data ${flags.data}: sample ${x.where} of the ${which} holds ${x.value} at ${at(x.position)} (${x.count.toLocaleString('en')} sample(s) hold NaN or ±Infinity); fix or leave out those samples`);
  }
}
