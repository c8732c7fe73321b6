// terrain mine: optimise a direction for a target curve shape, judge every restart on held-out data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { checkJudgeRange, isNamedShape, loadTemplate, MINE_BIAS_BN, MINE_NORMS, NAMED_SHAPES, namedObjective, prepareMine, runMining, shapeOptions, DEFAULT_ADAM, type MineBiasBn, type MineNorm, type MineResult, type Objective, type SeedOutcome } from '../../core/mine/index.js';
import type { ParamSelection } from '../../core/directions/param-subset.js';
import { parseRange, type Range } from '../../core/runs/grid.js';
import { readResult } from '../../core/runs/results.js';
import type { SplitName } from '../../core/data/index.js';
import { curvesPlot, writePlot } from '../../plot/index.js';
import { addModelOptions, addRuntimeOptions, announceNormalization, checkCompatible, choiceOption, commandLine, intOption, NORMALIZE_HELP, numberOption, outputShape } from '../common.js';
import { chooseLoss, DEFAULT_LOSS, LOSS_NAMES } from '../../core/loss/choice.js';
import { UsageError } from '../errors.js';
import { untilInterrupted } from '../interrupt.js';
import { makeOutput, type Output } from '../output.js';
import { VERSION } from '../version.js';
import { PARAMS_HELP } from './params-option.js';
import { addToleranceOptions, toleranceOptions, type ToleranceFlags } from './tolerance-options.js';

export interface MineFlags {
  model: string;
  weights?: string;
  data: string;
  shape: string;
  lambda0?: number;
  margin?: number;
  floor?: number;
  softness?: number;
  norm: MineNorm;
  biasBn: MineBiasBn;
  seed: number;
  restarts: number;
  steps: number;
  lr: number;
  schedule: 'constant' | 'cosine';
  mineBatch: number;
  checkpointEvery: number;
  split: SplitName;
  judgeSplit: SplitName;
  judgeFraction: number;
  samples?: number;
  judgeSamples?: number;
  inSample: number;
  dataSeed: number;
  normalize?: string;
  loss?: string;
  judgeRange?: string;
  batch: number;
  threads: number;
  json?: boolean;
  plots: boolean;
  out: string;
  params?: string;
  tolerance?: ToleranceFlags['tolerance'];
  refine?: ToleranceFlags['refine'];
  minSamples?: number;
  sampleSeed?: number;
}

function objectiveOf(flags: MineFlags): { objective: Objective; identity: Record<string, unknown> } {
  if (isNamedShape(flags.shape)) {
    const options = shapeOptions(flags.shape, { lambda0: flags.lambda0, margin: flags.margin, floor: flags.floor, softness: flags.softness });
    try {
      return { objective: namedObjective(flags.shape, options), identity: { options } };
    } catch (e) {
      throw new UsageError(`--shape ${flags.shape}: ${(e as Error).message}`);
    }
  }
  if (flags.shape.startsWith('template:')) {
    if (flags.lambda0 !== undefined || flags.margin !== undefined || flags.floor !== undefined || flags.softness !== undefined) {
      throw new UsageError('--lambda0, --margin, --floor and --softness shape the named objectives; a template sets its own λ\'s and is matched by correlation');
    }
    const path = flags.shape.slice('template:'.length);
    try {
      const objective = loadTemplate(path);
      return { objective, identity: { template: JSON.parse(readFileSync(path, 'utf8')) as unknown } };
    } catch (e) {
      throw new UsageError(`--shape ${flags.shape}: ${(e as Error).message}`);
    }
  }
  throw new UsageError(`--shape '${flags.shape}' is not one of ${NAMED_SHAPES.join(', ')}, template:FILE`);
}

