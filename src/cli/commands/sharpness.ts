// terrain sharpness: comparable sharpness of several models (or every checkpoint of a training directory) on the
// same data — λ_max, tr(H)/P, ε-sharpness, mean loss increase at radius r and basin width, each with its error —
// in one table (stdout, result.json, sharpness.csv) and one figure. The numerics live in core/sharpness.
import { statSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { trainingCheckpoints } from '../../core/explain/training-curvature.js';
import { HVP_METHODS } from '../../core/hessian/hvp-backends.js';
import { loadModelFile } from '../../core/model-file.js';
import { RunDir } from '../../core/runs/run-dir.js';
import { modelSharpness, type SharpnessStage } from '../../core/sharpness/measures.js';
import { orderings, sharpnessCsv, summaryRows, type SharpnessRow } from '../../core/sharpness/table.js';
import { errorBarsPlot } from '../../plot/error-bars.js';
import { writePlot } from '../../plot/index.js';
import { addDataOptions, addRuntimeOptions, checkCompatible, choiceOption, commandLine, intOption, numberOption, prepareData, type CurvatureRunFlags, type DataOptions } from '../common.js';
import { UsageError } from '../errors.js';
import { makeOutput } from '../output.js';
import { VERSION } from '../version.js';
import { PARAMS_HELP, paramsSelection } from './params-option.js';

interface SharpnessFlags extends DataOptions, CurvatureRunFlags {
  models: string;
  seed: number;
  traceSamples: number;
  epsilon: number;
  epsilonSteps: number;
  epsilonRestarts: number;
  directions: number;
  radius: number;
  norm: 'filter' | 'layer' | 'norm';
  delta: number;
  basinRange: number;
  basinSteps: number;
  bisections: number;
  params?: string;
}

export function registerSharpness(program: Command): void {
  const cmd = program.command('sharpness').description('compare models: λ_max, tr(H)/P, ε-sharpness, loss increase at radius r and basin width, with their errors')
    .requiredOption('--models <list>', 'comma-separated checkpoints (.safetensors/.onnx); a training directory stands for its init, epoch-N, step-N and final checkpoints');
  addDataOptions(cmd, 'train');
  addRuntimeOptions(cmd)
    .option('--seed <n>', 'seed of every random part: trace probes, Lanczos start, ε-box start, directions gaussian:seed=N+i', intOption('--seed'), 0)
    .option('--trace-samples <n>', 'Hutchinson probes for tr(H)', intOption('--trace-samples', 2), 20)
    .option('--epsilon <x>', 'ε of the ε-sharpness box |y_i| ≤ ε(|θ_i| + 1) (Keskar et al.: 1e-3, 5e-4)', numberOption('--epsilon'), 1e-3)
    .option('--epsilon-steps <n>', 'projected gradient-ascent steps in the box', intOption('--epsilon-steps', 1), 10)
    .option('--epsilon-restarts <n>', 'seeded random starts in the box (the best is kept)', intOption('--epsilon-restarts', 1), 1)
    .option('--directions <n>', 'k Gaussian directions for the loss increase and the basin width', intOption('--directions', 2), 10)
    .option('--radius <r>', 'λ at which the loss increase is measured', numberOption('--radius'), 0.5)
    .option('--norm <kind>', 'direction normalisation: filter (default) | layer | norm', choiceOption('--norm', ['filter', 'layer', 'norm'] as const), 'filter')
    .option('--delta <x>', 'basin: the loss may rise by δ (loss units) before the basin ends', numberOption('--delta'), 0.1)
    .option('--basin-range <x>', 'basin: search |λ| up to this (a side that never rises by δ is censored there)', numberOption('--basin-range'), 2)
    .option('--basin-steps <n>', 'basin: grid points per side before bisecting the first crossing', intOption('--basin-steps', 1), 20)
    .option('--bisections <n>', 'basin: bisection steps on the crossing', intOption('--bisections'), 12)
    .option('--params <regex>', `${PARAMS_HELP}; λ_max, tr(H)/P and the ε-box are then the subset's`)
    .option('--hvp <method>', 'exact (default) | fd', choiceOption('--hvp', HVP_METHODS), 'exact')
    .option('--tol <x>', 'Lanczos tolerance relative to ‖H‖', numberOption('--tol'), 1e-5)
    .option('--no-plots', 'skip the SVG/PNG figure')
    .requiredOption('--out <dir>', 'output directory')
    .action(async (flags: SharpnessFlags) => sharpness(flags));
}

/** Each entry of --models: a file, or a training directory's checkpoints in training order (`fromDirectory`). */
export function expandModels(list: string): { paths: string[]; fromDirectory: Set<string> } {
  const entries = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) throw new UsageError('--models: give at least one checkpoint, e.g. --models a/final.safetensors,b/final.safetensors');
  const paths: string[] = [];
  const fromDirectory = new Set<string>();
  for (const e of entries) {
    let isDir = false;
    try { isDir = statSync(e).isDirectory(); } catch { throw new UsageError(`--models: '${e}' does not exist; give checkpoint files or training directories`); }
    if (!isDir) { paths.push(e); continue; }
    trainingCheckpoints(e, '--models').forEach((p) => { paths.push(p); fromDirectory.add(p); });
  }
  if (new Set(paths).size !== paths.length) throw new UsageError(`--models names a checkpoint twice: ${paths.filter((p, i) => paths.indexOf(p) !== i).join(', ')}`);
  return { paths, fromDirectory };
}

