// terrain reproduce: the paper's claims (arXiv 2405.12493) re-derived with the commands users run — train, gmi,
// hessian --checkpoints, curve, explain — then one row per claim and setting in OUT/REPRODUCTION.md and OUT/claims.json,
// and an HTML report of every run. Finished steps (a result.json or final checkpoint present) are not redone.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { mliMetrics } from '../../core/explain/mli.js';
import {
  BUDGETS, CLAIMS, budget as budgetOf, claimsMarkdown, fmt, gmiRow, gmiWhyRow, minedShapesRow, minedSurfacesRow, mliRow, mliWhyRow,
  negGradientRow, notMeasuredRow, rareShapesRow, rulesMarkdown, surfaceShape, traceEpochs, traceTrainingRow, twoSolutionsRow,
  type Budget, type BudgetName, type ClaimRow, type CurveMeasure, type GmiMeasure, type MineMeasure, type MliMeasure, type Setting,
  type SurfaceGrid, type SurfaceMeasure, type TraceMeasure, zoomHalfWidth, closerLookHalfWidth,
} from '../../core/reproduce/index.js';
import { choiceOption } from '../common.js';
import { UsageError } from '../errors.js';
import { makeOutput, type Output } from '../output.js';
import { VERSION } from '../version.js';
import { formatTolerance, type AdaptiveOptions } from '../../core/landscape/adaptive.js';
import { runLandscapeStep, type LandscapeStep } from './landscape.js';
import { addToleranceOptions, toleranceOptions, type ToleranceFlags } from './tolerance-options.js';

interface ReproduceFlags extends ToleranceFlags { out: string; quick?: boolean; budget?: BudgetName; settings?: string; report: boolean; json?: boolean }
interface StepTime { step: string; setting: string; seconds: number; skipped: boolean }
interface Curve { lambdas: number[]; loss: number[]; type: string; uncertain?: boolean }

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

async function commandNames(): Promise<string[]> {
  const { buildProgram } = await import('../main-program.js');
  return buildProgram().commands.map((c) => c.name());
}

/**
 * Runs one terrain command in-process with --json, its stdout swallowed (only reproduce's own lines are shown): the
 * steps whose commands (train, gmi, hessian, explain, mine, report) do not yet have a job in core; curves and
 * surfaces call theirs directly.
 */
async function sub(args: string[]): Promise<void> {
  const { buildProgram } = await import('../main-program.js');
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    await buildProgram().parseAsync(['node', 'terrain', ...args, '--json']);
  } finally {
    process.stdout.write = write;
  }
}

class Steps {
  readonly times: StepTime[] = [];
  constructor(private readonly out: Output) {}

  /** Runs `work` (terrain arguments, or a job called directly) unless `done` exists already; logs and records the wall time. */
  async run(setting: string, step: string, done: string, work: string[] | (() => Promise<void>)): Promise<void> {
    const skipped = existsSync(done);
    const t0 = Date.now();
    if (!skipped) await (Array.isArray(work) ? sub(work) : work());
    const seconds = (Date.now() - t0) / 1000;
    this.times.push({ step, setting, seconds, skipped });
    this.out.say(`  ${setting} ${step}: ${skipped ? 'done earlier' : `${seconds.toFixed(1)} s`}`);
  }
}

/** A curve or surface step, run as the job itself (same run directory and identity as `terrain curve|surface`). */
function landscape(kind: 'curve' | 'surface', s: Setting, model: string, specs: string[], ranges: string[], out: string, extra: Partial<LandscapeStep> = {}): () => Promise<void> {
  return () => runLandscapeStep(kind, { model, data: s.data, ...(s.evalSamples ? { samples: s.evalSamples } : {}), specs, ranges, out, ...extra });
}

function dataArgs(s: Setting): string[] {
  return ['--data', s.data, ...(s.evalSamples ? ['--samples', String(s.evalSamples)] : [])];
}

