// The experiments of one reproduce setting, each a function: train, GMI, tr(H) over checkpoints, MLI, the negative
// gradient, two solutions, mining and its surfaces. Each step calls the job of the command users run (same run
// directory, identity and files), is skipped when its result is already there, and prints nothing of its own.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { mliMetrics } from '../../core/explain/mli.js';
import {
  CLAIMS, fmt, gmiRow, gmiWhyRow, mliRow, mliWhyRow, negGradientRow, notMeasuredRow, rareShapesRow, traceEpochs, traceTrainingRow, twoSolutionsRow,
  zoomHalfWidth, closerLookHalfWidth,
  type ClaimRow, type CurveMeasure, type GmiMeasure, type MliMeasure, type TraceMeasure,
} from '../../core/reproduce/index.js';
import { registerExplain, runExplain, type ExplainFlags } from './explain.js';
import { registerGmi, runGmi, type GmiFlags } from './gmi.js';
import { registerHessian, runOverTraining, type HessianFlags } from './hessian.js';
import { mineSetting } from './reproduce-mine.js';
import { dataFlags, epochFile, finalOf, landscape, readJson, silent, trainDir, type Curve, type SettingRun } from './reproduce-run.js';
import { stepFlags, toleranceFlags } from './step-flags.js';
import { registerTrain, runTrain, type TrainFlags } from './train.js';

/** Every experiment of one setting, its claim rows. */
export async function runSetting(r: SettingRun): Promise<ClaimRow[]> {
  const { s, b } = r;
  const gmis: GmiMeasure[] = [], traces: TraceMeasure[] = [], mlis: MliMeasure[] = [], grads: CurveMeasure[] = [];
  const gradNotes: string[] = [];
  for (const seed of b.seeds) {
    await trainStep(r, seed);
    gmis.push(await gmiStep(r, seed));
    traces.push(await traceStep(r, seed));
    mlis.push(await mliStep(r, seed));
    const g = await negGradientStep(r, seed);
    grads.push(g.measure);
    gradNotes.push(g.note);
  }
  const rows = [gmiRow(s.id, gmis), gmiWhyRow(s.id, gmis), traceTrainingRow(s.id, traces), mliRow(s.id, mlis), mliWhyRow(s.id, mlis)];
  rows.push(b.seeds.length >= 2 ? await twoSolutionsStep(r, b.seeds[0]!, b.seeds[1]!) : notMeasuredRow(CLAIMS.twoSolutions, s.id, 'this budget trains one seed'));
  rows.push(negGradientRow(s.id, grads, gradNotes.join('; ')), rareShapesRow(s.id, gmis));
  rows.push(...await mineSetting(r, finalOf(r, b.seeds[0]!), gmis));
  return rows;
}

async function trainStep(r: SettingRun, seed: number): Promise<void> {
  const { s, b } = r;
  const out = trainDir(r, seed);
  await r.steps.run(s.id, `train seed ${seed}`, join(out, 'train.json'), () => runTrain(stepFlags<TrainFlags>(registerTrain, 'train', {
    model: s.arch, data: s.data, samples: s.trainSamples, epochs: s.epochs, batch: s.batch, lr: s.lr, weightDecay: s.weightDecay, seed, saveEvery: b.saveEvery, out,
  }), silent));
}

/** GMI: Gaussian filter-normalised directions through the trained θ; seeds differ between models. */
async function gmiStep(r: SettingRun, seed: number): Promise<GmiMeasure> {
  const { s, b } = r;
  const out = join(r.dir, `gmi-seed${seed}`);
  await r.steps.run(s.id, `gmi seed ${seed}`, join(out, 'result.json'), () => runGmi(stepFlags<GmiFlags>(registerGmi, 'gmi', {
    model: finalOf(r, seed), ...dataFlags(s), directions: b.directions, seed: 1000 * seed, range: `-1:1:${b.gmiPoints}`, traceSamples: b.traceSamples,
    ...toleranceFlags(r.adaptive), out,
  }), silent));
  const g = readJson<{ directions: { measuredType: string; normalisedCurvature: number; slope: number; curvature: number; uncertain?: boolean }[]; predictedVBasinFraction: number; traceOverP?: { mean: number; stderr: number } }>(join(out, 'result.json'));
  return {
    ...(g.directions.some((d) => d.uncertain !== undefined) ? { uncertain: g.directions.map((d) => d.uncertain === true) } : {}),
    seed, types: g.directions.map((d) => d.measuredType), normalisedCurvatures: g.directions.map((d) => d.normalisedCurvature),
    slopes: g.directions.map((d) => d.slope), curvatures: g.directions.map((d) => d.curvature), predictedVBasinFraction: g.predictedVBasinFraction,
    ...(g.traceOverP ? { traceOverP: g.traceOverP } : {}),
  };
}

/** tr(H) at init and at epochs 1, 2, 5, 10, … (copies in their own folder: hessian --checkpoints reads a folder). */
async function traceStep(r: SettingRun, seed: number): Promise<TraceMeasure> {
  const { s, b } = r;
  const out = join(r.dir, `trace-seed${seed}`), picked = join(r.dir, `trace-checkpoints-seed${seed}`);
  mkdirSync(picked, { recursive: true });
  for (const f of ['init.safetensors', ...traceEpochs(s.epochs).map(epochFile)]) copyFileSync(join(trainDir(r, seed), f), join(picked, f));
  await r.steps.run(s.id, `tr(H) over checkpoints seed ${seed}`, join(out, 'result.json'), () => runOverTraining(stepFlags<HessianFlags>(registerHessian, 'hessian', {
    checkpoints: picked, ...dataFlags(s), traceSamples: b.traceSamples, seed, out,
  }), silent));
  return { seed, checkpoints: readJson<{ checkpoints: TraceMeasure['checkpoints'] }>(join(out, 'result.json')).checkpoints };
}