/** Short distinct labels: the file name, with its directory where names repeat (a/final, b/final). */
function labels(paths: readonly string[]): string[] {
  const base = paths.map((p) => basename(p).replace(/\.(safetensors|onnx)$/, ''));
  return base.map((b, i) => (base.filter((x) => x === b).length > 1 ? `${basename(dirname(paths[i]!))}/${b}` : b));
}

async function sharpness(flags: SharpnessFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  for (const [flag, v] of [['--epsilon', flags.epsilon], ['--radius', flags.radius], ['--delta', flags.delta], ['--basin-range', flags.basinRange]] as const) {
    if (!(v > 0)) throw new UsageError(`${flag} ${v} must be positive`);
  }
  const { paths, fromDirectory } = expandModels(flags.models);
  const names = labels(paths);
  const models = paths.map((p) => loadModelFile(p));
  for (const m of models) paramsSelection(m.theta.layout, flags.params);
  const data = prepareData(flags, models[0]);
  for (const m of models) checkCompatible(m, data);
  const loss = data.loss && data.loss.name !== 'cross-entropy' ? data.loss : undefined;
  const options = {
    seed: flags.seed, traceSamples: flags.traceSamples, lanczosTol: flags.tol,
    epsilon: { epsilon: flags.epsilon, steps: flags.epsilonSteps, restarts: flags.epsilonRestarts },
    directions: { count: flags.directions, radius: flags.radius, norm: flags.norm },
    basin: { delta: flags.delta, maxLambda: flags.basinRange, gridSteps: flags.basinSteps, bisections: flags.bisections },
  };
  const run = await RunDir.open(flags.out, {
    kind: 'sharpness',
    identity: { models: models.map((m) => ({ path: m.path, sha256: m.hash })), data: data.selection, batchSize: flags.batch, params: flags.params ?? null, hvp: flags.hvp, ...options },
    info: { command: ['terrain', ...commandLine()], version: VERSION, started: new Date().toISOString(), cwd: process.cwd() },
  });
  // Progress in stages per model: Hessian products are counted as they come, the rest by their planned sizes.
  const perModel = flags.traceSamples + 1 + flags.epsilonRestarts * (flags.epsilonSteps + 1) + 2 * flags.directions;
  const bar = out.progress(`sharpness (${models.length} model${models.length > 1 ? 's' : ''})`, perModel * models.length);
  const t0 = Date.now();
  const rows: SharpnessRow[] = [];
  try {
    for (let k = 0; k < models.length; k++) {
      const m = models[k]!;
      const stageDone = new Map<SharpnessStage, number>();
      const measures = await modelSharpness(m, data.batches, {
        ...options, params: paramsSelection(m.theta.layout, flags.params), threads: flags.threads, loss, hvp: flags.hvp,
        onProgress: (stage, done) => {
          stageDone.set(stage, stage === 'hessian' ? Math.min(done, flags.traceSamples + 1) : done);
          const finished = k * perModel + [...stageDone.values()].reduce((s, v) => s + v, 0);
          bar.update(finished, ((Date.now() - t0) / Math.max(finished, 1)) * (perModel * models.length - finished));
        },
      });
      // An epoch only orders checkpoints of one training run; separate models are not placed on a time axis.
      const epoch = fromDirectory.has(paths[k]!) ? Number((m.meta as { epoch?: unknown } | undefined)?.epoch ?? NaN) : NaN;
      rows.push({ model: names[k]!, path: m.path, epoch, measures });
    }
  } finally {
    bar.stop();
  }
  const order = orderings(rows);
  const result = {
    // `table` first: the flat per-model summary that generic viewers read as the run's records.
    kind: 'sharpness', table: summaryRows(rows), models: rows.map((r) => ({ name: r.model, path: r.path, epoch: Number.isFinite(r.epoch) ? r.epoch : null, ...r.measures })),
    orderings: order.orders, orderingsAgree: order.agree, samples: data.selection.count, params: flags.params ?? null, options,
  };
  await run.writeResult(result);
  writeFileSync(run.path('sharpness.csv'), sharpnessCsv(rows));
  const plots: string[] = [];
  if (flags.plots) {
    const ms = rows.map((r) => r.measures);
    plots.push((await writePlot(run.path('sharpness'), await errorBarsPlot(names, [
      { label: 'λ_max (± residual)', values: ms.map((m) => m.lambdaMax.value), errors: ms.map((m) => m.lambdaMax.residual) },
      { label: 'tr(H)/P', values: ms.map((m) => m.traceOverP.mean), errors: ms.map((m) => m.traceOverP.stderr) },
      { label: `ε-sharpness (ε=${flags.epsilon})`, values: ms.map((m) => m.epsilonSharpness.increase) },
      { label: `loss increase at r=${flags.radius}`, values: ms.map((m) => m.lossIncrease.mean), errors: ms.map((m) => m.lossIncrease.stderr) },
      { label: `basin width (δ=${flags.delta})`, values: ms.map((m) => m.basinWidth.mean), errors: ms.map((m) => m.basinWidth.stderr) },
    ], {
      title: `Sharpness of ${rows.length} model${rows.length > 1 ? 's' : ''}`,
      subtitle: `${data.selection.source} (${data.selection.split}, ${data.selection.count} samples), BN eval${flags.params ? `, parameters /${flags.params}/` : ''}; bars: ± standard error (λ_max: ± Lanczos residual)`,
    }))).png);
  }
  const f = (v: number, e?: number) => (e !== undefined && Number.isFinite(e) ? `${v.toPrecision(4)} ± ${e.toPrecision(2)}` : v.toPrecision(4));
  out.say(['model'.padEnd(20), 'loss'.padStart(8), 'λ_max'.padStart(20), 'tr(H)/P'.padStart(22), 'ε-sharp'.padStart(10), `ΔL(r=${flags.radius})`.padStart(22), `width(δ=${flags.delta})`.padStart(20)].join(' '));
  for (const r of rows) {
    const m = r.measures;
    out.say([r.model.padEnd(20), m.loss.toFixed(4).padStart(8), f(m.lambdaMax.value, m.lambdaMax.residual).padStart(20), f(m.traceOverP.mean, m.traceOverP.stderr).padStart(22),
      m.epsilonSharpness.increase.toPrecision(3).padStart(10), f(m.lossIncrease.mean, m.lossIncrease.stderr).padStart(22),
      `${f(m.basinWidth.mean, m.basinWidth.stderr)}${m.basinWidth.censored ? '≥' : ''}`.padStart(20)].join(' '));
  }
  if (rows.length > 1) out.say(`orderings (flattest first) ${order.agree ? 'agree' : 'differ'}: ${Object.entries(order.orders).map(([k, v]) => `${k}: ${v.join(' < ')}`).join('; ')}`);
  out.say(`results in ${run.path('result.json')}, ${run.path('sharpness.csv')}${plots.length ? `, figure: ${plots.join(', ')}` : ''}`);
  out.result({ ...result, dir: run.dir, plots });
}
