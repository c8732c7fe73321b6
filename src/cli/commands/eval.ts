// terrain eval: loss and accuracy of a model on a split (eval-mode BN).
import type { Command } from 'commander';
import { evaluateWeights } from '../../core/evaluate/point.js';
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
  const cmd = program.command('eval').description('mean softmax cross-entropy and accuracy on a split (BatchNorm: running statistics)');
  addModelOptions(cmd);
  addDataOptions(cmd, 'test');
  addRuntimeOptions(cmd).action(async (flags: EvalFlags) => {
    const out = makeOutput(!!flags.json);
    const m = loadModel(flags.model, flags.weights);
    const data = prepareData(flags, m);
    checkCompatible(m, data.selected);
    const weights = new Map([...toTensors(m.theta), ...m.buffers]);
    const s = await evaluateWeights(m.model, weights, data.batches, { threads: flags.threads });
    out.say(`${flags.model} on ${data.selection.source} (${flags.split}, ${s.samples} samples): loss ${s.loss.toFixed(6)} ± ${s.lossStderr.toFixed(6)}, accuracy ${(100 * s.accuracy).toFixed(2)}%`);
    out.result({ loss: s.loss, accuracy: s.accuracy, lossStderr: s.lossStderr, samples: s.samples, model: { path: m.path, sha256: m.hash }, data: data.selection });
  });
}