/** MLI: init → final, BN statistics interpolated with the weights; expansion at θ_final along θ_init − θ_final. */
async function mliStep(r: SettingRun, seed: number): Promise<MliMeasure> {
  const { s, b } = r;
  const init = join(trainDir(r, seed), 'init.safetensors');
  const mliDir = join(r.dir, `mli-seed${seed}`);
  await r.steps.run(s.id, `MLI curve seed ${seed}`, join(mliDir, 'result.json'), landscape('curve', s, init, [`to:${finalOf(r, seed)}`], [`0:1:${b.points}`], mliDir, { bn: 'perturb' }));
  const whyDir = join(r.dir, `mli-explain-seed${seed}`);
  await r.steps.run(s.id, `MLI expansion seed ${seed}`, join(whyDir, 'result.json'), () => runExplain(stepFlags<ExplainFlags>(registerExplain, 'explain', {
    model: finalOf(r, seed), ...dataFlags(s), direction: `to:${init}`, range: '-0.1:0.1:5', out: whyDir,
  }), silent));
  const c = readJson<Curve>(join(mliDir, 'result.json'));
  const m = mliMetrics(c.lambdas, c.loss);
  const terms = readJson<{ terms: { slope: number; curvature: number } }>(join(whyDir, 'result.json')).terms;
  return { seed, monotone: m.monotone, maxRise: m.maxRise, bumpHeights: m.bumps.map((x) => x.height), lossStart: m.lossStart, lossEnd: m.lossEnd, slope: terms.slope, curvature: terms.curvature };
}

/**
 * The negative gradient (filter-normalised) at an early checkpoint, on λ ∈ [−1, 1], then zoomed so that the basin it
 * descends into is resolved: filter-normalised λ = 1 is a step as long as θ itself, and the basin's bottom λ̂
 * (parabola through the wide curve's lowest grid point) can be a few hundredths. The zoom spans ±3λ̂, so θ would sit
 * a third of the way up a quadratic basin's wall: v-side if the curve is what the claim says. Then closer looks while
 * its bottom is only one or two grid steps from θ (ResNet-20's is at λ ≈ 0.002–0.003), twice at most.
 */
async function negGradientStep(r: SettingRun, seed: number): Promise<{ measure: CurveMeasure; note: string }> {
  const { s, b } = r;
  const early = join(trainDir(r, seed), epochFile(s.earlyEpoch));
  const gradientCurve = async (name: string, h: number): Promise<Curve> => {
    const curveDir = join(r.dir, `${name}-seed${seed}`);
    const curveRange = `${-h}:${h}:${b.points}`;
    await r.steps.run(s.id, `negative gradient at epoch ${s.earlyEpoch}, λ ${curveRange} seed ${seed}`, join(curveDir, 'result.json'), landscape('curve', s, early, ['gradient'], [curveRange], curveDir, r.adaptive ? { adaptive: r.adaptive } : {}));
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
  return {
    measure: { seed, type: gc.type, ...(gc.uncertain !== undefined ? { uncertain: gc.uncertain } : {}) },
    note: `seed ${seed}: ${wide.type} on [−1, 1]; on [−${fmt(half)}, ${fmt(half)}] L(0) ${fmt(gc.loss[i0] ?? NaN)} → min ${fmt(gc.loss[iMin]!)} at λ = ${fmt(gc.lambdas[iMin]!)}`,
  };
}

/**
 * Seed a's model → seed z's, BN statistics recomputed at every point: the only mode whose λ = 1 is the second model
 * and whose extrapolation stays a network (with perturb, ResNet-20's extrapolated running variances collapse;
 * docs/fashion-mnist.md).
 */
async function twoSolutionsStep(r: SettingRun, a: number, z: number): Promise<ClaimRow> {
  const { s, b } = r;
  const twoDir = join(r.dir, `two-solutions-bn-recompute-seed${a}-seed${z}`);
  await r.steps.run(s.id, `seed ${a} → seed ${z} curve`, join(twoDir, 'result.json'), landscape('curve', s, finalOf(r, a), [`to:${finalOf(r, z)}`], [`-0.5:1.5:${b.points}`], twoDir, { bn: 'recompute', ...(r.adaptive ? { adaptive: r.adaptive } : {}) }));
  const tc = readJson<Curve>(join(twoDir, 'result.json'));
  const inside = tc.lambdas.map((l, i) => [l, tc.loss[i]!] as const).filter(([l]) => l >= 0 && l <= 1).map(([, v]) => v);
  const at = (x: number): number => tc.loss[tc.lambdas.reduce((bi, l, i) => (Math.abs(l - x) < Math.abs(tc.lambdas[bi]! - x) ? i : bi), 0)]!;
  const barrier = Math.max(...inside) - Math.max(at(0), at(1));
  return twoSolutionsRow(s.id, [{ seed: a, type: tc.type, ...(tc.uncertain !== undefined ? { uncertain: tc.uncertain } : {}) }], `barrier between them ${fmt(barrier)} above the higher end (L = ${fmt(at(0))}, ${fmt(at(1))})`);
}
