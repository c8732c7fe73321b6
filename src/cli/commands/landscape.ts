// terrain curve / terrain surface: flags → LandscapeOptions → core's prepareLandscape → the runner → printed lines.
import type { Command } from 'commander';
import type { CurveResult, SurfaceResult } from '../../core/landscape/job.js';
import { BN_MODES, type BnMode } from '../../core/landscape/bn.js';
import { adaptiveDefaults, DEFAULT_BN_BATCHES, DEFAULT_MIN_SAMPLES, prepareLandscape, saveStatesDirections, type LandscapeOptions } from '../../core/jobs/landscape.js';
import { checkGridSize, parseRange } from '../../core/runs/grid.js';
import { SESSION_MODES, type SessionMode } from '../../core/evaluate/sessions.js';
import { DIRECTION_KINDS, DIRECTION_SYNTAX } from '../../core/directions/kinds/index.js';
import { addDataOptions, addModelOptions, addRuntimeOptions, checkCompatible, choiceOption, commandLine, intOption, prepareData, type DataOptions } from '../common.js';
import { makeOutput, stderrLine, type Output } from '../output.js';
import { UsageError } from '../errors.js';
import { untilInterrupted } from '../interrupt.js';
import { parseTolerance, type AdaptiveOptions, type Tolerance } from '../../core/landscape/adaptive.js';
import { VERSION } from '../version.js';

import { addQueueOptions, landscapeRunner, type QueueFlags } from './queue-options.js';
import { writeLandscapePlots } from './landscape-plots.js';
import { PARAMS_HELP } from './params-option.js';
import { stepFlags, toleranceFlags } from './step-flags.js';

// gmi and explain build their direction context from the same core helper.
export { directionContext } from '../../core/jobs/providers.js';

interface LandscapeFlags extends DataOptions, QueueFlags {
  weights?: string;
  model: string;
  out: string;
  bn: BnMode;
  bnBatches: number;
  hessian?: string;
  threads: number;
  workers?: number;
  session: SessionMode | 'auto';
  json?: boolean;
  plots: boolean;
  tolerance?: Tolerance;
  refine?: Tolerance;
  minSamples?: number;
  sampleSeed?: number;
  params?: string;
}

/** --tolerance's value, checked when the flag is parsed. */
function toleranceOption(value: string): Tolerance {
  return targetOption(value, '--tolerance');
}

