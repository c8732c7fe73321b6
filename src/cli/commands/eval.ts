// terrain eval: loss and accuracy of a model on a split (eval-mode BN).
import type { Command } from 'commander';
import { evaluateWeights } from '../../core/evaluate/point.js';
import { evaluateLoss } from '../../core/loss/evaluate.js';
import { toTensors } from '../../core/params.js';
import { addDataOptions, addModelOptions, addRuntimeOptions, checkCompatible, loadModel, prepareData, type DataOptions } from '../common.js';
import { makeOutput } from '../output.js';

interface EvalFlags extends DataOptions {
  weights?: string;
  model: string;
  threads: number;
  json?: boolean;
}

export function registerEval(program: Command): void {
  const cmd = program.command('eval').description('mean loss (--loss, default softmax cross-entropy) and accuracy on a split (BatchNorm: running statistics)');
  addModelOptions(cmd);
  addDataOptions(cmd, 'test');
  addRuntimeOptions(cmd).action(async (flags: EvalFlags) => {
    const out = makeOutput(!!flags.json);
    const m = loadModel(flags.model, flags.weights);
    const data = prepareData(flags, m);
    checkCompatible(m, data);
    const weights = new Map([...toTensors(m.theta), ...m.buffers]);
    const loss = data.loss!;
    // Cross-entropy keeps the logits path (bit-identical results); every other loss runs its loss graph.
    const s = loss.name === 'cross-entropy'
      ? await evaluateWeights(m.model, weights, data.batches, { threads: flags.threads })
      : await evaluateLoss(m.model, weights, data.batches, loss, { threads: flags.threads });
    const accuracy = loss.noAccuracy ? `accuracy n/a (${loss.noAccuracy})` : `accuracy ${(100 * s.accuracy).toFixed(2)}%`;
    out.say(`${flags.model} on ${data.selection.source} (${flags.split}, ${s.samples} samples): ${loss.name === 'cross-entropy' ? '' : `${loss.name} `}loss ${s.loss.toFixed(6)} ± ${s.lossStderr.toFixed(6)}, ${accuracy}`);
    out.result({
      loss: s.loss, accuracy: loss.noAccuracy ? null : s.accuracy, ...(loss.noAccuracy ? { accuracyNote: loss.noAccuracy } : {}),
      lossStderr: s.lossStderr, samples: s.samples, lossKind: loss.name, model: { path: m.path, sha256: m.hash }, data: data.selection,
    });
  });
}