const epochFile = (e: number): string => `epoch-${String(e).padStart(3, '0')}.safetensors`;

/** Every experiment of one setting, its claim rows; `tolArgs` (--tolerance …) go to the steps whose verdict is a curve type. */
async function runSetting(s: Setting, b: Budget, root: string, steps: Steps, mining: boolean, tolArgs: readonly string[], adaptive?: AdaptiveOptions): Promise<ClaimRow[]> {
  const tol = adaptive ? { adaptive } : {};
  const dir = join(root, s.id);
  const trainDir = (seed: number): string => join(dir, `train-seed${seed}`);
  const final = (seed: number): string => join(trainDir(seed), 'final.safetensors');
  const range = `-1:1:${b.points}`;
  const gmis: GmiMeasure[] = [], traces: TraceMeasure[] = [], mlis: MliMeasure[] = [], grads: CurveMeasure[] = [];
  const gradNotes: string[] = [];

  for (const seed of b.seeds) {
    await steps.run(s.id, `train seed ${seed}`, join(trainDir(seed), 'train.json'), [
      'train', '--model', s.arch, '--data', s.data, ...(s.trainSamples ? ['--samples', String(s.trainSamples)] : []),
      '--epochs', String(s.epochs), '--batch', String(s.batch), '--lr', String(s.lr), ...(s.weightDecay !== undefined ? ['--weight-decay', String(s.weightDecay)] : []), '--seed', String(seed), '--save-every', String(b.saveEvery), '--out', trainDir(seed),
    ]);

    // GMI: Gaussian filter-normalised directions through the trained θ; seeds differ between models.
    const gmiDir = join(dir, `gmi-seed${seed}`);
    await steps.run(s.id, `gmi seed ${seed}`, join(gmiDir, 'result.json'), [
      'gmi', '--model', final(seed), ...dataArgs(s), '--directions', String(b.directions), '--seed', String(1000 * seed),
      '--range', `-1:1:${b.gmiPoints}`, '--trace-samples', String(b.traceSamples), ...tolArgs, '--out', gmiDir,
    ]);
    const g = readJson<{ directions: { measuredType: string; normalisedCurvature: number; slope: number; curvature: number; uncertain?: boolean }[]; predictedVBasinFraction: number; traceOverP?: { mean: number; stderr: number } }>(join(gmiDir, 'result.json'));
    gmis.push({
      ...(g.directions.some((d) => d.uncertain !== undefined) ? { uncertain: g.directions.map((d) => d.uncertain === true) } : {}),
      seed, types: g.directions.map((d) => d.measuredType), normalisedCurvatures: g.directions.map((d) => d.normalisedCurvature),
      slopes: g.directions.map((d) => d.slope), curvatures: g.directions.map((d) => d.curvature), predictedVBasinFraction: g.predictedVBasinFraction,
      ...(g.traceOverP ? { traceOverP: g.traceOverP } : {}),
    });

    // tr(H) at init and at epochs 1, 2, 5, 10, … (copies in their own folder: hessian --checkpoints reads a folder).
    const traceDir = join(dir, `trace-seed${seed}`), picked = join(dir, `trace-checkpoints-seed${seed}`);
    mkdirSync(picked, { recursive: true });
    for (const f of ['init.safetensors', ...traceEpochs(s.epochs).map(epochFile)]) copyFileSync(join(trainDir(seed), f), join(picked, f));
    await steps.run(s.id, `tr(H) over checkpoints seed ${seed}`, join(traceDir, 'result.json'), [
      'hessian', '--checkpoints', picked, ...dataArgs(s), '--trace-samples', String(b.traceSamples), '--seed', String(seed), '--out', traceDir,
    ]);
    traces.push({ seed, checkpoints: readJson<{ checkpoints: TraceMeasure['checkpoints'] }>(join(traceDir, 'result.json')).checkpoints });

    // MLI: init → final, BN statistics interpolated with the weights; expansion at θ_final along θ_init − θ_final.
    const init = join(trainDir(seed), 'init.safetensors');
    const mliDir = join(dir, `mli-seed${seed}`);
    await steps.run(s.id, `MLI curve seed ${seed}`, join(mliDir, 'result.json'), landscape('curve', s, init, [`to:${final(seed)}`], [`0:1:${b.points}`], mliDir, { bn: 'perturb' }));
    const whyDir = join(dir, `mli-explain-seed${seed}`);
    await steps.run(s.id, `MLI expansion seed ${seed}`, join(whyDir, 'result.json'), [
      'explain', '--model', final(seed), ...dataArgs(s), '--direction', `to:${init}`, '--range', '-0.1:0.1:5', '--out', whyDir,
    ]);
    const c = readJson<Curve>(join(mliDir, 'result.json'));
    const m = mliMetrics(c.lambdas, c.loss);
    const terms = readJson<{ terms: { slope: number; curvature: number } }>(join(whyDir, 'result.json')).terms;
    mlis.push({ seed, monotone: m.monotone, maxRise: m.maxRise, bumpHeights: m.bumps.map((x) => x.height), lossStart: m.lossStart, lossEnd: m.lossEnd, slope: terms.slope, curvature: terms.curvature });

    // The negative gradient (filter-normalised) at an early checkpoint, on λ ∈ [−1, 1], then zoomed so that the basin
    // it descends into is resolved: filter-normalised λ = 1 is a step as long as θ itself, and the basin's bottom λ̂
    // (parabola through the wide curve's lowest grid point) can be a few hundredths. The zoom spans ±3λ̂, so θ would
    // sit a third of the way up a quadratic basin's wall: v-side if the curve is what the claim says.
    const early = join(trainDir(seed), epochFile(s.earlyEpoch));
    // On [−h, h]: the wide curve (h = 1), the zoom (±3λ̂), then closer looks while its bottom is only one or two grid
    // steps from θ (ResNet-20's is at λ ≈ 0.002–0.003), twice at most.
    const gradientCurve = async (name: string, h: number): Promise<Curve> => {
      const curveDir = join(dir, `${name}-seed${seed}`);
      const curveRange = `${-h}:${h}:${b.points}`;
      await steps.run(s.id, `negative gradient at epoch ${s.earlyEpoch}, λ ${curveRange} seed ${seed}`, join(curveDir, 'result.json'), landscape('curve', s, early, ['gradient'], [curveRange], curveDir, tol));
      return readJson<Curve>(join(curveDir, 'result.json'));
    };
    const wide = await gradientCurve('neg-gradient', 1);
    let half = zoomHalfWidth(wide);
    let gc = await gradientCurve('neg-gradient-near', half);
    for (let look = 2; look <= 3; look++) {
      const closer = closerLookHalfWidth(gc);
      if (closer === undefined) break;
      half = closer;
      gc = await gradientCurve(`neg-gradient-near${look}`, half);
    }
    const i0 = gc.lambdas.findIndex((l) => Math.abs(l) < 1e-9);
    const iMin = gc.loss.indexOf(Math.min(...gc.loss));
    grads.push({ seed, type: gc.type, ...(gc.uncertain !== undefined ? { uncertain: gc.uncertain } : {}) });
    gradNotes.push(`seed ${seed}: ${wide.type} on [−1, 1]; on [−${fmt(half)}, ${fmt(half)}] L(0) ${fmt(gc.loss[i0] ?? NaN)} → min ${fmt(gc.loss[iMin]!)} at λ = ${fmt(gc.lambdas[iMin]!)}`);
  }

  const rows = [gmiRow(s.id, gmis), gmiWhyRow(s.id, gmis), traceTrainingRow(s.id, traces), mliRow(s.id, mlis), mliWhyRow(s.id, mlis)];
  if (b.seeds.length >= 2) {
    const [a, z] = [b.seeds[0]!, b.seeds[1]!];
    // BN statistics recomputed at every point: the only mode whose λ = 1 is the second model and whose extrapolation
    // stays a network (with perturb, ResNet-20's extrapolated running variances collapse; docs/fashion-mnist.md).
    const twoDir = join(dir, `two-solutions-bn-recompute-seed${a}-seed${z}`);
    await steps.run(s.id, `seed ${a} → seed ${z} curve`, join(twoDir, 'result.json'), landscape('curve', s, final(a), [`to:${final(z)}`], [`-0.5:1.5:${b.points}`], twoDir, { bn: 'recompute', ...tol }));
    const tc = readJson<Curve>(join(twoDir, 'result.json'));
    const inside = tc.lambdas.map((l, i) => [l, tc.loss[i]!] as const).filter(([l]) => l >= 0 && l <= 1).map(([, v]) => v);
    const at = (x: number): number => tc.loss[tc.lambdas.reduce((bi, l, i) => (Math.abs(l - x) < Math.abs(tc.lambdas[bi]! - x) ? i : bi), 0)]!;
    const barrier = Math.max(...inside) - Math.max(at(0), at(1));
    rows.push(twoSolutionsRow(s.id, [{ seed: a, type: tc.type, ...(tc.uncertain !== undefined ? { uncertain: tc.uncertain } : {}) }], `barrier between them ${fmt(barrier)} above the higher end (L = ${fmt(at(0))}, ${fmt(at(1))})`));
  } else {
    rows.push(notMeasuredRow(CLAIMS.twoSolutions, s.id, 'this budget trains one seed'));
  }
  rows.push(negGradientRow(s.id, grads, gradNotes.join('; ')), rareShapesRow(s.id, gmis));
  if (mining) rows.push(...await mineSetting(s, b, dir, final(b.seeds[0]!), steps, gmis, tolArgs));
  else {
    const why = 'mining unavailable (no terrain mine command in this build)';
    rows.push(notMeasuredRow(CLAIMS.minedShapes, s.id, why), notMeasuredRow(CLAIMS.minedSurfaces, s.id, why));
  }
  return rows;
}

