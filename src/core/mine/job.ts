// A mining run: R restarts (seeds), each optimised, checkpointed every K steps, then judged on held-out data.
//
// OUT/run.json                     identity (model, data, objective, constraint with its --params subset, optimiser,
//                                  seeds, grid); resume check
// OUT/points.jsonl                 one finished seed per line (a resumed run skips them)
// OUT/seed-S/state.safetensors     ε's coordinates + Adam moments after the last checkpoint
// OUT/seed-S/history.jsonl         per step: objective, probe losses, lr, gradient norm
// OUT/seed-S/direction.safetensors the mined ε (the vector itself: use as mined:PATH)
// OUT/seed-S/heldout/              the judging curve (a `terrain curve` run directory on held-out data)
// OUT/seed-S/insample/             the same direction on (a subset of) the mining data, for comparison
// OUT/direction.safetensors        the best seed's ε; OUT/result.json the summary
import type { LossChoice } from '../loss/choice.js';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/index.js';
import { gaussianNoise } from '../directions/gaussian.js';
import { saveDirection } from '../directions/io.js';
import { interpolate } from '../classify/features.js';
import type { LabeledBatch } from '../evaluate/point.js';
import type { CurveResult, DataSelection } from '../landscape/job.js';
import type { LoadedModel } from '../model-file.js';
import { formatRange, linspace, type Range } from '../runs/grid.js';
import { RunDir, type PointRecord } from '../runs/run-dir.js';
import { appendHistory, loadState, readHistory, rewriteHistory, saveState } from './checkpoint.js';
import { NormConstraint, type ConstraintOptions } from './constraint.js';
import { checkJudgeRange, judgeDirection } from './judge.js';
import { ModelProbe } from './model-probe.js';
import { formatTolerance, type AdaptiveOptions, type Tolerance } from '../landscape/adaptive.js';
import type { Objective } from './objectives.js';
import { initialState, optimizeDirection, type HistoryEntry, type OptimizeConfig } from './optimize.js';

export interface EvalData {
  selection: DataSelection;
  batches: readonly LabeledBatch[];
}

export interface MineJob {
  model: LoadedModel;
  objective: Objective;
  /** What defines the objective (shape options, or the template's points), for the run's identity. */
  objectiveIdentity: Record<string, unknown>;
  constraint: ConstraintOptions;
  mining: { dataset: Dataset; selection: DataSelection };
  heldOut: EvalData;
  /** The mined curve on mining data too (optional): shows what the optimiser saw next to the verdict. */
  inSample?: EvalData;
  seeds: readonly number[];
  config: OptimizeConfig;
  /** Mining minibatch size. */
  batchSize: number;
  /** Batch size of the held-out and in-sample curves. */
  evalBatchSize: number;
  judgeRange: Range;
  outDir: string;
  threads?: number;
  /** --loss other than cross-entropy: mined, judged and recorded (selections' loss) under it. */
  loss?: LossChoice;
  /** --tolerance / --refine of the judging curves (judge.ts); recorded in the identity and the result. */
  adaptive?: AdaptiveOptions;
  refine?: Tolerance;
  info: Record<string, unknown>;
  onStep?: (seed: number, entry: HistoryEntry) => void;
  onSeed?: (outcome: SeedOutcome) => void;
  signal?: AbortSignal;
}

export interface SeedOutcome {
  seed: number;
  /** Taxonomy type of the held-out curve: the verdict. */
  type: string;
  /** Held-out type is the target and (with --tolerance) not uncertain within its errors. */
  success: boolean;
  /** --tolerance: the share of redrawn held-out curves that keep the type, and whether it is below 0.9. */
  typeConfidence?: number;
  uncertain?: boolean;
  inSampleType: string | null;
  /** Mean minibatch objective over the last 10% of steps. */
  finalObjective: number;
  /** The objective on the held-out curve, read at the probes (linear interpolation on the dense grid). */
  heldOutObjective: number;
  steps: number;
  /** Optimisation time summed over the history (across resumes), seconds. */
  seconds: number;
  /** The minibatch objective averaged over each block of `checkpointEvery` steps (step = the block's last). */
  objectiveHistory?: { step: number; objective: number }[];
  /** The final curves on the judging grid (MineResult.lambdas): held-out, and on mining data when drawn.
   *  (Optional only for records written before these fields existed; runMining always sets them.) */
  heldOutLoss?: number[];
  inSampleLoss?: number[] | null;
  direction: string;
  curve: string;
}

