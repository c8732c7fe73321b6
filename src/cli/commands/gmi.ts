// terrain gmi: curves along N random filter-normalised Gaussian directions through θ (Gaussian model interpolation),
// the fraction that are v-basins, and the normalised curvatures εᵀHε/‖ε‖² next to tr(H)/P. BN: running statistics.
import type { Command } from 'commander';
import { resolveDirections } from '../../core/directions/index.js';
import { gmiAnalysis } from '../../core/explain/gmi.js';
import { HVP_METHODS, type HvpMethod } from '../../core/hessian/hvp-backends.js';
import { modelHessian } from '../../core/hessian/model-operator.js';
import { loadModelFile } from '../../core/model-file.js';
import { linspace, parseRange } from '../../core/runs/grid.js';
import { RunDir } from '../../core/runs/run-dir.js';
import { curvesPlot, writePlot } from '../../plot/index.js';
import { addDataOptions, addModelOptions, addRuntimeOptions, checkCompatible, choiceOption, commandLine, intOption, prepareData, type DataOptions } from '../common.js';
import { UsageError } from '../errors.js';
import { makeOutput } from '../output.js';
import { VERSION } from '../version.js';
import { directionContext } from './landscape.js';
import { PARAMS_HELP, paramsSelection } from './params-option.js';
import { join } from 'node:path';
import { runLandscape, type CurveResult } from '../../core/landscape/job.js';
import type { MeasuredCurve } from '../../core/explain/gmi.js';
import { addToleranceOptions, toleranceOptions, toleranceRecord, type ToleranceFlags } from './tolerance-options.js';