/** Mined w-peak and vvv-basin directions on the first seed's model, then the surfaces they span. */
async function mineSetting(s: Setting, b: Budget, dir: string, model: string, steps: Steps, gmis: GmiMeasure[], tolArgs: readonly string[]): Promise<ClaimRow[]> {
  const mined: MineMeasure[] = [];
  const wpeak: string[] = [];
  for (const shape of ['w-peak', 'vvv-basin'] as const) {
    const mineDir = join(dir, `mine-${shape}`);
    const tuned = s.mine ? ['--lambda0', String(s.mine.lambda0[shape]), '--mine-batch', String(s.mine.batch), '--lr', String(s.mine.lr[shape])] : [];
    const mineSteps = s.mine?.steps[shape] ?? b.mine.steps;
    await steps.run(s.id, `mine ${shape}`, join(mineDir, 'result.json'), [
      'mine', '--model', model, '--data', s.data, ...(s.evalSamples ? ['--samples', String(s.evalSamples), '--judge-samples', String(s.evalSamples)] : []),
      '--shape', shape, '--restarts', String(b.mine.restarts), '--steps', String(mineSteps), '--in-sample', String(s.evalSamples ?? 1000), ...tuned, ...tolArgs, '--out', mineDir,
    ]);
    const r = readJson<{ seeds: { type: string; inSampleType: string | null; direction: string }[]; successes: number }>(join(mineDir, 'result.json'));
    mined.push({ shape, types: r.seeds.map((x) => x.type), successes: r.successes, inSampleTypes: r.seeds.map((x) => x.inSampleType) });
    // Surfaces are drawn on training data: directions that make a w-peak there.
    if (shape === 'w-peak') wpeak.push(...r.seeds.filter((x) => x.inSampleType === 'w-peak').map((x) => x.direction));
  }
  const rows = [minedShapesRow(s.id, mined, gmis)];
  if (wpeak.length === 0) return [...rows, notMeasuredRow(CLAIMS.minedSurfaces, s.id, 'no mined direction makes a w-peak on training data')];
  const n = b.mine.surfacePoints;
  const span = 2 * (s.mine?.lambda0['w-peak'] ?? 1); // the w-peak's walls: ±2λ₀ (default λ₀ = 1)
  const surface = async (name: string, x: string, y: string, axes: string, want: SurfaceMeasure['want']): Promise<SurfaceMeasure> => {
    const out = join(dir, name);
    await steps.run(s.id, `surface ${axes}`, join(out, 'result.json'), landscape('surface', s, model, [x, y], [`${-span}:${span}:${n}`, `${-span}:${span}:${n}`], out));
    const shape = surfaceShape(readJson<SurfaceGrid>(join(out, 'result.json')));
    return { axes, want, shape: shape.shape, rays: shape.rays };
  };
  const surfaces = [await surface('surface-saddle', `mined:${wpeak[0]}`, 'gaussian:norm=filter:seed=777', 'mined w-peak × Gaussian', 'saddle')];
  if (wpeak.length >= 2) surfaces.push(await surface('surface-wine-bottle', `mined:${wpeak[0]}`, `mined:${wpeak[1]}`, 'mined w-peak × mined w-peak', 'wine-bottle'));
  return [...rows, minedSurfacesRow(s.id, surfaces)];
}