export interface MineResult {
  kind: 'mine';
  shape: string;
  target: string;
  probes: number[];
  judgeRange: string;
  /** The judging grid (always set by runMining). */
  lambdas?: number[];
  heldOut: DataSelection;
  mining: DataSelection;
  seeds: SeedOutcome[];
  successes: number;
  successRate: number;
  /** The seed whose direction is OUT/direction.safetensors: the best held-out objective among successes, else overall. */
  best: { seed: number; success: boolean; direction: string } | null;
  /** --tolerance / --refine of the judging curves, when given. */
  tolerance?: { tolerance: string; minSamples: number; permutationSeed: number };
  refine?: string;
}

export function seedDir(outDir: string, seed: number): string {
  return join(outDir, `seed-${seed}`);
}

export async function runMining(job: MineJob): Promise<{ result: MineResult; run: RunDir; resumed: number }> {
  checkJudgeRange(job.judgeRange);
  if (job.seeds.length === 0) throw new Error('mining: no seeds to run (restarts must be ≥ 1)');
  const identity = {
    model: { path: job.model.path, sha256: job.model.hash, arch: job.model.model.spec.arch },
    objective: { shape: job.objective.shape, probes: job.objective.probes, target: job.objective.target, ...job.objectiveIdentity },
    constraint: job.constraint,
    optimizer: { steps: job.config.steps, lr: job.config.lr, schedule: job.config.schedule, adam: job.config.adam, batch: job.batchSize },
    mining: job.mining.selection,
    heldOut: job.heldOut.selection,
    inSample: job.inSample?.selection ?? null,
    seeds: job.seeds,
    judge: formatRange(job.judgeRange),
    evalBatch: job.evalBatchSize,
    threads: job.threads ?? 0,
    // Only runs with a stated error carry the keys, so earlier runs keep their identity.
    ...toleranceIdentity(job),
  };
  const { model } = job;
  // Before the run directory exists, so that a subset with nothing to move leaves no directory behind.
  const constraint = NormConstraint.of(model.theta, job.constraint);
  const run = await RunDir.open(job.outDir, { kind: 'mine', identity, info: job.info });
  const resumed = run.finished.size;
  let probe: ModelProbe | undefined;
  try {
    for (let k = 0; k < job.seeds.length; k++) {
      if (run.finished.has(k)) continue;
      const seed = job.seeds[k]!;
      const dir = seedDir(job.outDir, seed);
      mkdirSync(dir, { recursive: true });
      const statePath = join(dir, 'state.safetensors'), historyPath = join(dir, 'history.jsonl');
      const state = loadState(statePath, constraint.size) ?? initialState(constraint, gaussianNoise(model.theta.layout, seed));
      rewriteHistory(historyPath, readHistory(historyPath, state.step));
      if (state.step < job.config.steps) {
        probe ??= await ModelProbe.create(model.model, model.theta.layout, model.buffers, job.mining.dataset, { batchSize: job.batchSize, threads: job.threads, loss: job.loss });
        await optimizeDirection({
          theta: model.theta, constraint, objective: job.objective, probe: probe.seeded(seed), config: job.config, state,
          onStep: (e) => { appendHistory(historyPath, e); job.onStep?.(seed, e); },
          onCheckpoint: (s) => saveState(statePath, s, { seed: String(seed), shape: job.objective.shape }),
          signal: job.signal,
        });
        if (state.step < job.config.steps) throw new Error('interrupted');
      }
      const direction = constraint.toDirection(state.u);
      const directionPath = join(dir, 'direction.safetensors');
      const spec = `mined:${directionPath}`;
      const judged = (data: EvalData, sub: string): Promise<CurveResult> => judgeDirection({
        model, direction, spec, data: data.selection, batches: data.batches, batchSize: job.evalBatchSize, range: job.judgeRange,
        outDir: join(dir, sub), threads: job.threads, loss: job.loss, adaptive: job.adaptive, refine: job.refine, info: { ...job.info, minedSeed: seed }, signal: job.signal,
      });
      const heldOut = await judged(job.heldOut, 'heldout');
      const inSample = job.inSample ? await judged(job.inSample, 'insample') : undefined;
      const history = readHistory(historyPath);
      // A type that flips within its error bars is no success: the verdict must hold at the stated error.
      const success = heldOut.type === job.objective.target && heldOut.uncertain !== true;
      saveDirection(directionPath, direction, {
        shape: job.objective.shape, seed: String(seed), heldOutType: heldOut.type, success: String(success),
        model: job.model.hash, constraint: JSON.stringify(job.constraint), probes: JSON.stringify(job.objective.probes),
      });
      const outcome: SeedOutcome = {
        seed, type: heldOut.type, success, inSampleType: inSample?.type ?? null,
        ...(heldOut.typeConfidence !== undefined ? { typeConfidence: heldOut.typeConfidence, uncertain: heldOut.uncertain } : {}),
        finalObjective: tailMean(history.map((e) => e.objective), 0.1),
        heldOutObjective: job.objective.evaluate(job.objective.probes.map((l) => interpolate(heldOut.lambdas, heldOut.loss, l))).value,
        steps: state.step, seconds: history.reduce((s, e) => s + (e.ms ?? 0), 0) / 1000,
        objectiveHistory: blockMeans(history, job.config.checkpointEvery),
        heldOutLoss: heldOut.loss, inSampleLoss: inSample?.loss ?? null,
        direction: directionPath, curve: join(dir, 'heldout', 'result.json'),
      };
      await run.append({ index: k, ...outcome } as unknown as PointRecord);
      job.onSeed?.(outcome);
    }
  } catch (e) {
    run.close();
    throw e;
  } finally {
    await probe?.dispose();
  }
  const seeds = job.seeds.map((_, k) => run.finished.get(k) as unknown as SeedOutcome & { index: number })
    .map(({ index: _index, ...o }) => o as SeedOutcome);
  const best = pickBest(seeds);
  const bestPath = join(job.outDir, 'direction.safetensors');
  if (best) copyFileSync(best.direction, bestPath);
  const successes = seeds.filter((s) => s.success).length;
  const result: MineResult = {
    kind: 'mine', shape: job.objective.shape, target: job.objective.target, probes: [...job.objective.probes],
    judgeRange: formatRange(job.judgeRange), lambdas: linspace(job.judgeRange), heldOut: job.heldOut.selection, mining: job.mining.selection,
    seeds, successes, successRate: successes / seeds.length, ...toleranceIdentity(job),
    best: best ? { seed: best.seed, success: best.success, direction: bestPath } : null,
  };
  await run.writeResult(result);
  run.close();
  return { result, run, resumed };
}