function targetOption(value: string, flag: string): Tolerance {
  try {
    return parseTolerance(value, flag);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The adaptive options of --tolerance; --min-samples and --sample-seed without it are refused rather than ignored. */
function adaptiveOptions(flags: LandscapeFlags): AdaptiveOptions | undefined {
  if (!flags.tolerance) {
    const stray = flags.minSamples !== undefined ? '--min-samples' : flags.sampleSeed !== undefined ? '--sample-seed' : undefined;
    if (stray) throw new UsageError(`${stray} only applies with --tolerance; add --tolerance T (loss units) or P% (of the loss range), or drop ${stray}`);
    return undefined;
  }
  return adaptiveDefaults(flags.tolerance, flags.minSamples, flags.sampleSeed);
}

function addLandscapeOptions(cmd: Command): Command {
  addModelOptions(cmd);
  addDataOptions(cmd, 'train');
  addQueueOptions(cmd);
  return addRuntimeOptions(cmd)
    .option('--bn <mode>', 'BatchNorm statistics: eval (running, default) | perturb (move with the direction) | recompute (re-estimate at every point)', choiceOption('--bn', BN_MODES), 'eval')
    .option('--bn-batches <n>', 'training batches used by --bn recompute', intOption('--bn-batches', 1), DEFAULT_BN_BATCHES)
    .option('--session <mode>', 'how points reach ONNX Runtime: per-point (a session per point, weights folded in), reused (one session per thread fed each point\'s weights) or auto (time both on θ, keep the faster; recorded in run.json)', choiceOption('--session', ['auto', ...SESSION_MODES] as const), 'auto')
    .option('--workers <n>', 'points evaluated at once, each on its own thread with --threads ORT threads (default: cores ÷ threads; --threads 0 means 1 per point here)', intOption('--workers', 1))
    .option('--tolerance <T|P%>', 'adaptive samples: grow each point until the standard error of its loss is T (loss units) or P% of the loss range (first pass); results gain samples, lossSampleStderr, accuracyStderr', toleranceOption)
    .option('--refine <T|P%>', 'refined grid: a coarse lattice, each cell split only where the loss at its new nodes differs from the interpolation of its corners by more than T (loss units) or P% of the coarse range; other points are interpolated (result: measured, interpolationBound)', (v: string) => targetOption(v, '--refine'))
    .option('--min-samples <n>', `with --tolerance: samples every point sees first (default ${DEFAULT_MIN_SAMPLES}, rounded up to whole batches)`, intOption('--min-samples', 2))
    .option('--sample-seed <n>', 'with --tolerance: seed of the permutation of the split shared by every point (default 0)', intOption('--sample-seed'))
    .option('--params <regex>', PARAMS_HELP)
    .option('--hessian <dir>', 'a terrain hessian output directory holding the eigen-K.safetensors of eigen:K directions (default: computed here)')
    .option('--no-plots', 'skip the SVG/PNG figures')
    .requiredOption('--out <dir>', 'run directory (created, or resumed when it holds the same run)');
}

/** The job's options from the flags: core reads the model, then the data through the shell's data options. */
function landscapeOptions(kind: 'curve' | 'surface', flags: LandscapeFlags, specs: string[], ranges: LandscapeOptions['ranges'], orthogonal: boolean, adaptive: AdaptiveOptions | undefined): LandscapeOptions {
  return {
    kind, model: flags.model, ...(flags.weights !== undefined ? { weights: flags.weights } : {}),
    data: (m) => {
      const data = prepareData(flags, m);
      checkCompatible(m, data);
      return data;
    },
    specs, orthogonalize: orthogonal, ranges, outDir: flags.out, bn: flags.bn, bnBatches: flags.bnBatches, batch: flags.batch,
    threads: flags.threads, session: flags.session, queued: !!flags.queue, notice: stderrLine,
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}), ...(adaptive ? { adaptive } : {}), ...(flags.refine ? { refine: flags.refine } : {}),
    ...(flags.hessian !== undefined ? { hessianDir: flags.hessian } : {}), ...(flags.params !== undefined ? { params: flags.params } : {}),
  };
}

/** Prepares and runs the job of the flags, then writes its files (states directions, figures); prints only progress. */
async function runJob(kind: 'curve' | 'surface', flags: LandscapeFlags, specs: string[], ranges: string[], orthogonal: boolean, out: Output) {
  const grid = ranges.map((r, k) => parseRange(r, kind === 'curve' ? '--range' : k === 0 ? '--x-range' : '--y-range'));
  checkGridSize(grid, kind === 'curve' ? ['--range'] : ['--x-range', '--y-range']);
  const adaptive = adaptiveOptions(flags);
  if (flags.refine && flags.queue) throw new UsageError('--refine does not work with --queue yet; drop one of them');
  const job = await prepareLandscape(landscapeOptions(kind, flags, specs, grid, orthogonal, adaptive));
  const total = grid.reduce((n, r) => n * r.count, 1);
  const bar = out.progress(kind, total);
  let res;
  try {
    res = await untilInterrupted((signal) => landscapeRunner(flags)({
      ...job, info: { command: ['terrain', ...commandLine()], cwd: process.cwd(), version: VERSION, started: new Date().toISOString() },
      onProgress: (pr) => bar.update(pr.done, pr.etaMs), signal,
    }));
  } finally {
    bar.stop();
  }
  const title = { model: job.model.path, data: `${job.data.source} (${job.data.split}, ${job.data.count} samples)`, bn: flags.bn };
  saveStatesDirections(job, res.run.dir);
  const plots = flags.plots ? await writeLandscapePlots(res.run.dir, res.result, title) : [];
  return { res, plots };
}

async function run(kind: 'curve' | 'surface', flags: LandscapeFlags, specs: string[], ranges: string[], orthogonal: boolean): Promise<void> {
  const out = makeOutput(!!flags.json);
  const { res, plots } = await runJob(kind, flags, specs, ranges, orthogonal, out);
  sayLandscape(out, res, plots);
  out.result({ ...res.result, dir: res.run.dir, resumed: res.resumed, plots });
}

export type LandscapeStepOutcome = Awaited<ReturnType<typeof runJob>>;