function markdown(b: Budget, rows: readonly ClaimRow[], times: readonly StepTime[], wall: number, started: string, tolerance?: string): string {
  const settings = b.settings.map((s) => `- **${s.id}**: ${s.arch} on ${s.data}${s.trainSamples ? ` (${s.trainSamples} training samples)` : ''}, ${s.epochs} epochs, batch ${s.batch}, lr ${s.lr}, weight decay ${s.weightDecay ?? 5e-4} (SGD momentum 0.9, cosine)${s.mine ? `; mining λ₀ ${s.mine.lambda0['w-peak']} / ${s.mine.lambda0['vvv-basin']} (w-peak / vvv-basin), minibatch ${s.mine.batch}, lr ${s.mine.lr['w-peak']} / ${s.mine.lr['vvv-basin']}` : ''}; landscape on ${s.evalSamples ? `${s.evalSamples} training samples` : 'the whole training split'}`).join('\n');
  const bySetting = new Map<string, number>();
  for (const t of times) bySetting.set(t.setting, (bySetting.get(t.setting) ?? 0) + t.seconds);
  return `# terrain reproduce — budget ${b.name}\n\nterrain ${VERSION}, started ${started}, wall time ${(wall / 60).toFixed(1)} min.\n` +
    `Seeds ${b.seeds.join(', ')}; ${b.directions} Gaussian directions per model; ${b.points} points per curve; ${b.traceSamples} Hutchinson probes.${tolerance ? ` Curve types at --tolerance ${tolerance} (paired errors; an uncertain type counts against its claim).` : ''}\n\n${settings}\n\n` +
    `${claimsMarkdown(rows)}\n## How each verdict is decided\n\n${rulesMarkdown(rows)}\n## Step times\n\n| setting | step | seconds |\n|---|---|---|\n` +
    times.map((t) => `| ${t.setting} | ${t.step} | ${t.skipped ? 'done earlier' : t.seconds.toFixed(1)} |`).join('\n') +
    `\n\nPer setting: ${[...bySetting].map(([k, v]) => `${k} ${(v / 60).toFixed(1)} min`).join(', ')}.\n`;
}

