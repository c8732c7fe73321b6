// terrain explain: the measured curve L(θ + λε) next to its second-order prediction L0 + λgᵀε + ½λ²εᵀHε, and the
// prediction's relative error as a function of |λ|. BN uses the running statistics in both (the expansion of the
// eval-mode loss). The measured curve is an ordinary curve run in OUT/measured (resumable).
import { join } from 'node:path';
import type { Command } from 'commander';
import { resolveDirections } from '../../core/directions/index.js';
import { DIRECTION_SYNTAX } from '../../core/directions/kinds/index.js';
import { comparePrediction, maxRelativeErrorWithin, secondOrderTerms } from '../../core/explain/second-order.js';
import { HVP_METHODS, type HvpMethod } from '../../core/hessian/hvp-backends.js';
import { modelHessian } from '../../core/hessian/model-operator.js';
import { runLandscape, type CurveResult } from '../../core/landscape/job.js';
import { loadModelFile } from '../../core/model-file.js';
import { parseRange } from '../../core/runs/grid.js';
import { RunDir } from '../../core/runs/run-dir.js';
import { curvesPlot, writePlot } from '../../plot/index.js';
import { addDataOptions, addModelOptions, addRuntimeOptions, checkCompatible, choiceOption, commandLine, prepareData, type DataOptions } from '../common.js';
import { makeOutput } from '../output.js';
import { VERSION } from '../version.js';
import { eigenvectorProvider } from './eigen-provider.js';
import { gradientProvider } from './gradient-provider.js';
import { directionContext } from './landscape.js';
import { addToleranceOptions, toleranceOptions, toleranceRecord, type ToleranceFlags } from './tolerance-options.js';

interface ExplainFlags extends DataOptions, ToleranceFlags {
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

async function explain(flags: ExplainFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const range = parseRange(flags.range, '--range');
  const m = loadModelFile(flags.model, { weights: flags.weights });
  const data = prepareData(flags, m);
  checkCompatible(m, data);
  const loss = data.loss && data.loss.name !== 'cross-entropy' ? data.loss : undefined;
  const adaptive = toleranceOptions(flags, loss?.name);
  const [dir] = await resolveDirections([flags.direction], directionContext(m, gradientProvider(m, data.batches, flags.threads, loss), eigenvectorProvider(m, data.batches, flags.hessian, flags.threads, loss)));
  const run = await RunDir.open(flags.out, {
    kind: 'explain',
    identity: { model: { path: m.path, sha256: m.hash, arch: m.model.spec.arch }, data: data.selection, batchSize: flags.batch, direction: dir!.spec, range: flags.range, hvp: flags.hvp, bn: 'eval', ...toleranceRecord(flags) },
    info: { command: ['terrain', ...commandLine()], version: VERSION, started: new Date().toISOString(), cwd: process.cwd() },
  });

  const op = await modelHessian(m, data.batches, { method: flags.hvp, bn: 'eval', threads: flags.threads, loss });
  let terms;
  try {
    terms = await secondOrderTerms(op, dir!.vector);
  } finally {
    await op.dispose();
  }
  const bar = out.progress('explain: measured curve', range.count);
  let measured;
  try {
    measured = await runLandscape({
      kind: 'curve', model: m, data: data.selection, batches: data.batches, batchSize: flags.batch, directions: [dir!], bufferDeltas: [undefined],
      bn: 'eval', ranges: [range], outDir: join(flags.out, 'measured'), threads: flags.threads, ...(loss ? { loss } : {}),
      ...(adaptive ? { adaptive } : {}), ...(flags.refine ? { refine: flags.refine } : {}),
      info: { command: ['terrain', ...commandLine()], version: VERSION, started: new Date().toISOString(), cwd: process.cwd() },
      onProgress: (p) => bar.update(p.done, p.etaMs),
    });
  } finally {
    bar.stop();
  }
  const curve = measured.result as CurveResult;
  const cmp = comparePrediction(terms, curve.lambdas, curve.loss);
  const within01 = maxRelativeErrorWithin(cmp, 0.1);
  const result = {
    kind: 'explain', direction: dir!.spec, directionNorm: Math.sqrt(terms.directionNorm2), hvp: flags.hvp, bn: 'eval',
    terms: { loss0: terms.loss, accuracy0: terms.accuracy, slope: terms.slope, curvature: terms.curvature, directionNorm2: terms.directionNorm2, gradientNorm: terms.gradientNorm },
    lambdas: cmp.lambdas, measured: cmp.measured, predicted: cmp.predicted, relativeError: cmp.relativeError,
    errorByRadius: cmp.byRadius, maxRelativeErrorWithin0_1: within01, measuredType: curve.type,
    // --tolerance: the measured curve's errors and how sure its type is; --refine: which points were measured.
    ...toleranceRecord(flags),
    ...(curve.lossSampleStderr ? { measuredStderr: curve.lossSampleStderr, samples: curve.samples, typeConfidence: curve.typeConfidence, uncertain: curve.uncertain } : {}),
    ...(curve.measured ? { measuredMask: curve.measured, interpolationBound: curve.interpolationBound } : {}),
  };
  await run.writeResult(result);

  const plots: string[] = [];
  if (flags.plots) {
    const title = `${dir!.spec} — ${m.path}`;
    const subtitle = `${data.selection.source} (${data.selection.split}, ${data.selection.count} samples), BN eval; gᵀε = ${terms.slope.toPrecision(4)}, εᵀHε = ${terms.curvature.toPrecision(4)}`;
    plots.push((await writePlot(run.path('explain'), await curvesPlot([
      { label: 'measured', lambdas: cmp.lambdas, loss: cmp.measured, type: curve.type },
      { label: 'L0 + λgᵀε + ½λ²εᵀHε', lambdas: cmp.lambdas, loss: cmp.predicted },
    ], { title, subtitle }))).png);
    const radii = cmp.byRadius.filter((r) => r.maxRelativeError > 0);
    if (radii.length >= 2) {
      plots.push((await writePlot(run.path('explain-error'), await curvesPlot([
        { label: 'max |pred − meas| / meas over |λ′| ≤ |λ|', lambdas: radii.map((r) => r.radius), loss: radii.map((r) => r.maxRelativeError) },
      ], { title: `Second-order prediction error — ${dir!.spec}`, subtitle, xLabel: '|λ|', yLabel: 'relative error (log)', logY: true }))).png);
    }
  }
  out.say(`${dir!.spec}: L0 ${terms.loss.toPrecision(6)}, gᵀε ${terms.slope.toPrecision(4)}, εᵀHε ${terms.curvature.toPrecision(4)} (‖ε‖ ${Math.sqrt(terms.directionNorm2).toPrecision(4)}); measured: ${curve.type}${curve.uncertain === undefined ? '' : ` (confidence ${(100 * curve.typeConfidence!).toFixed(0)}%${curve.uncertain ? ', uncertain within its errors' : ''})`}`);
  for (const r of cmp.byRadius.filter((_, i, a) => i === a.length - 1 || i % Math.ceil(a.length / 5) === 0)) {
    out.say(`  |λ| ≤ ${r.radius.toPrecision(3)}: max relative error ${(100 * r.maxRelativeError).toFixed(3)}% (of the change: ${(100 * r.maxChangeError).toFixed(1)}%)`);
  }
  out.say(`results in ${run.path('result.json')}, measured curve in ${measured.run.dir}${plots.length ? `, figures: ${plots.join(', ')}` : ''}`);
  out.result({ ...result, dir: run.dir, plots });
}
