// terrain layers: which block makes the landscape sharp — one Gaussian curve per block of tensors on one figure, and
// a table of each block's normalised curvature εᵀHε/‖ε‖² and the top eigenvalue of the Hessian restricted to it.
import type { Command } from 'commander';
import { groupByPrefix } from '../../core/directions/param-subset.js';
import { BIAS_BN_MODES, type BiasBnMode } from '../../core/directions/spec.js';
import { HVP_METHODS } from '../../core/hessian/hvp-backends.js';
import { loadModelFile } from '../../core/model-file.js';
import { linspace, parseRange } from '../../core/runs/grid.js';
import { RunDir } from '../../core/runs/run-dir.js';
import { blockLandscapes } from '../../core/sharpness/blocks.js';
import { curvesPlot, writePlot } from '../../plot/index.js';
import { addModelDataOptions, checkCompatible, choiceOption, commandLine, intOption, numberOption, prepareData, type CurvatureRunFlags, type DataOptions } from '../common.js';
import { UsageError } from '../errors.js';
import { etaMs, makeOutput } from '../output.js';
import { VERSION } from '../version.js';

interface LayersFlags extends DataOptions, CurvatureRunFlags {
  model: string;
  weights?: string;
  groupDepth: number;
  seed: number;
  norm: 'filter' | 'layer' | 'norm';
  biasBn: BiasBnMode;
  range: string;
}

export function registerLayers(program: Command): void {
  const cmd = program.command('layers').description('per-block landscapes: one Gaussian curve per block of tensors, its curvature εᵀHε/‖ε‖² and the top eigenvalue of its Hessian block');
  addModelDataOptions(cmd, 'train')
    .option('--group-depth <n>', 'a block is the tensors sharing the first N dot-separated name parts (1: layer1, 2: layer1.0); never narrower than a layer', intOption('--group-depth', 1), 1)
    .option('--seed <n>', 'the direction of every block is gaussian:seed=N restricted to the block', intOption('--seed'), 0)
    .option('--norm <kind>', 'direction normalisation inside each block: filter (default) | layer | norm', choiceOption('--norm', ['filter', 'layer', 'norm'] as const), 'filter')
    .option('--bias-bn <mode>', '1-D tensors (biases, BN): zero (default, a block of them alone is skipped) | keep | norm | copy', choiceOption('--bias-bn', BIAS_BN_MODES), 'zero')
    .option('--range <A:B:N>', 'λ grid of each curve (must contain 0)', '-1:1:21')
    .option('--hvp <method>', 'exact (default) | fd', choiceOption('--hvp', HVP_METHODS), 'exact')
    .option('--tol <x>', 'Lanczos tolerance relative to ‖H‖', numberOption('--tol'), 1e-5)
    .option('--no-plots', 'skip the SVG/PNG figure')
    .requiredOption('--out <dir>', 'output directory')
    .action(async (flags: LayersFlags) => layers(flags));
}

async function layers(flags: LayersFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const lambdas = linspace(parseRange(flags.range, '--range')).map((l) => (Math.abs(l) < 1e-12 ? 0 : l));
  if (!lambdas.includes(0)) throw new UsageError(`--range ${flags.range} must contain λ = 0 (the trained point); use an odd count over a symmetric range, e.g. -1:1:21`);
  const m = loadModelFile(flags.model, { weights: flags.weights });
  const data = prepareData(flags, m);
  checkCompatible(m, data);
  const loss = data.loss && data.loss.name !== 'cross-entropy' ? data.loss : undefined;
  const run = await RunDir.open(flags.out, {
    kind: 'layers',
    identity: {
      model: { path: m.path, sha256: m.hash, arch: m.model.spec.arch }, data: data.selection, batchSize: flags.batch, groupDepth: flags.groupDepth,
      direction: `gaussian:norm=${flags.norm}:seed=${flags.seed}:bias-bn=${flags.biasBn}:scale=1`, range: flags.range, hvp: flags.hvp, tol: flags.tol,
    },
    info: { command: ['terrain', ...commandLine()], version: VERSION, started: new Date().toISOString(), cwd: process.cwd() },
  });
  const blockCount = groupByPrefix(m.theta.layout, flags.groupDepth).length + 1;
  const bar = out.progress(`layers (${blockCount - 1} blocks and all parameters)`, blockCount * (lambdas.length + 2));
  const t0 = Date.now();
  let blocks;
  try {
    blocks = await blockLandscapes(m, data.batches, {
      depth: flags.groupDepth, seed: flags.seed, norm: flags.norm, biasBn: flags.biasBn, lambdas, lanczosTol: flags.tol, threads: flags.threads, loss, hvp: flags.hvp,
      onProgress: (done, total) => bar.update(done, etaMs(t0, done, total)),
    });
  } finally {
    bar.stop();
  }
  const result = {
    kind: 'layers', lambdas, groupDepth: flags.groupDepth, direction: `gaussian:norm=${flags.norm}:seed=${flags.seed}:bias-bn=${flags.biasBn}:scale=1`,
    // `label` names each block's curve in the report and viewer, which draw curves nested under a shared λ grid.
    samples: data.selection.count, blocks: blocks.map((b) => ({ label: b.block, ...b })),
  };
  await run.writeResult(result);
  const plots: string[] = [];
  const drawn = blocks.filter((b) => b.loss);
  if (flags.plots && drawn.length > 0) {
    plots.push((await writePlot(run.path('layers'), await curvesPlot(drawn.map((b) => ({ label: b.block, lambdas, loss: b.loss!, type: b.type })), {
      title: `Per-block Gaussian curves — ${m.path}`,
      subtitle: `${data.selection.source} (${data.selection.split}, ${data.selection.count} samples), BN eval, gaussian:norm=${flags.norm}:seed=${flags.seed}:bias-bn=${flags.biasBn} restricted to each block`,
    }))).png);
  }
  out.say(`${'block'.padEnd(24)} ${'tensors'.padStart(7)} ${'params'.padStart(9)}  ${'εᵀHε/‖ε‖²'.padStart(11)}  ${'λ_max'.padStart(11)}  type`);
  for (const b of blocks) {
    const row = `${b.block.padEnd(24)} ${String(b.tensors.length).padStart(7)} ${b.parameters.toLocaleString('en').padStart(9)}`;
    out.say(b.skipped ? `${row}  skipped: ${b.skipped}` : `${row}  ${b.curvature!.toExponential(3).padStart(11)}  ${b.lambdaMax!.value.toExponential(3).padStart(11)}  ${b.type}`);
  }
  const sharpest = blocks.filter((b) => b.block !== '(all)' && b.lambdaMax).sort((a, b) => b.lambdaMax!.value - a.lambdaMax!.value)[0];
  if (sharpest) out.say(`sharpest block by λ_max: ${sharpest.block} (${sharpest.lambdaMax!.value.toPrecision(4)}); per-block curves with: terrain curve --params '${sharpest.pattern}'`);
  out.say(`results in ${run.path('result.json')}${plots.length ? `, figure: ${plots.join(', ')}` : ''}`);
  out.result({ ...result, dir: run.dir, plots });
}
