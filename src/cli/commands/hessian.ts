// terrain hessian: eigenvalues, trace and spectral density of the loss Hessian at a checkpoint (or tr(H) and λ_max
// at every checkpoint of a training directory). The numerics live in core/hessian and core/explain.
import type { Command } from 'commander';
import { TRACE_METHODS, type AnalysisStage, type TraceMethod } from '../../core/hessian/analysis.js';
import { HVP_METHODS, type HvpMethod } from '../../core/hessian/hvp-backends.js';
import { hessianCheckpointsJob, hessianJob, type CheckpointsJobResult } from '../../core/jobs/hessian.js';
import type { LoadedModel } from '../../core/model-file.js';
import { curvesPlot, densityPlot, writePlot } from '../../plot/index.js';
import { addDataOptions, addRuntimeOptions, checkCompatible, choiceOption, commandLine, intOption, numberOption, prepareData, type DataOptions } from '../common.js';
import { UsageError } from '../errors.js';
import { etaMs, makeOutput, type Output, type ProgressReporter } from '../output.js';
import { VERSION } from '../version.js';
import { productProgress } from './hessian-progress.js';

export interface HessianFlags extends DataOptions {
  model?: string;
  weights?: string;
  checkpoints?: string;
  top: number;
  bottom: number;
  trace?: boolean;
  traceMethod: TraceMethod;
  traceSamples: number;
  density?: boolean;
  densityRuns: number;
  densitySteps: number;
  params?: string;
  hvp: HvpMethod;
  bn: 'eval' | 'train';
  seed: number;
  tol: number;
  threads: number;
  out: string;
  json?: boolean;
  plots: boolean;
}

/** Shared by hessian, explain and gmi: how the Hessian is computed. */
export function addHvpOptions(cmd: Command): Command {
  return cmd
    .option('--hvp <method>', 'Hessian-vector products: exact (reverse-over-reverse, default) | fd (central differences of gradients; smooth models only)', choiceOption('--hvp', HVP_METHODS), 'exact')
    .option('--bn <mode>', 'BatchNorm statistics inside the Hessian: eval (running statistics, default) | train (each batch\'s own)', choiceOption('--bn', ['eval', 'train'] as const), 'eval')
    .option('--params <regex>', 'analyse only the parameter tensors whose names match (e.g. "^layer3\\." or "fc")')
    .option('--seed <n>', 'seed of the random probes and starts', intOption('--seed'), 0);
}

export function registerHessian(program: Command): void {
  const cmd = program.command('hessian').description('top/bottom eigenvalues, trace and spectral density of the loss Hessian (or tr(H) and λ_max over training with --checkpoints)')
    .option('--model <file>', 'a terrain checkpoint (.safetensors) or an ONNX model (.onnx)')
    .option('--weights <file>', 'with --model: a PyTorch state_dict (.pt/.pth from torch.save, or .safetensors) put into the model by name')
    .option('--checkpoints <dir>', 'a training directory: tr(H) and λ_max at init, every epoch-N and final checkpoint');
  addDataOptions(cmd, 'train');
  addHvpOptions(cmd)
    .option('--top <k>', 'largest eigenpairs (Lanczos); eigenvectors saved as eigen-K.safetensors for eigen:K directions', intOption('--top'), 5)
    .option('--bottom <k>', 'most negative eigenpairs', intOption('--bottom'), 0)
    .option('--trace', 'estimate tr(H)')
    .option('--trace-method <m>', 'hutchinson | hutch++', choiceOption('--trace-method', TRACE_METHODS), 'hutchinson')
    .option('--trace-samples <n>', 'Hessian-vector products for the trace', intOption('--trace-samples', 2), 100)
    .option('--density', 'spectral density by stochastic Lanczos quadrature')
    .option('--density-runs <n>', 'SLQ random starts', intOption('--density-runs', 1), 10)
    .option('--density-steps <n>', 'Lanczos steps per SLQ start', intOption('--density-steps', 2), 80)
    .option('--tol <x>', 'Lanczos tolerance relative to ‖H‖', numberOption('--tol'), 1e-5)
    .option('--no-plots', 'skip the SVG/PNG figures')
    .requiredOption('--out <dir>', 'output directory');
  addRuntimeOptions(cmd).action(async (flags: HessianFlags) => {
    if (!!flags.model === !!flags.checkpoints) throw new UsageError('give either --model CKPT (one point) or --checkpoints DIR (every checkpoint of a training run)');
    if (flags.checkpoints && flags.weights) throw new UsageError('--weights goes with --model (one point); --checkpoints reads every checkpoint as saved');
    if (flags.checkpoints) await overTraining(flags);
    else await atPoint(flags);
  });
}