export function registerReproduce(program: Command): void {
  const cmd = program.command('reproduce').description('re-derive the paper\'s claims (GMI, tr(H) > 0, MLI, w-basins, v-sides, mined shapes) with numbers: a markdown table, claims.json and an HTML report')
    .requiredOption('--out <dir>', 'output directory (finished steps in it are reused)')
    .option('--quick', 'the quick budget: digits MLP and CNN only (same as --budget quick)')
    .option('--budget <name>', 'tiny (smoke test, seconds) | quick (digits, ≤ 15 min on 2 cores) | full (adds Fashion-MNIST MLP and ResNet-20)', choiceOption('--budget', BUDGETS))
    .option('--settings <ids>', 'only these settings of the budget, comma-separated (e.g. digits-mlp,fmnist-mlp); finished steps of others are left alone')
    .option('--no-report', 'skip the HTML report')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (flags: ReproduceFlags) => reproduce(flags));
  addToleranceOptions(cmd, 'the curves whose types are verdicts (gmi, gradient and two-solution curves, mining\'s judging curves; MLI curves stay exhaustive)');
}

/** The budget restricted to the settings named in --settings (all of them when absent). */
function selectSettings(b: Budget, ids: string | undefined): Budget {
  if (ids === undefined) return b;
  const wanted = ids.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const known = b.settings.map((s) => s.id);
  const unknown = wanted.filter((id) => !known.includes(id));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new UsageError(`--settings: ${unknown.length ? `'${unknown.join("', '")}' is not a setting of budget ${b.name}` : 'no setting named'}; choose from ${known.join(', ')}`);
  }
  return { ...b, settings: b.settings.filter((s) => wanted.includes(s.id)) };
}

