// terrain explain: the measured curve L(θ + λε) next to its second-order prediction L0 + λgᵀε + ½λ²εᵀHε, and the
// prediction's relative error as a function of |λ|. BN uses the running statistics in both (the expansion of the
// eval-mode loss). The measured curve is an ordinary curve run in OUT/measured (resumable).
import type { Command } from 'commander';
import { DIRECTION_SYNTAX } from '../../core/directions/kinds/index.js';
import { HVP_METHODS, type HvpMethod } from '../../core/hessian/hvp-backends.js';
import { explainJob, type ExplainJobResult } from '../../core/jobs/explain.js';
import { parseRange } from '../../core/runs/grid.js';
import { curvesPlot, writePlot } from '../../plot/index.js';
import { addDataOptions, addModelOptions, addRuntimeOptions, checkCompatible, choiceOption, commandLine, prepareData, type DataOptions } from '../common.js';
import { makeOutput, stderrLine, type Output, type ProgressReporter } from '../output.js';
import { VERSION } from '../version.js';
import { addToleranceOptions, toleranceOptions, type ToleranceFlags } from './tolerance-options.js';

export interface ExplainFlags extends DataOptions, ToleranceFlags {
  weights?: string;
  model: string;
  direction: string;
  range: string;
  hvp: HvpMethod;
  hessian?: string;
  threads: number;
  out: string;
  json?: boolean;
  plots: boolean;
}

export function registerExplain(program: Command): void {
  const cmd = program.command('explain').description('second-order prediction L0 + λgᵀε + ½λ²εᵀHε next to the measured curve, with its error against |λ|');
  addModelOptions(cmd);
  addDataOptions(cmd, 'train');
  addRuntimeOptions(cmd)
    .requiredOption('--direction <spec>', `direction spec, as for terrain curve: ${DIRECTION_SYNTAX}`)
    .option('--range <A:B:N>', 'λ from A to B in N points (must include 0 for the error at θ)', '-0.1:0.1:21')
    .option('--hvp <method>', 'exact (default) | fd', choiceOption('--hvp', HVP_METHODS), 'exact')
    .option('--hessian <dir>', 'a terrain hessian output directory for eigen:K directions')
    .option('--no-plots', 'skip the SVG/PNG figures')
    .requiredOption('--out <dir>', 'output directory (the measured curve goes to OUT/measured)');
  addToleranceOptions(cmd, 'the measured curve', true)
    .action(async (flags: ExplainFlags) => explain(flags));
}

/** Runs explain as the flags say and writes its figures (also reproduce's step); prints only progress. */
export async function runExplain(flags: ExplainFlags, out: Output): Promise<ExplainJobResult & { plots: string[] }> {
  const range = parseRange(flags.range, '--range');
  const adaptive = toleranceOptions(flags);
  let bar: ProgressReporter | undefined;
  let job;
  try {
    job = await explainJob({
      model: flags.model, ...(flags.weights !== undefined ? { weights: flags.weights } : {}),
      data: (m) => {
        const data = prepareData(flags, m);
        checkCompatible(m, data);
        return data;
      },
      direction: flags.direction, range, rangeText: flags.range, hvp: flags.hvp, ...(flags.hessian !== undefined ? { hessianDir: flags.hessian } : {}),
      batch: flags.batch, threads: flags.threads, ...(adaptive ? { adaptive } : {}), ...(flags.refine ? { refine: flags.refine } : {}), outDir: flags.out,
      info: { command: ['terrain', ...commandLine()], version: VERSION, started: new Date().toISOString(), cwd: process.cwd() },
      notice: stderrLine,
      onProgress: (done, eta) => (bar ??= out.progress('explain: measured curve', range.count)).update(done, eta),
    });
  } finally {
    bar?.stop();
  }
  const plots = flags.plots ? await writeExplainPlots(job) : [];
  return { ...job, plots };
}

async function writeExplainPlots({ terms, comparison: cmp, curve, direction: dir, run, model: m, data }: ExplainJobResult): Promise<string[]> {
  const plots: string[] = [];
  const title = `${dir.spec} — ${m.path}`;
  const subtitle = `${data.selection.source} (${data.selection.split}, ${data.selection.count} samples), BN eval; gᵀε = ${terms.slope.toPrecision(4)}, εᵀHε = ${terms.curvature.toPrecision(4)}`;
  plots.push((await writePlot(run.path('explain'), await curvesPlot([
    { label: 'measured', lambdas: cmp.lambdas, loss: cmp.measured, type: curve.type },
    { label: 'L0 + λgᵀε + ½λ²εᵀHε', lambdas: cmp.lambdas, loss: cmp.predicted },
  ], { title, subtitle }))).png);
  const radii = cmp.byRadius.filter((r) => r.maxRelativeError > 0);
  if (radii.length >= 2) {
    plots.push((await writePlot(run.path('explain-error'), await curvesPlot([
      { label: 'max |pred − meas| / meas over |λ′| ≤ |λ|', lambdas: radii.map((r) => r.radius), loss: radii.map((r) => r.maxRelativeError) },
    ], { title: `Second-order prediction error — ${dir.spec}`, subtitle, xLabel: '|λ|', yLabel: 'relative error (log)', logY: true }))).png);
  }
  return plots;
}

async function explain(flags: ExplainFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const { result, terms, comparison: cmp, curve, direction: dir, run, measuredDir, plots } = await runExplain(flags, out);
  out.say(`${dir.spec}: L0 ${terms.loss.toPrecision(6)}, gᵀε ${terms.slope.toPrecision(4)}, εᵀHε ${terms.curvature.toPrecision(4)} (‖ε‖ ${Math.sqrt(terms.directionNorm2).toPrecision(4)}); measured: ${curve.type}${curve.uncertain === undefined ? '' : ` (confidence ${(100 * curve.typeConfidence!).toFixed(0)}%${curve.uncertain ? ', uncertain within its errors' : ''})`}`);
  for (const r of cmp.byRadius.filter((_, i, a) => i === a.length - 1 || i % Math.ceil(a.length / 5) === 0)) {
    out.say(`  |λ| ≤ ${r.radius.toPrecision(3)}: max relative error ${(100 * r.maxRelativeError).toFixed(3)}% (of the change: ${(100 * r.maxChangeError).toFixed(1)}%)`);
  }
  out.say(`results in ${run.path('result.json')}, measured curve in ${measuredDir}${plots.length ? `, figures: ${plots.join(', ')}` : ''}`);
  out.result({ ...result, dir: run.dir, plots });
}
