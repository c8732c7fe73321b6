// terrain curve / terrain surface: thin wrappers around core/landscape.
import type { Command } from 'commander';
import { join } from 'node:path';
import { resolveDirections, saveDirection, type DirectionContext } from '../../core/directions/index.js';
import type { CurveResult, SurfaceResult } from '../../core/landscape/job.js';
import { BN_MODES, bufferDelta, type BnMode } from '../../core/landscape/bn.js';
import { loadMinedDirection } from '../../core/mine/load.js';
import { loadModelFile, type LoadedModel } from '../../core/model-file.js';
import { checkGridSize, parseRange } from '../../core/runs/grid.js';
import { makeBatches } from '../../core/data/index.js';
import { orthogonalize } from '../../core/directions/plane.js';
import { SESSION_MODES, type SessionMode } from '../../core/evaluate/sessions.js';
import { addDataOptions, addModelOptions, addRuntimeOptions, checkCompatible, choiceOption, commandLine, intOption, prepareData, type DataOptions } from '../common.js';
import { makeOutput } from '../output.js';
import { UsageError } from '../errors.js';
import { parseTolerance, type AdaptiveOptions, type Tolerance } from '../../core/landscape/adaptive.js';
import { VERSION } from '../version.js';
import { eigenvectorProvider } from './eigen-provider.js';
import { gradientProvider } from './gradient-provider.js';
import { addQueueOptions, landscapeRunner, type QueueFlags } from './queue-options.js';
import { writeLandscapePlots } from './landscape-plots.js';
import { PARAMS_HELP, paramsSelection } from './params-option.js';

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

const DEFAULT_MIN_SAMPLES = 256;

/** The adaptive options of --tolerance; --min-samples and --sample-seed without it are refused rather than ignored. */
function adaptiveOptions(flags: LandscapeFlags): AdaptiveOptions | undefined {
  if (!flags.tolerance) {
    const stray = flags.minSamples !== undefined ? '--min-samples' : flags.sampleSeed !== undefined ? '--sample-seed' : undefined;
    if (stray) throw new UsageError(`${stray} only applies with --tolerance; add --tolerance T (loss units) or P% (of the loss range), or drop ${stray}`);
    return undefined;
  }
  if (flags.queue) throw new UsageError('--tolerance does not work with --queue yet (queue tasks are whole points); drop one of them');
  return { tolerance: flags.tolerance, minSamples: flags.minSamples ?? DEFAULT_MIN_SAMPLES, seed: flags.sampleSeed ?? 0 };
}

export function directionContext(m: LoadedModel, gradient?: () => Promise<import('../../core/params.js').ParamVector>, eigenvector?: (k: number) => Promise<import('../../core/params.js').ParamVector>): DirectionContext {
  return {
    theta: m.theta,
    gradient,
    eigenvector,
    mined: async (path) => loadMinedDirection(path, m.theta.layout),
    loadParams: async (path) => {
      const other = loadModelFile(path);
      m.theta.layout.assertSame(other.theta.layout, path);
      return { layout: m.theta.layout, data: other.theta.data };
    },
  };
}

