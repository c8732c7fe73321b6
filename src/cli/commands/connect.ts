// terrain connect: train a Bézier curve or polygonal chain between two models and compare it with the straight line.
import type { Command } from 'commander';
import { fitSampleShape, resolveData } from '../../core/data/index.js';
import { CURVE_KINDS, type CurveKind } from '../../core/connect/geometry.js';
import { pathOf } from '../../core/connect/evaluate.js';
import { runConnect } from '../../core/connect/run.js';
import { stepsPerEpoch } from '../../core/connect/train.js';
import { SCHEDULES, type ScheduleName } from '../../core/train/schedule.js';
import type { OptimizerOptions } from '../../core/train/optimizer.js';
import { announceNormalization, checkCompatible, choiceOption, commandLine, intOption, loadModel, NORMALIZE_HELP, numberOption } from '../common.js';
import { UsageError } from '../errors.js';
import { etaMs, makeOutput } from '../output.js';
import { VERSION } from '../version.js';
import { writeConnectPlot } from './connect-plots.js';

interface ConnectFlags {
  from: string;
  to: string;
  curve: CurveKind;
  bends: number;
  data: string;
  normalize?: string;
  samples?: number;
  dataSeed: number;
  epochs: number;
  batch: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  weightDecay: number;
  schedule: ScheduleName;
  seed: number;
  points: number;
  evalBatch: number;
  bnBatches: number;
  threads: number;
  plots: boolean;
  json?: boolean;
  out: string;
}

async function connectCommand(flags: ConnectFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const from = loadModel(flags.from), to = loadModel(flags.to);
  const d = resolveData(flags.data, { split: 'train', samples: flags.samples, seed: flags.dataSeed, normalize: flags.normalize });
  announceNormalization(d);
  const train = fitSampleShape(d.selected, from.model.spec.inputShape), test = fitSampleShape(d.test, from.model.spec.inputShape);
  if (train.targets || train.labelShape || train.classes < 2) throw new UsageError(`--data ${flags.data}: terrain connect trains with cross-entropy and needs integer class labels of at least 2 classes`);
  checkCompatible(from, train);
  if (test.count === 0) throw new UsageError(`--data ${flags.data}: the data set has no test split; connect reports the curve on train and test data`);
  if (flags.batch > train.count) throw new UsageError(`--batch ${flags.batch} is larger than the ${train.count} training samples; use a smaller --batch`);
  const optimizer: OptimizerOptions = flags.optimizer === 'sgd'
    ? { kind: 'sgd', momentum: flags.momentum, nesterov: false, weightDecay: flags.weightDecay }
    : { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: flags.weightDecay };
  const hasBn = from.model.buffers.length > 0;
  const steps = stepsPerEpoch(train.count, flags.batch, hasBn) * flags.epochs;
  let bar = out.progress('connect: train', steps);
  const t0 = Date.now();
  let first: number | undefined;
  let evalBar: ReturnType<typeof out.progress> | undefined;
  const t1 = { at: 0 };
  const { result: r, resumedEpochs, dir } = await runConnect({
    from, to, train, test, outDir: flags.out, points: flags.points, evalBatch: flags.evalBatch, bnBatches: flags.bnBatches,
    data: { source: d.source, normalize: d.normalize, samples: flags.samples ?? null, dataSeed: flags.dataSeed },
    config: { curve: flags.curve, bends: flags.bends, epochs: flags.epochs, batch: flags.batch, lr: flags.lr, optimizer, schedule: flags.schedule, seed: flags.seed, threads: flags.threads },
    info: { command: ['terrain', ...commandLine()], cwd: process.cwd(), version: VERSION, started: new Date().toISOString() },
    onStep: (s, total) => {
      // A resumed run starts past its finished epochs: the ETA counts only the steps taken here.
      first ??= s - 1;
      bar.update(s, ((Date.now() - t0) / (s - first)) * (total - s));
    },
    onEpoch: (e) => {
      bar.stop();
      out.say(`epoch ${e.epoch}/${flags.epochs}: loss along the curve ${e.loss.toFixed(4)}, accuracy ${(100 * e.accuracy).toFixed(2)}% (t ~ U(0,1) per step, ${e.seconds.toFixed(1)} s)`);
      // A terminal's bar is redrawn below the epoch line; a log keeps one reporter (a line every 10 s).
      if (process.stderr.isTTY) bar = out.progress('connect: train', steps);
    },
    onPoint: (done, total) => {
      if (!evalBar) { bar.stop(); evalBar = out.progress('connect: evaluate', total); t1.at = Date.now(); }
      evalBar.update(done, etaMs(t1.at, done, total));
    },
  });
  bar.stop();
  evalBar?.stop();
  if (resumedEpochs > 0) out.say(`resumed after epoch ${resumedEpochs} from ${dir}`);
  for (const split of ['train', 'test']) {
    const line = pathOf(r.paths, split, 'line'), curve = pathOf(r.paths, split, 'curve');
    const red = r.barrierReduction[split]!;
    out.say(`${split}: end points ${line.loss[0]!.toFixed(4)} / ${line.loss[line.loss.length - 1]!.toFixed(4)}; barrier of the line ${line.barrier.height.toFixed(4)} (t=${line.barrier.t.toFixed(2)}), of the curve ${curve.barrier.height.toFixed(4)} (t=${curve.barrier.t.toFixed(2)})${Number.isNaN(red) ? '' : `, ${(100 * red).toFixed(1)}% lower`}`);
  }
  const plots = flags.plots ? [await writeConnectPlot(dir, r, `${flags.from} → ${flags.to} · ${d.source} · BN ${r.bn}`)] : [];
  out.say(`results in ${dir}/result.json, bends ${r.checkpoints.map((c) => c.split('/').pop()).join(', ')}; any point: --model ${dir}@t=0.5${plots.length ? `; figure ${plots[0]}` : ''}`);
  out.result({ ...r, dir, resumedEpochs, plots });
}

