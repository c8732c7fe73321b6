// terrain gmi: curves along N random filter-normalised Gaussian directions through θ (Gaussian model interpolation),
// the fraction that are v-basins, and the normalised curvatures εᵀHε/‖ε‖² next to tr(H)/P. BN: running statistics.
import type { Command } from 'commander';
import { HVP_METHODS, type HvpMethod } from '../../core/hessian/hvp-backends.js';
import { gmiJob, type GmiJobOptions, type GmiJobResult } from '../../core/jobs/gmi.js';
import { linspace, parseRange } from '../../core/runs/grid.js';
import { curvesPlot, writePlot } from '../../plot/index.js';
import { addDataOptions, addModelOptions, addRuntimeOptions, checkCompatible, choiceOption, commandLine, intOption, prepareData, type DataOptions } from '../common.js';
import { UsageError } from '../errors.js';
import { etaMs, makeOutput, type Output, type ProgressReporter } from '../output.js';
import { VERSION } from '../version.js';
import { PARAMS_HELP } from './params-option.js';
import { addToleranceOptions, toleranceOptions, type ToleranceFlags } from './tolerance-options.js';

export interface GmiFlags extends DataOptions, ToleranceFlags {
  weights?: string;
  model: string;
  directions: number;
  seed: number;
  norm: 'filter' | 'layer' | 'norm' | 'none';
  range: string;
  traceSamples: number;
  hvp: HvpMethod;
  threads: number;
  out: string;
  json?: boolean;
  plots: boolean;
  params?: string;
}

export function registerGmi(program: Command): void {
  const cmd = program.command('gmi').description('Gaussian directions through θ: v-basin fraction and εᵀHε/‖ε‖² against tr(H)/P');
  addModelOptions(cmd);
  addDataOptions(cmd, 'train');
  addRuntimeOptions(cmd)
    .option('--directions <n>', 'number of Gaussian directions (seeds SEED … SEED+N−1)', intOption('--directions', 1), 20)
    .option('--seed <n>', 'seed of the first direction (also of the trace probes)', intOption('--seed'), 0)
    .option('--norm <kind>', 'direction normalisation: filter (default) | layer | norm | none', choiceOption('--norm', ['filter', 'layer', 'norm', 'none'] as const), 'filter')
    .option('--range <A:B:N>', 'λ grid of each curve (must contain 0)', '-1:1:21')
    .option('--trace-samples <n>', 'Hutchinson probes for tr(H) (0: skip)', intOption('--trace-samples'), 50)
    .option('--hvp <method>', 'exact (default) | fd', choiceOption('--hvp', HVP_METHODS), 'exact')
    .option('--params <regex>', `${PARAMS_HELP}; tr(H)/P is then the subset's block`)
    .option('--no-plots', 'skip the SVG/PNG figures')
    .requiredOption('--out <dir>', 'output directory (with --tolerance/--refine each curve is a curve run in OUT/curves/K)')
    .action(async (flags: GmiFlags) => gmi(flags));
  addToleranceOptions(cmd, 'each curve', true);
}

/** The job's options from the flags (checks that need no model first). */
export function gmiOptions(flags: GmiFlags): GmiJobOptions {
  const range = parseRange(flags.range, '--range');
  if (!linspace(range).some((l) => Math.abs(l) < 1e-12)) throw new UsageError(`--range ${flags.range} must contain λ = 0 (the trained point); use an odd count over a symmetric range, e.g. -1:1:21`);
  if (flags.traceSamples === 1) throw new UsageError('--trace-samples 1: need 0 (skip) or at least 2 for a standard error');
  const adaptive = toleranceOptions(flags);
  return {
    model: flags.model, ...(flags.weights !== undefined ? { weights: flags.weights } : {}),
    data: (m) => {
      const data = prepareData(flags, m);
      checkCompatible(m, data);
      return data;
    },
    directions: flags.directions, seed: flags.seed, norm: flags.norm, range, rangeText: flags.range, traceSamples: flags.traceSamples, hvp: flags.hvp,
    batch: flags.batch, threads: flags.threads, ...(flags.params !== undefined ? { params: flags.params } : {}),
    ...(adaptive ? { adaptive } : {}), ...(flags.refine ? { refine: flags.refine } : {}), outDir: flags.out,
    info: { command: ['terrain', ...commandLine()], version: VERSION, started: new Date().toISOString(), cwd: process.cwd() },
  };
}