function addLandscapeOptions(cmd: Command): Command {
  addModelOptions(cmd);
  addDataOptions(cmd, 'train');
  addQueueOptions(cmd);
  return addRuntimeOptions(cmd)
    .option('--bn <mode>', 'BatchNorm statistics: eval (running, default) | perturb (move with the direction) | recompute (re-estimate at every point)', choiceOption('--bn', BN_MODES), 'eval')
    .option('--bn-batches <n>', 'training batches used by --bn recompute', intOption('--bn-batches', 1), 10)
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

async function prepare(flags: LandscapeFlags, specs: string[], orthogonal = false) {
  const m = loadModelFile(flags.model, { weights: flags.weights });
  const data = prepareData(flags, m);
  checkCompatible(m, data);
  // Cross-entropy keeps the logits path (bit-identical runs); another loss rides along in the job.
  const loss = data.loss && data.loss.name !== 'cross-entropy' ? data.loss : undefined;
  if (loss && flags.queue) throw new UsageError(`--loss ${loss.name} does not work with --queue yet (queue workers evaluate cross-entropy); drop one of them`);
  if (loss && flags.tolerance) throw new UsageError(`--loss ${loss.name} does not work with --tolerance yet; drop one of them`);
  const ctx: DirectionContext = {
    ...directionContext(m, gradientProvider(m, data.batches, flags.threads, loss), eigenvectorProvider(m, data.batches, flags.hessian, flags.threads, loss)),
    buffers: m.buffers, loadBuffers: async (path) => loadModelFile(path).buffers,
    params: paramsSelection(m.theta.layout, flags.params),
  };
  const dirs = await resolveDirections(specs, ctx);
  if (orthogonal && dirs.length === 2) dirs[1] = { ...dirs[1]!, vector: orthogonalize(dirs[0]!.vector, dirs[1]!.vector), spec: `${dirs[1]!.spec} (orthogonalized to x)` };
  const bufferDeltas = specs.map((_, k) => {
    const d = dirs[k]!;
    if (d.buffers && flags.bn !== 'perturb') throw new UsageError(`direction '${d.spec}' is a states direction (it moves the BN running statistics); add --bn perturb, or drop ':type=states'`);
    if (d.buffers) return d.buffers;
    if (flags.bn !== 'perturb' || d.info.kind !== 'to' || !d.info.path) return undefined;
    return bufferDelta(m.buffers, loadModelFile(d.info.path).buffers);
  });
  const recomputeBatches = flags.bn === 'recompute' ? makeBatches(data.train, flags.batch).slice(0, flags.bnBatches) : undefined;
  return { m, data, dirs, bufferDeltas, recomputeBatches, loss };
}

async function run(kind: 'curve' | 'surface', flags: LandscapeFlags, specs: string[], ranges: string[], orthogonal: boolean): Promise<void> {
  const out = makeOutput(!!flags.json);
  const grid = ranges.map((r, k) => parseRange(r, kind === 'curve' ? '--range' : k === 0 ? '--x-range' : '--y-range'));
  checkGridSize(grid, kind === 'curve' ? ['--range'] : ['--x-range', '--y-range']);
  const adaptive = adaptiveOptions(flags);
  if (flags.refine && flags.queue) throw new UsageError('--refine does not work with --queue yet; drop one of them');
  const p = await prepare(flags, specs, orthogonal);
  const total = grid.reduce((n, r) => n * r.count, 1);
  const bar = out.progress(kind, total);
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let res;
  try {
    res = await landscapeRunner(flags)({
      kind, model: p.m, data: p.data.selection, batches: p.data.batches, batchSize: flags.batch, directions: p.dirs,
      bufferDeltas: p.bufferDeltas, bn: flags.bn, recomputeBatches: p.recomputeBatches, ranges: grid, outDir: flags.out,
      threads: flags.threads, workers: flags.workers, session: flags.session, adaptive, ...(flags.refine ? { refine: flags.refine } : {}), ...(p.loss ? { loss: p.loss } : {}), info: { command: ['terrain', ...commandLine()], cwd: process.cwd(), version: VERSION, started: new Date().toISOString() },
      onProgress: (pr) => bar.update(pr.done, pr.etaMs), signal: ac.signal,
    });
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const title = { model: p.m.path, data: `${p.data.selection.source} (${p.data.selection.split}, ${p.data.selection.count} samples)`, bn: flags.bn };
  // A states direction's file also holds its buffer part, so that file:…:type=states and export --format ll-directions reuse it.
  p.dirs.forEach((d, k) => d.buffers && saveDirection(join(res.run.dir, `${kind === 'curve' ? 'direction' : ['direction-x', 'direction-y'][k]}.safetensors`), d.vector, { spec: d.spec }, d.buffers));
  const plots = flags.plots ? await writeLandscapePlots(res.run.dir, res.result, title) : [];
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
  out.result({ ...res.result, dir: res.run.dir, resumed: res.resumed, plots });
}

export function nearestZero(v: readonly number[]): number {
  let best = 0;
  v.forEach((x, i) => { if (Math.abs(x) < Math.abs(v[best]!)) best = i; });
  return best;
}

export function registerLandscape(program: Command): void {
  const curve = program.command('curve').description('1-D loss curve f(λ) = L(θ + λε) along a direction');
  addLandscapeOptions(curve)
    .requiredOption('--direction <spec>', 'gaussian[:norm=filter|layer|norm|none|weight|dfilter|dlayer][:seed=N][:bias-bn=zero|keep|norm|copy][:scale=S][:type=states] | gradient | to:CKPT | file:PATH | pca:DIR | …')
    .option('--range <A:B:N>', 'λ from A to B in N points', '-1:1:51')
    .action(async (flags: LandscapeFlags & { direction: string; range: string }) => run('curve', flags, [flags.direction], [flags.range], false));

  const surface = program.command('surface').description('2-D loss surface L(θ + αx + βy)');
  addLandscapeOptions(surface)
    .requiredOption('--x <spec>', 'direction spec of the x axis')
    .requiredOption('--y <spec>', 'direction spec of the y axis')
    .option('--x-range <A:B:N>', 'α range', '-1:1:21')
    .option('--y-range <A:B:N>', 'β range', '-1:1:21')
    .option('--orthogonalize', 'make y orthogonal to x (Gram–Schmidt, keeping its norm)')
    .action(async (flags: LandscapeFlags & { x: string; y: string; xRange: string; yRange: string; orthogonalize?: boolean }) =>
      run('surface', flags, [flags.x, flags.y], [flags.xRange, flags.yRange], !!flags.orthogonalize));
}