interface GmiFlags extends DataOptions, ToleranceFlags {
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

async function gmi(flags: GmiFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const lambdas = linspace(parseRange(flags.range, '--range'));
  if (!lambdas.some((l) => Math.abs(l) < 1e-12)) throw new UsageError(`--range ${flags.range} must contain λ = 0 (the trained point); use an odd count over a symmetric range, e.g. -1:1:21`);
  const zeroed = lambdas.map((l) => (Math.abs(l) < 1e-12 ? 0 : l));
  if (flags.traceSamples === 1) throw new UsageError('--trace-samples 1: need 0 (skip) or at least 2 for a standard error');
  const m = loadModelFile(flags.model, { weights: flags.weights });
  const data = prepareData(flags, m);
  checkCompatible(m, data);
  const loss = data.loss && data.loss.name !== 'cross-entropy' ? data.loss : undefined;
  const adaptive = toleranceOptions(flags, loss?.name);
  const specs = Array.from({ length: flags.directions }, (_, i) => `gaussian:norm=${flags.norm}:seed=${flags.seed + i}`);
  const params = paramsSelection(m.theta.layout, flags.params);
  const dirs = await resolveDirections(specs, { ...directionContext(m), params });
  const run = await RunDir.open(flags.out, {
    kind: 'gmi',
    identity: { model: { path: m.path, sha256: m.hash, arch: m.model.spec.arch }, data: data.selection, batchSize: flags.batch, directions: dirs.map((d) => d.spec), range: flags.range, traceSamples: flags.traceSamples, seed: flags.seed, hvp: flags.hvp, bn: 'eval', ...(params ? { params: params.pattern } : {}), ...toleranceRecord(flags) },
    info: { command: ['terrain', ...commandLine()], version: VERSION, started: new Date().toISOString(), cwd: process.cwd() },
  });
  const op = await modelHessian(m, data.batches, { method: flags.hvp, bn: 'eval', threads: flags.threads, loss, params: flags.params });
  const total = flags.directions * (lambdas.length + 1) + flags.traceSamples;
  const bar = out.progress('gmi', total);
  const t0 = Date.now();
  // --tolerance/--refine: each curve is an ordinary (resumable) curve run at the stated error, typed with paired errors.
  const info = { command: ['terrain', ...commandLine()], version: VERSION, started: new Date().toISOString(), cwd: process.cwd() };
  const measure = adaptive || flags.refine ? async (_d: unknown, k: number): Promise<MeasuredCurve> => {
    const { result: c } = await runLandscape({
      kind: 'curve', model: m, data: data.selection, batches: data.batches, batchSize: flags.batch, directions: [dirs[k]!], bufferDeltas: [undefined],
      bn: 'eval', ranges: [parseRange(flags.range, '--range')], outDir: join(flags.out, 'curves', String(k)), threads: flags.threads, ...(loss ? { loss } : {}),
      ...(adaptive ? { adaptive } : {}), ...(flags.refine ? { refine: flags.refine } : {}), info,
    });
    const r = c as CurveResult;
    return { loss: r.loss, type: r.type, lossSampleStderr: r.lossSampleStderr, samples: r.samples, typeConfidence: r.typeConfidence, uncertain: r.uncertain };
  } : undefined;
  let result;
  try {
    result = await gmiAnalysis(m, data.batches, op, {
      directions: dirs, lambdas: zeroed, ...(measure ? { measure } : {}), traceSamples: flags.traceSamples, seed: flags.seed, threads: flags.threads, loss,
      onProgress: (done) => bar.update(done, ((Date.now() - t0) / done) * (total - done)),
    });
  } finally {
    bar.stop();
    await op.dispose();
  }
  result = { ...result, ...toleranceRecord(flags) };
  await run.writeResult(result);

  const plots: string[] = [];
  if (flags.plots) {
    const subtitle = `${data.selection.source} (${data.selection.split}, ${data.selection.count} samples), BN eval, ${flags.directions} directions norm=${flags.norm}`;
    plots.push((await writePlot(run.path('gmi-curves'), await curvesPlot(result.directions.map((d) => ({ label: d.spec.replace(/^gaussian:/, ''), lambdas: result.lambdas, loss: d.loss, type: d.measuredType })), {
      title: `GMI: v-basins ${result.directions.filter((d) => d.measuredType === 'v-basin').length}/${result.directions.length} — ${m.path}`, subtitle,
    }))).png);
    const ranked = result.directions.map((d) => d.normalisedCurvature).sort((a, b) => a - b);
    const ranks = ranked.map((_, i) => i + 1);
    const series = [{ label: 'εᵀHε / ‖ε‖² (sorted)', lambdas: ranks, loss: ranked }];
    if (result.traceOverP) series.push({ label: 'tr(H) / P', lambdas: ranks, loss: ranks.map(() => result.traceOverP!.mean) });
    plots.push((await writePlot(run.path('gmi-curvature'), await curvesPlot(series, { title: 'Normalised curvature of the Gaussian directions', subtitle, xLabel: 'rank', yLabel: 'curvature' }))).png);
  }
  const k = result.normalisedCurvature;
  out.say(`v-basin fraction: ${(100 * result.vBasinFraction).toFixed(0)}% measured (${Object.entries(result.typeCounts).map(([t, c]) => `${t} ${c}`).join(', ')}), ${(100 * result.predictedVBasinFraction).toFixed(0)}% predicted by the second-order expansion${result.uncertainCurves !== undefined ? `; ${result.uncertainCurves} of ${result.directions.length} types uncertain within their errors (--tolerance)` : ''}`);
  out.say(`εᵀHε/‖ε‖²: mean ${k.mean.toExponential(3)} ± ${k.stderr.toExponential(2)}, range [${k.min.toExponential(2)}, ${k.max.toExponential(2)}], ${(100 * k.positiveFraction).toFixed(0)}% positive`);
  if (result.traceOverP) out.say(`tr(H)/P = ${result.traceOverP.mean.toExponential(3)} ± ${result.traceOverP.stderr.toExponential(2)} (tr(H) = ${result.trace!.mean.toPrecision(5)}, P = ${result.parameters.toLocaleString('en')})`);
  out.say(`results in ${run.path('result.json')}${plots.length ? `, figures: ${plots.join(', ')}` : ''}`);
  out.result({ ...result, directions: result.directions.map(({ loss, predicted, ...rest }) => rest), dir: run.dir, plots });
}