/** What both hessian jobs take from the flags: data, HVP, BN, subset, seed, threads, output. */
function commonOptions(flags: HessianFlags) {
  return {
    data: (m: LoadedModel) => {
      const data = prepareData(flags, m);
      checkCompatible(m, data);
      return data;
    },
    hvp: flags.hvp, bn: flags.bn, ...(flags.params !== undefined ? { params: flags.params } : {}), seed: flags.seed, batch: flags.batch, threads: flags.threads,
    outDir: flags.out, info: { command: ['terrain', ...commandLine()], version: VERSION, started: new Date().toISOString(), cwd: process.cwd() },
  };
}

async function atPoint(flags: HessianFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  if (flags.top === 0 && flags.bottom === 0 && !flags.trace && !flags.density) throw new UsageError('nothing to compute: ask for --top K, --bottom K, --trace or --density');
  if (flags.trace && flags.traceMethod === 'hutch++' && flags.traceSamples < 6) throw new UsageError(`--trace-samples ${flags.traceSamples}: hutch++ needs at least 6 products`);
  let progress: ReturnType<typeof productProgress> | undefined;
  let plan: ReturnType<typeof plannedProducts> | undefined;
  let job;
  try {
    job = await hessianJob({
      ...commonOptions(flags), model: flags.model!, ...(flags.weights !== undefined ? { weights: flags.weights } : {}), top: flags.top, bottom: flags.bottom, tol: flags.tol,
      ...(flags.trace ? { trace: { method: flags.traceMethod, matvecs: flags.traceSamples } } : {}),
      ...(flags.density ? { density: { runs: flags.densityRuns, steps: flags.densitySteps } } : {}),
      onOperator: (size, samples) => {
        plan = plannedProducts(flags, size);
        progress = productProgress(out, `hessian (${size.toLocaleString('en')} parameters, ${samples} samples)`, plan.total);
      },
      onProduct: () => progress?.tick(),
      // Residuals follow each finished Lanczos search: replan what is left.
      onLanczos: (finished) => progress?.replan(plan!.after(finished)),
    });
  } finally {
    progress?.stop();
  }
  const { result, analysis, run, model: m, data, size, samples, seconds, eigenvectors: saved } = job;
  const plots = flags.plots && analysis.density ? [(await writePlot(run.path('density'), await densityPlot(analysis.density, {
    title: `Hessian spectral density — ${m.path}`, subtitle: [`${data.selection.source} (${data.selection.split}, ${samples} samples), BN ${flags.bn}, ${flags.hvp} HVP, ${size.toLocaleString('en')} parameters${flags.params ? ` matching /${flags.params}/` : ''}`, `SLQ: ${analysis.density.runs} starts × ${analysis.density.steps} steps, σ = ${analysis.density.sigma.toPrecision(3)}`],
    xLabel: 'eigenvalue', yLabel: 'density (log)', logY: true,
  }))).png] : [];

  if (analysis.top) out.say(`top eigenvalues: ${analysis.top.values.map((v) => v.toPrecision(6)).join(', ')} (residuals ≤ ${Math.max(...analysis.top.residuals).toExponential(1)})`);
  if (analysis.bottom) out.say(`bottom eigenvalues: ${analysis.bottom.values.map((v) => v.toPrecision(6)).join(', ')}`);
  if (analysis.trace) out.say(`tr(H) = ${analysis.trace.mean.toPrecision(6)} ± ${analysis.trace.stderr.toPrecision(3)} (${analysis.trace.method}, ${analysis.trace.matvecs} products); tr(H)/P = ${(analysis.trace.mean / size).toExponential(3)}`);
  if (analysis.density) out.say(`density: ${analysis.density.grid.length} grid points over [${analysis.density.grid[0]!.toPrecision(3)}, ${analysis.density.grid[analysis.density.grid.length - 1]!.toPrecision(3)}]`);
  out.say(`${analysis.matvecs} Hessian-vector products in ${seconds.toFixed(1)} s; results in ${run.path('result.json')}${saved.length ? `, eigenvectors: ${saved.join(', ')}` : ''}${plots.length ? `, figure: ${plots.join(', ')}` : ''}`);
  out.result({ ...result, density: result.density ? { grid: result.density.grid, values: result.density.values } : undefined, dir: run.dir, plots });
}