function toleranceIdentity(job: Pick<MineJob, 'adaptive' | 'refine'>): Record<string, unknown> {
  const a = job.adaptive;
  return {
    ...(a ? { tolerance: { tolerance: formatTolerance(a.tolerance), minSamples: a.minSamples, permutationSeed: a.seed } } : {}),
    ...(job.refine ? { refine: formatTolerance(job.refine) } : {}),
  };
}

function pickBest(seeds: readonly SeedOutcome[]): SeedOutcome | undefined {
  const pool = seeds.some((s) => s.success) ? seeds.filter((s) => s.success) : seeds;
  return pool.reduce<SeedOutcome | undefined>((b, s) => (!b || s.heldOutObjective < b.heldOutObjective ? s : b), undefined);
}

function blockMeans(history: readonly HistoryEntry[], block: number): { step: number; objective: number }[] {
  const out: { step: number; objective: number }[] = [];
  for (let i = 0; i < history.length; i += block) {
    const part = history.slice(i, i + block);
    out.push({ step: part[part.length - 1]!.step, objective: part.reduce((s, e) => s + e.objective, 0) / part.length });
  }
  return out;
}

function tailMean(v: readonly number[], fraction: number): number {
  if (v.length === 0) return NaN;
  const tail = v.slice(Math.max(0, v.length - Math.max(1, Math.round(v.length * fraction))));
  return tail.reduce((s, x) => s + x, 0) / tail.length;
}