export function registerConnect(program: Command): void {
  program.command('connect').description('train a curve of low loss between two models (Garipov et al. 2018) and compare it with the straight line')
    .requiredOption('--from <model>', 'first end point (checkpoint or .onnx); fixed')
    .requiredOption('--to <model>', 'second end point, same architecture; fixed')
    .option('--curve <kind>', CURVE_KINDS.join(' | '), choiceOption('--curve', CURVE_KINDS), 'bezier')
    .option('--bends <n>', 'trained control points (Bézier degree = bends + 1; polychain nodes)', intOption('--bends', 1), 1)
    .requiredOption('--data <spec>', 'digits | fashion-mnist[:DIR] | mnist:DIR | cifar10:DIR | cifar100:DIR | npy:X.npy,Y.npy | npz:FILE')
    .option('--normalize <how>', NORMALIZE_HELP)
    .option('--samples <n>', 'train and evaluate on a seeded, stratified subset of N training samples', intOption('--samples', 2))
    .option('--data-seed <n>', 'seed of the --samples subset', intOption('--data-seed'), 0)
    .option('--epochs <n>', 'epochs over the training data (one t ~ U(0,1) per step)', intOption('--epochs', 1), 20)
    .option('--batch <n>', 'batch size', intOption('--batch', 2), 128)
    .option('--lr <x>', 'learning rate', numberOption('--lr'), 0.05)
    .option('--optimizer <name>', 'sgd | adam', choiceOption('--optimizer', ['sgd', 'adam'] as const), 'sgd')
    .option('--momentum <x>', 'SGD momentum', numberOption('--momentum'), 0.9)
    .option('--weight-decay <x>', 'L2 weight decay on the bends', numberOption('--weight-decay'), 0)
    .option('--schedule <name>', SCHEDULES.join(' | '), choiceOption('--schedule', SCHEDULES), 'cosine')
    .option('--seed <n>', 'seed of the shuffles and of the t samples', intOption('--seed'), 0)
    .option('--points <n>', 'values of t evaluated along the curve and the line, 0 and 1 included', intOption('--points', 3), 21)
    .option('--eval-batch <n>', 'evaluation batch size', intOption('--eval-batch', 1), 500)
    .option('--bn-batches <n>', 'BN models: training batches their statistics are re-estimated from at every evaluated t', intOption('--bn-batches', 1), 10)
    .option('--threads <n>', 'ORT threads (0: all cores)', intOption('--threads'), 0)
    .option('--no-plots', 'skip the figure')
    .option('--json', 'print one JSON object as the last line of stdout')
    .requiredOption('--out <dir>', 'run directory (created, or resumed when it holds the same run)')
    .action(connectCommand);
}