/** Runs gmi as the flags say and writes its figures (also reproduce's step); prints only progress. */
export async function runGmi(flags: GmiFlags, out: Output): Promise<GmiJobResult & { plots: string[] }> {
  let bar: ProgressReporter | undefined;
  const t0 = Date.now();
  let job;
  try {
    job = await gmiJob({
      ...gmiOptions(flags),
      onProgress: (done, total) => (bar ??= out.progress('gmi', total)).update(done, etaMs(t0, done, total)),
    });
  } finally {
    bar?.stop();
  }
  const plots = flags.plots ? await writeGmiPlots(job, flags) : [];
  return { ...job, plots };
}

async function writeGmiPlots({ result, run, model: m, data }: GmiJobResult, flags: GmiFlags): Promise<string[]> {
  const plots: string[] = [];
  const subtitle = `${data.selection.source} (${data.selection.split}, ${data.selection.count} samples), BN eval, ${flags.directions} directions norm=${flags.norm}`;
  plots.push((await writePlot(run.path('gmi-curves'), await curvesPlot(result.directions.map((d) => ({ label: d.spec.replace(/^gaussian:/, ''), lambdas: result.lambdas, loss: d.loss, type: d.measuredType })), {
    title: `GMI: v-basins ${result.directions.filter((d) => d.measuredType === 'v-basin').length}/${result.directions.length} — ${m.path}`, subtitle,
  }))).png);
  const ranked = result.directions.map((d) => d.normalisedCurvature).sort((a, b) => a - b);
  const ranks = ranked.map((_, i) => i + 1);
  const series = [{ label: 'εᵀHε / ‖ε‖² (sorted)', lambdas: ranks, loss: ranked }];
  if (result.traceOverP) series.push({ label: 'tr(H) / P', lambdas: ranks, loss: ranks.map(() => result.traceOverP!.mean) });
  plots.push((await writePlot(run.path('gmi-curvature'), await curvesPlot(series, { title: 'Normalised curvature of the Gaussian directions', subtitle, xLabel: 'rank', yLabel: 'curvature' }))).png);
  return plots;
}

async function gmi(flags: GmiFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const { result, run, plots } = await runGmi(flags, out);
  const k = result.normalisedCurvature;
  out.say(`v-basin fraction: ${(100 * result.vBasinFraction).toFixed(0)}% measured (${Object.entries(result.typeCounts).map(([t, c]) => `${t} ${c}`).join(', ')}), ${(100 * result.predictedVBasinFraction).toFixed(0)}% predicted by the second-order expansion${result.uncertainCurves !== undefined ? `; ${result.uncertainCurves} of ${result.directions.length} types uncertain within their errors (--tolerance)` : ''}`);
  out.say(`εᵀHε/‖ε‖²: mean ${k.mean.toExponential(3)} ± ${k.stderr.toExponential(2)}, range [${k.min.toExponential(2)}, ${k.max.toExponential(2)}], ${(100 * k.positiveFraction).toFixed(0)}% positive`);
  if (result.traceOverP) out.say(`tr(H)/P = ${result.traceOverP.mean.toExponential(3)} ± ${result.traceOverP.stderr.toExponential(2)} (tr(H) = ${result.trace!.mean.toPrecision(5)}, P = ${result.parameters.toLocaleString('en')})`);
  out.say(`results in ${run.path('result.json')}${plots.length ? `, figures: ${plots.join(', ')}` : ''}`);
  out.result({ ...result, directions: result.directions.map(({ loss, predicted, ...rest }) => rest), dir: run.dir, plots });
}