/** Mines as the flags say, printing the protocol and one line per seed on `out`, then writes the figures (also reproduce's step). */
export async function runMine(flags: MineFlags, out: Output): Promise<{ result: MineResult; resumed: number; params?: ParamSelection; plots: string[] }> {
  const { objective, identity } = objectiveOf(flags);
  const judgeRange: Range = flags.judgeRange
    ? parseRange(flags.judgeRange, '--judge-range')
    : { from: objective.judgeInterval[0], to: objective.judgeInterval[1], count: 51 };
  try {
    checkJudgeRange(judgeRange);
  } catch (e) {
    throw new UsageError(`--judge-range: ${(e as Error).message}`);
  }
  const adaptive = toleranceOptions(flags);
  const { job, params, protocol } = prepareMine({
    model: flags.model, ...(flags.weights !== undefined ? { weights: flags.weights } : {}), objective, objectiveIdentity: identity, judgeRange,
    norm: flags.norm, biasBn: flags.biasBn, ...(flags.params !== undefined ? { params: flags.params } : {}),
    data: {
      spec: flags.data, split: flags.split, judgeSplit: flags.judgeSplit, judgeFraction: flags.judgeFraction, samples: flags.samples,
      judgeSamples: flags.judgeSamples, inSampleSamples: flags.inSample, seed: flags.dataSeed, evalBatch: flags.batch, normalize: flags.normalize,
    },
    check: (m, data) => {
      announceNormalization(data.resolved);
      const choice = chooseLoss(flags.loss ?? DEFAULT_LOSS, outputShape(m), data.mining.dataset, m.path);
      if (choice.name === 'token-cross-entropy') throw new UsageError('--loss token-cross-entropy does not work with terrain mine yet (its partitions are stratified by one class label per sample)');
      checkCompatible(m, data.mining.dataset, '--data', true);
      return choice;
    },
    ...(adaptive ? { adaptive } : {}), ...(flags.refine ? { refine: flags.refine } : {}),
    seed: flags.seed, restarts: flags.restarts, config: { steps: flags.steps, lr: flags.lr, schedule: flags.schedule, checkpointEvery: flags.checkpointEvery, adam: DEFAULT_ADAM },
    batchSize: flags.mineBatch, evalBatchSize: flags.batch, outDir: flags.out, threads: flags.threads,
    info: { command: ['terrain', ...commandLine()], cwd: process.cwd(), version: VERSION, started: new Date().toISOString() },
  });
  const seeds = job.seeds;
  if (params) out.say(`moving only ${params.names.length} tensor(s) matching /${params.pattern}/ (${params.size} of ${job.model.theta.layout.size} parameters): ${params.names.join(', ')}`);
  out.say(`mining ${objective.shape} (target type ${objective.target}) with ${flags.norm} norm, probes λ = ${objective.probes.join(', ')}; ${protocol}`);
  const bar = out.progress('mine', seeds.length * flags.steps);
  const done = new Map<number, number>();
  const t0 = Date.now();
  let computed = 0;
  let res;
  try {
    res = await untilInterrupted((signal) => runMining({
      ...job,
      onStep: (seed, e) => {
        done.set(seed, e.step);
        computed++;
        const total = [...done.values()].reduce((s, v) => s + v, 0);
        bar.update(total, ((Date.now() - t0) / computed) * (seeds.length * flags.steps - total));
      },
      onSeed: (o) => {
        done.set(o.seed, flags.steps);
        bar.stop();
        out.say(describe(o, objective.target));
      },
      signal,
    }));
  } finally {
    bar.stop();
  }
  const plots = flags.plots ? await writeMinePlots(flags.out, res.result.seeds, objective) : [];
  return { result: res.result, resumed: res.resumed, ...(params ? { params } : {}), plots };
}

export async function mineCommand(flags: MineFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const { result: r, resumed, params, plots } = await runMine(flags, out);
  if (resumed > 0) out.say(`resumed: ${resumed} seed(s) were already finished in ${flags.out}`);
  out.say(`success (held-out type = ${r.target}): ${r.successes}/${r.seeds.length} = ${(100 * r.successRate).toFixed(0)}%`);
  if (r.best) out.say(`best direction (seed ${r.best.seed}${r.best.success ? '' : ', not a success'}): ${r.best.direction} — use it as mined:${flags.out}`);
  out.say(`results in ${join(flags.out, 'result.json')}${plots.length ? `, figures: ${plots.join(', ')}` : ''}`);
  out.result({ ...r, dir: flags.out, resumed, plots, ...(params ? { params: { pattern: params.pattern, tensors: params.names, size: params.size } } : {}) });
}

function describe(o: SeedOutcome, target: string): string {
  const verdict = o.success ? 'success' : o.type === target && o.uncertain ? `${target} only within its errors (confidence ${(100 * o.typeConfidence!).toFixed(0)}%)` : `not ${target}`;
  const inSample = o.inSampleType === null ? '' : `, on mining data: ${o.inSampleType}`;
  return `seed ${o.seed}: held-out ${o.type} (${verdict})${inSample}; objective ${o.finalObjective.toPrecision(3)} (mining batches), ${o.heldOutObjective.toPrecision(3)} (held-out); ${o.seconds.toFixed(1)} s`;
}