/** Products planned per stage (Lanczos: its Krylov bound plus one verification run, plus residuals). */
function plannedProducts(flags: HessianFlags, n: number): { total: number; after: (done: ReadonlySet<AnalysisStage>) => number } {
  const lanczosPlan = (k: number) => (k ? 2 * Math.min(n, Math.max(80, 2 * k + 40)) + k : 0);
  const rest = (flags.trace ? flags.traceSamples : 0) + (flags.density ? flags.densityRuns * Math.min(flags.densitySteps, n) : 0);
  const bottom = lanczosPlan(flags.bottom);
  return {
    total: lanczosPlan(flags.top) + bottom + rest,
    after: (done) => (done.has('top') ? 0 : lanczosPlan(flags.top)) + (done.has('bottom') ? 0 : bottom) + rest,
  };
}

/** tr(H) and λ_max at every checkpoint of --checkpoints, with its figure (also reproduce's step); prints only progress. */
export async function runOverTraining(flags: HessianFlags, out: Output): Promise<CheckpointsJobResult & { plots: string[] }> {
  let bar: ProgressReporter | undefined;
  const t0 = Date.now();
  let job;
  try {
    job = await hessianCheckpointsJob({
      ...commonOptions(flags), checkpoints: flags.checkpoints!, traceSamples: flags.traceSamples,
      onCheckpoint: (done, total) => (bar ??= out.progress('checkpoints', total)).update(done, etaMs(t0, done, total)),
    });
  } finally {
    bar?.stop();
  }
  const { result: { checkpoints: rows }, run, data } = job;
  const plots: string[] = [];
  if (flags.plots) {
    // final.safetensors usually repeats the last epoch's weights: one point per epoch.
    const shown = rows.filter((r, i) => Number.isFinite(r.epoch) && rows.findIndex((q) => q.epoch === r.epoch) === i);
    const epochs = shown.map((r) => r.epoch);
    const series = [{ label: 'tr(H)', lambdas: epochs, loss: shown.map((r) => r.trace.mean) }, { label: 'λ_max', lambdas: epochs, loss: shown.map((r) => r.lambdaMax) }];
    if (shown.length >= 2) {
      plots.push((await writePlot(run.path('curvature-over-training'), await curvesPlot(series, {
        title: `Curvature over training — ${flags.checkpoints}`, subtitle: `${data.selection.source} (${data.selection.split}, ${data.selection.count} samples), BN ${flags.bn}, Hutchinson ${flags.traceSamples} probes`,
        xLabel: 'epoch', yLabel: 'tr(H), λ_max (log)', logY: shown.every((r) => r.trace.mean > 0 && r.lambdaMax > 0),
      }))).png);
    }
  }
  return { ...job, plots };
}

async function overTraining(flags: HessianFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const { result, run, plots } = await runOverTraining(flags, out);
  for (const r of result.checkpoints) out.say(`${r.name.padEnd(22)} epoch ${String(r.epoch).padStart(3)}: loss ${r.loss.toFixed(4)}, tr(H) ${r.trace.mean.toPrecision(5)} ± ${r.trace.stderr.toPrecision(2)}, λ_max ${r.lambdaMax.toPrecision(5)}`);
  out.say(`results in ${run.path('result.json')}${plots.length ? `, figure: ${plots.join(', ')}` : ''}`);
  out.result({ ...result, dir: run.dir, plots });
}