/** What `terrain curve|surface` prints about a finished run (its type or shape, precision, resumption, files). */
export function sayLandscape(out: Output, res: LandscapeStepOutcome['res'], plots: readonly string[]): void {
  if (res.result.kind === 'curve') {
    const r = res.result as CurveResult;
    const i0 = nearestZero(r.lambdas);
    out.say(`${r.direction}: ${r.type} (loss at λ=0 ${r.loss[i0]!.toFixed(4)}, min ${Math.min(...r.loss).toFixed(4)}, max ${Math.max(...r.loss).toFixed(4)})`);
  } else {
    const r = res.result as SurfaceResult;
    out.say(`surface ${r.x.length}×${r.y.length}, cos(x, y) = ${r.cosineXY.toFixed(4)}`);
  }
  const r = res.result.refine;
  if (r) out.say(`--refine ${r.tolerance}: ${r.evaluated} of ${r.total} points evaluated (${(100 * r.evaluated / r.total).toFixed(1)}%) in ${r.levels} levels; the others interpolated within ${r.target.toPrecision(3)} of what their cell's new nodes showed`);
  const a = res.result.adaptive;
  if (a) out.say(`--tolerance ${a.tolerance}: standard error ≤ ${a.target.toPrecision(3)} per point, ${a.passes} passes, ${a.sampleEvaluations} sample evaluations (${(100 * a.sampleEvaluations / a.exhaustiveEvaluations).toFixed(1)}% of the whole split at every point)`);
  if (res.resumed > 0) out.say(`resumed: ${res.resumed} points were already in ${res.run.dir}`);
  out.say(`results in ${res.run.dir}/result.json${plots.length ? `, figures: ${plots.join(', ')}` : ''}`);
}

export function nearestZero(v: readonly number[]): number {
  let best = 0;
  v.forEach((x, i) => { if (Math.abs(x) < Math.abs(v[best]!)) best = i; });
  return best;
}

/** A curve or surface of another command (reproduce's steps): flags as given, the rest at the command's defaults. */
export interface LandscapeStep {
  model: string;
  data: string;
  samples?: number;
  /** The direction spec of a curve; x and y of a surface. */
  specs: string[];
  /** A:B:N of a curve; x and y ranges of a surface. */
  ranges: string[];
  bn?: BnMode;
  adaptive?: AdaptiveOptions;
  out: string;
}

/** Runs the step as `terrain curve|surface … --json` would (same run directory, files and identity), printing nothing; the caller may print it with sayLandscape. */
export async function runLandscapeStep(kind: 'curve' | 'surface', step: LandscapeStep): Promise<LandscapeStepOutcome> {
  const flags = stepFlags<LandscapeFlags>(registerLandscape, kind, {
    model: step.model, data: step.data, out: step.out, json: true, samples: step.samples, bn: step.bn, ...toleranceFlags(step.adaptive),
  });
  return runJob(kind, flags, step.specs, step.ranges, false, makeOutput(true));
}

export function registerLandscape(program: Command): void {
  const curve = program.command('curve').description('1-D loss curve f(λ) = L(θ + λε) along a direction');
  addLandscapeOptions(curve)
    .requiredOption('--direction <spec>', `one of: ${DIRECTION_SYNTAX}`)
    .option('--range <A:B:N>', 'λ from A to B in N points', '-1:1:51')
    .action(async (flags: LandscapeFlags & { direction: string; range: string }) => run('curve', flags, [flags.direction], [flags.range], false));

  const surface = program.command('surface').description('2-D loss surface L(θ + αx + βy)');
  addLandscapeOptions(surface)
    .requiredOption('--x <spec>', `direction spec of the x axis, as --direction of curve (${DIRECTION_KINDS.join(', ')})`)
    .requiredOption('--y <spec>', `direction spec of the y axis, as --direction of curve (${DIRECTION_KINDS.join(', ')})`)
    .option('--x-range <A:B:N>', 'α range', '-1:1:21')
    .option('--y-range <A:B:N>', 'β range', '-1:1:21')
    .option('--orthogonalize', 'make y orthogonal to x (Gram–Schmidt, keeping its norm)')
    .action(async (flags: LandscapeFlags & { x: string; y: string; xRange: string; yRange: string; orthogonalize?: boolean }) =>
      run('surface', flags, [flags.x, flags.y], [flags.xRange, flags.yRange], !!flags.orthogonalize));
}