/** Per seed: the held-out curve next to the in-sample one; and every seed's objective history. */
async function writeMinePlots(dir: string, seeds: readonly SeedOutcome[], objective: Objective): Promise<string[]> {
  const written: string[] = [];
  const histories = [];
  for (const s of seeds) {
    const sd = join(dir, `seed-${s.seed}`);
    const series = [];
    for (const [sub, label] of [['heldout', 'held-out'], ['insample', 'mining data']] as const) {
      try {
        const c = readResult(join(sd, sub)).json as { lambdas: number[]; loss: number[]; accuracy: number[]; type: string };
        series.push({ label: `${label}`, lambdas: c.lambdas, loss: c.loss, accuracy: c.accuracy, type: c.type });
      } catch {
        // no in-sample curve in this run
      }
    }
    const p = await writePlot(join(sd, 'curve'), await curvesPlot(series, { title: `Mined ${objective.shape}, seed ${s.seed}: ${s.type} on held-out data${s.success ? ' (success)' : ''}`, subtitle: `probes λ = ${objective.probes.join(', ')}; log scale, so both curves show`, logY: true }));
    written.push(p.png);
    const h = readFileSync(join(sd, 'history.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { step: number; objective: number });
    if (h.length >= 2) histories.push({ label: `seed ${s.seed}`, lambdas: h.map((e) => e.step), loss: h.map((e) => e.objective) });
  }
  if (histories.length > 0) {
    const p = await writePlot(join(dir, 'history'), await curvesPlot(histories, { title: `Objective per step (${objective.shape})`, xLabel: 'step', yLabel: 'objective (minibatch)', logY: true }));
    written.push(p.png);
  }
  return written;
}

export function registerMine(program: Command): void {
  const cmd = program.command('mine').description('optimise a direction for a target curve shape; judge each restart on held-out data');
  addModelOptions(cmd)
    .requiredOption('--data <spec>', 'digits | fashion-mnist[:DIR] | mnist:DIR | cifar10:DIR | cifar100:DIR | npy:X.npy,Y.npy | npz:FILE')
    .requiredOption('--shape <shape>', `${NAMED_SHAPES.join(' | ')} | template:FILE (JSON {"λ": value, …})`)
    .option('--lambda0 <x>', `λ₀, where the shape's basins and barriers are placed (default per shape: ${NAMED_SHAPES.map((s) => `${s} ${shapeOptions(s).lambda0}`).join(', ')})`, numberOption('--lambda0'))
    .option('--margin <x>', 'required loss difference of each ordering, as a fraction of the probes\' range (default 0.1)', numberOption('--margin'))
    .option('--floor <x>', '… plus this fraction of the loss at θ (default 0.05)', numberOption('--floor'))
    .option('--softness <x>', 'width of the smooth hinge\'s knee, as a fraction of the margin (default 0.25)', numberOption('--softness'))
    .option('--norm <mode>', 'norm constraint: filter | layer | norm (radius of θ per filter, per tensor, or overall)', choiceOption('--norm', MINE_NORMS), 'filter')
    .option('--bias-bn <mode>', '1-D tensors (biases, BN): zero (left unperturbed) | norm (each at the norm of θ\'s)', choiceOption('--bias-bn', MINE_BIAS_BN), 'zero')
    .option('--seed <n>', 'first seed: the start is gaussian:seed=S, and S seeds the minibatch order', intOption('--seed'), 0)
    .option('--restarts <n>', 'number of seeds S, S+1, …', intOption('--restarts', 1), 1)
    .option('--steps <n>', 'Adam steps per seed', intOption('--steps', 1), 300)
    .option('--lr <x>', 'Adam learning rate (in units of each group\'s RMS entry)', numberOption('--lr'), 0.05)
    .option('--schedule <name>', 'constant | cosine', choiceOption('--schedule', ['constant', 'cosine'] as const), 'cosine')
    .option('--mine-batch <n>', 'minibatch size of the optimisation', intOption('--mine-batch', 1), 128)
    .option('--checkpoint-every <n>', 'save ε and the Adam state every K steps', intOption('--checkpoint-every', 1), 25)
    .option('--split <split>', 'data mined on: train | test | all', choiceOption('--split', ['train', 'test', 'all'] as const), 'train')
    .option('--judge-split <split>', 'held-out data judged on: test | train | all (the same split as --split is partitioned)', choiceOption('--judge-split', ['train', 'test', 'all'] as const), 'test')
    .option('--judge-fraction <x>', 'share held out when --split and --judge-split coincide', numberOption('--judge-fraction'), 0.2)
    .option('--samples <n>', 'a seeded, stratified subset of N mining samples', intOption('--samples', 1))
    .option('--judge-samples <n>', 'a seeded, stratified subset of N held-out samples', intOption('--judge-samples', 1))
    .option('--in-sample <n>', 'also draw the curve on N mining samples (0: no)', intOption('--in-sample'), 2000)
    .option('--data-seed <n>', 'seed of partitions and subsets', intOption('--data-seed'), 0)
    .option('--normalize <how>', NORMALIZE_HELP)
    .option('--loss <name>', `${LOSS_NAMES.join(' | ')} (default ${DEFAULT_LOSS}; docs/pytorch.md)`, choiceOption('--loss', LOSS_NAMES))
    .option('--judge-range <A:B:N>', 'judging grid (N ≥ 51; default: the shape\'s interval, 51 points)')
    .option('--batch <n>', 'evaluation batch size of the judging curves', intOption('--batch', 1), 256);
  addToleranceOptions(cmd, 'the judging curves', true);
  addRuntimeOptions(cmd)
    .option('--no-plots', 'skip the SVG/PNG figures')
    .option('--params <regex>', `${PARAMS_HELP}; with --bias-bn zero the subset needs a tensor of rank ≥ 2`)
    .requiredOption('--out <dir>', 'run directory (created, or resumed when it holds the same run)')
    .action(mineCommand);
}