async function reproduce(flags: ReproduceFlags): Promise<void> {
  const out = makeOutput(!!flags.json);
  const b = selectSettings(budgetOf(flags.budget ?? (flags.quick ? 'quick' : 'full')), flags.settings);
  const adaptive = toleranceOptions(flags);
  const tolArgs = adaptive ? ['--tolerance', formatTolerance(adaptive.tolerance), '--min-samples', String(adaptive.minSamples), '--sample-seed', String(adaptive.seed)] : [];
  const tolerance = adaptive ? { tolerance: formatTolerance(adaptive.tolerance), minSamples: adaptive.minSamples, permutationSeed: adaptive.seed } : undefined;
  mkdirSync(flags.out, { recursive: true });
  const started = new Date().toISOString();
  const t0 = Date.now();
  const names = await commandNames();
  const steps = new Steps(out);
  const rows: ClaimRow[] = [];
  out.say(`== terrain reproduce, budget ${b.name}: ${b.settings.map((s) => s.id).join(', ')}, seeds ${b.seeds.join(', ')} → ${flags.out}`);
  for (const s of b.settings) rows.push(...await runSetting(s, b, flags.out, steps, names.includes('mine'), tolArgs, adaptive));
  const wall = (Date.now() - t0) / 1000;
  const md = markdown(b, rows, steps.times, wall, started, tolerance?.tolerance);
  writeFileSync(join(flags.out, 'REPRODUCTION.md'), md);
  writeFileSync(join(flags.out, 'claims.json'), JSON.stringify({ kind: 'reproduce', version: VERSION, budget: b, ...(tolerance ? { tolerance } : {}), started, wallSeconds: wall, rows, steps: steps.times }, null, 1) + '\n');
  let report: string | undefined;
  if (flags.report && names.includes('report')) {
    report = join(flags.out, 'report.html');
    await sub(['report', flags.out, '--out', report, '--title', `terrain reproduce (${b.name})`]);
  }
  out.say('');
  out.say(claimsMarkdown(rows));
  const count = (v: string): number => rows.filter((r) => r.verdict === v).length;
  out.say(`${count('holds')} hold, ${count('fails')} fail, ${count('not measured')} not measured; wall time ${(wall / 60).toFixed(1)} min`);
  out.say(`table: ${join(flags.out, 'REPRODUCTION.md')}, numbers: ${join(flags.out, 'claims.json')}${report ? `, report: ${report}` : ''}`);
  out.result({ out: flags.out, budget: b.name, wallSeconds: wall, rows, report: report ?? null });
}
